import type * as Y from 'yjs';
import type { ReportDetails } from '../domain/model';
import {
  MAPS,
  type CandidateView,
  type DotVoteView,
  type LinkView,
  type MyBallotView,
  type NoteView,
  type ParticipantView,
  type PriorityView,
  type RankingView,
  type ReplicaSnapshot,
  type StatementView,
  type WorkshopView,
} from '../protocol/replica';

export const EMPTY_SNAPSHOT: ReplicaSnapshot = {
  workshop: null,
  me: null,
  links: [],
  report: null,
  boards: {},
  notes: {},
  themes: {},
  participants: {},
  statements: {},
  decision: {},
};

/** Read a replica Y.Doc into plain data for rendering: the whole of it (see SnapshotReader). */
export function readSnapshot(doc: Y.Doc): ReplicaSnapshot {
  return {
    workshop: (doc.getMap(MAPS.meta).get('workshop') as WorkshopView | undefined) ?? null,
    me: (doc.getMap(MAPS.meta).get('me') as ParticipantView | undefined) ?? null,
    links: (doc.getMap(MAPS.meta).get('links') as LinkView[] | undefined) ?? [],
    report: (doc.getMap(MAPS.meta).get('report') as ReportDetails | undefined) ?? null,
    boards: doc.getMap(MAPS.boards).toJSON() as ReplicaSnapshot['boards'],
    notes: doc.getMap(MAPS.notes).toJSON() as ReplicaSnapshot['notes'],
    themes: doc.getMap(MAPS.themes).toJSON() as ReplicaSnapshot['themes'],
    participants: doc.getMap(MAPS.participants).toJSON() as ReplicaSnapshot['participants'],
    statements: doc.getMap(MAPS.statements).toJSON() as ReplicaSnapshot['statements'],
    decision: doc.getMap(MAPS.decision).toJSON() as ReplicaSnapshot['decision'],
  };
}

/** Décision as a screen reads it, from the replica's `decision` map (see MAPS.decision). */
export interface DecisionSnapshot {
  candidates: readonly CandidateView[];
  priorities: readonly PriorityView[];
  dotVote: DotVoteView | null;
  ranking: RankingView | null;
  /** The participant's own ballots (private replica only). */
  mine: MyBallotView | null;
}

const decisions = new WeakMap<ReplicaSnapshot['decision'], DecisionSnapshot>();

/** Décision's candidates and priorities in order, the votes and one's own ballots; once per record. */
export function decisionOf(snapshot: ReplicaSnapshot): DecisionSnapshot {
  let decision = decisions.get(snapshot.decision);
  if (!decision) {
    const candidates: CandidateView[] = [];
    const priorities: PriorityView[] = [];
    for (const [key, value] of Object.entries(snapshot.decision)) {
      if (key.startsWith('candidate:')) candidates.push(value as CandidateView);
      else if (key.startsWith('priority:')) priorities.push(value as PriorityView);
    }
    candidates.sort((a, b) => a.position - b.position);
    priorities.sort((a, b) => a.position - b.position);
    const field = <T>(key: string) => (snapshot.decision[key] as T | undefined) ?? null;
    decision = {
      candidates,
      priorities,
      dotVote: field<DotVoteView>('dotVote'),
      ranking: field<RankingView>('ranking'),
      mine: field<MyBallotView>('mine'),
    };
    decisions.set(snapshot.decision, decision);
  }
  return decision;
}

const statementLists = new WeakMap<ReplicaSnapshot['statements'], readonly StatementView[]>();

/** The vision statements in the workshop's order, worked out once per statements record. */
export function statementsInOrder(snapshot: ReplicaSnapshot): readonly StatementView[] {
  let list = statementLists.get(snapshot.statements);
  if (!list) {
    list = Object.values(snapshot.statements).sort((a, b) => a.position - b.position);
    statementLists.set(snapshot.statements, list);
  }
  return list;
}

/**
 * The order every screen lists notes in: newest first. Equal times (one server batch) fall back
 * on the id, so every phone shows the same order whatever order the notes arrived in.
 */
export function newestFirst(a: NoteView, b: NoteView): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** One board's notes, newest first, and the same per column id. Never mutated once published. */
interface BoardNotes {
  readonly all: readonly NoteView[];
  readonly columns: ReadonlyMap<string, readonly NoteView[]>;
}
/** Notes per board (and column) and per theme, newest first. */
interface NotesIndex {
  readonly boards: ReadonlyMap<string, BoardNotes>;
  readonly themes: ReadonlyMap<string, readonly NoteView[]>;
  readonly count: number;
}

const NONE: readonly NoteView[] = Object.freeze([]);
/** Each snapshot's notes index; a snapshot read whole gets one built on first use. */
const indexes = new WeakMap<ReplicaSnapshot, NotesIndex>();

function indexOf(snapshot: ReplicaSnapshot): NotesIndex {
  let index = indexes.get(snapshot);
  if (!index) {
    index = buildIndex(Object.values(snapshot.notes));
    indexes.set(snapshot, index);
  }
  return index;
}

function buildIndex(notes: NoteView[]): NotesIndex {
  const boards = new Map<string, { all: NoteView[]; columns: Map<string, NoteView[]> }>();
  const themes = new Map<string, NoteView[]>();
  for (const note of [...notes].sort(newestFirst)) {
    if (note.themeId) {
      let theme = themes.get(note.themeId);
      if (!theme) themes.set(note.themeId, (theme = []));
      theme.push(note);
    }
    let board = boards.get(note.boardId);
    if (!board) boards.set(note.boardId, (board = { all: [], columns: new Map() }));
    board.all.push(note);
    let column = board.columns.get(note.columnId);
    if (!column) board.columns.set(note.columnId, (column = []));
    column.push(note);
  }
  return { boards, themes, count: notes.length };
}

/** A board's notes in the snapshot, newest first (the same array until one of them changes). */
export function boardNotes(snapshot: ReplicaSnapshot, boardId: string): readonly NoteView[] {
  return indexOf(snapshot).boards.get(boardId)?.all ?? NONE;
}

/** A column's notes in the snapshot, newest first (the same array until one of them changes). */
export function columnNotes(
  snapshot: ReplicaSnapshot,
  boardId: string,
  columnId: string,
): readonly NoteView[] {
  return indexOf(snapshot).boards.get(boardId)?.columns.get(columnId) ?? NONE;
}

/** A theme's notes in the snapshot, newest first (the same array until one of them changes). */
export function themeNotes(snapshot: ReplicaSnapshot, themeId: string): readonly NoteView[] {
  return indexOf(snapshot).themes.get(themeId) ?? NONE;
}

const derived = new WeakMap<readonly NoteView[], Map<string, readonly NoteView[]>>();

/** `make(list)`, computed once per list: a list that did not change costs nothing next update. */
function remember(
  list: readonly NoteView[],
  key: string,
  make: () => readonly NoteView[],
): readonly NoteView[] {
  let byKey = derived.get(list);
  if (!byKey) derived.set(list, (byKey = new Map()));
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = make()));
  return result;
}

/** `list` without its grouped notes, or without its moderated ones (same order). */
export function notesWithout(
  list: readonly NoteView[],
  what: 'grouped' | 'moderated',
): readonly NoteView[] {
  return remember(list, what, () =>
    list.filter((n) => (what === 'grouped' ? !n.themeId : !n.moderated)),
  );
}

/** A newest-first list, oldest first. */
export function oldestFirst(list: readonly NoteView[]): readonly NoteView[] {
  return remember(list, 'oldestFirst', () => [...list].reverse());
}

/**
 * Two newest-first lists as one, newest first; where both hold a note, `over`'s copy wins (a
 * phone's own note as its private replica has it, over the room's copy).
 */
export function mergeNotes(
  base: readonly NoteView[],
  over: readonly NoteView[],
): readonly NoteView[] {
  if (over.length === 0) return base;
  if (base.length === 0) return over;
  let byOver = merged.get(base);
  if (!byOver) merged.set(base, (byOver = new WeakMap()));
  let result = byOver.get(over);
  if (!result) byOver.set(over, (result = merge(base, over)));
  return result;
}

/** Merges remembered per pair of lists: columns that did not change cost nothing next update. */
const merged = new WeakMap<
  readonly NoteView[],
  WeakMap<readonly NoteView[], readonly NoteView[]>
>();

function merge(base: readonly NoteView[], over: readonly NoteView[]): readonly NoteView[] {
  const ids = new Set(over.map((n) => n.id));
  const out: NoteView[] = [];
  let i = 0;
  let j = 0;
  while (i < base.length || j < over.length) {
    const a = base[i];
    if (a && ids.has(a.id)) {
      i++;
      continue;
    }
    const b = over[j];
    if (a && (!b || newestFirst(a, b) <= 0)) {
      out.push(a);
      i++;
    } else if (b) {
      out.push(b);
      j++;
    }
  }
  return out;
}

/** Where `note` goes in a newest-first list (or where it is, if it is there). */
function position(list: readonly NoteView[], note: NoteView): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (newestFirst(list[mid]!, note) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function remove(list: NoteView[], note: NoteView): void {
  const at = position(list, note);
  if (list[at]?.id === note.id) list.splice(at, 1);
}

function insert(list: NoteView[], note: NoteView): void {
  list.splice(position(list, note), 0, note);
}

/** A note count per snapshot, from its index (reading `notes` whole would cost O(notes)). */
export function noteCount(snapshot: ReplicaSnapshot): number {
  return indexOf(snapshot).count;
}

/**
 * A snapshot's notes record, built only when something reads it: screens list notes through the
 * index, so most snapshots never need one. Until then it is its parent's record plus what
 * changed, and the reader builds one now and then so that chain stays short.
 */
class LazyNotes {
  #record: Record<string, NoteView> | null = null;
  #parent: LazyNotes | null = null;
  #delta: ReadonlyMap<string, NoteView | undefined> | null = null;
  /** Changes between this and the nearest record (at most: an ancestor may have built its own). */
  pending = 0;

  static of(record: Record<string, NoteView>): LazyNotes {
    const notes = new LazyNotes();
    notes.#record = record;
    return notes;
  }

  static after(parent: LazyNotes, delta: ReadonlyMap<string, NoteView | undefined>): LazyNotes {
    const notes = new LazyNotes();
    notes.#parent = parent;
    notes.#delta = delta;
    notes.pending = (parent.#record ? 0 : parent.pending) + delta.size;
    return notes;
  }

  get record(): Record<string, NoteView> {
    if (this.#record) return this.#record;
    const chain: LazyNotes[] = [this];
    let base = this.#parent!;
    while (!base.#record) {
      chain.push(base);
      base = base.#parent!;
    }
    const record: Record<string, NoteView> = {};
    for (const key in base.#record) record[key] = base.#record[key]!;
    for (let i = chain.length - 1; i >= 0; i--) {
      for (const [key, note] of chain[i]!.#delta!) {
        if (note) record[key] = note;
        else delete record[key];
      }
    }
    this.#record = record;
    this.#parent = null;
    this.#delta = null;
    return record;
  }
}

/** A snapshot object whose `notes` is built on first read (an own, enumerable property). */
function withNotes(fields: Omit<ReplicaSnapshot, 'notes'>, notes: LazyNotes): ReplicaSnapshot {
  const snapshot = { ...fields } as ReplicaSnapshot;
  Object.defineProperty(snapshot, 'notes', { enumerable: true, get: () => notes.record });
  return snapshot;
}

const RECORDS = {
  [MAPS.boards]: 'boards',
  [MAPS.themes]: 'themes',
  [MAPS.participants]: 'participants',
  [MAPS.statements]: 'statements',
  [MAPS.decision]: 'decision',
} as const;

/**
 * Keeps a snapshot of a replica Y.Doc up to date from what each transaction changed: only the
 * keys that changed are read again, every other entry (and every untouched column list) keeps its
 * identity, so keyed `each` blocks and deriveds skip them. Each change publishes a new snapshot
 * object that never changes afterwards. Boards, themes, participants and statements (a few hundred at most)
 * are copied when they change; notes are not copied per update at all: screens list them through
 * the per-column index, and `snapshot.notes` is built on first read (see LazyNotes).
 */
export class SnapshotReader {
  #snapshot: ReplicaSnapshot;
  #notes: LazyNotes;
  /** The latest notes, kept in step with the doc (never handed out). */
  readonly #current: Map<string, NoteView>;
  /** Map name → keys changed since the last snapshot. */
  readonly #changed = new Map<string, Set<string>>();
  readonly #buildAfter: number;

  constructor(
    readonly doc: Y.Doc,
    onChange: (snapshot: ReplicaSnapshot) => void = () => {},
    /** Build a notes record once this many changes wait (default: an eighth of the notes, 64 at least). */
    options: { buildAfter?: number } = {},
  ) {
    const first = doc.share.size === 0 ? EMPTY_SNAPSHOT : readSnapshot(doc);
    this.#current = new Map(Object.entries(first.notes));
    this.#notes = LazyNotes.of(first.notes);
    this.#snapshot = first;
    this.#buildAfter = options.buildAfter ?? 0;
    for (const name of Object.values(MAPS)) {
      doc.getMap(name).observe((event) => {
        let keys = this.#changed.get(name);
        if (!keys) this.#changed.set(name, (keys = new Set()));
        for (const key of event.keys.keys()) keys.add(key);
      });
    }
    // Observers have all run by then: one snapshot per transaction, whatever it touched.
    doc.on('afterTransaction', () => {
      if (this.#changed.size === 0) return;
      this.#snapshot = this.#next();
      onChange(this.#snapshot);
    });
  }

  get snapshot(): ReplicaSnapshot {
    return this.#snapshot;
  }

  #next(): ReplicaSnapshot {
    const prev = this.#snapshot;
    const fields: Omit<ReplicaSnapshot, 'notes'> = {
      workshop: prev.workshop,
      me: prev.me,
      links: prev.links,
      report: prev.report,
      boards: prev.boards,
      themes: prev.themes,
      participants: prev.participants,
      statements: prev.statements,
      decision: prev.decision,
    };
    let index = indexOf(prev);
    for (const [name, keys] of this.#changed) {
      const map = this.doc.getMap(name);
      if (name === MAPS.meta) {
        fields.workshop = (map.get('workshop') as WorkshopView | undefined) ?? null;
        fields.me = (map.get('me') as ParticipantView | undefined) ?? null;
        fields.links = (map.get('links') as LinkView[] | undefined) ?? [];
        fields.report = (map.get('report') as ReportDetails | undefined) ?? null;
      } else if (name === MAPS.notes) {
        const delta = new Map<string, NoteView | undefined>();
        for (const key of keys) {
          const note = map.has(key) ? (map.get(key) as NoteView) : undefined;
          if (note === this.#current.get(key)) continue;
          delta.set(key, note);
        }
        index = this.#reindex(index, delta);
        for (const [key, note] of delta) {
          if (note) this.#current.set(key, note);
          else this.#current.delete(key);
        }
        this.#notes = LazyNotes.after(this.#notes, delta);
        const limit = this.#buildAfter || Math.max(64, this.#current.size >> 3);
        // Amortized: one O(notes) copy per n/8 changes keeps the chain (and its memory) short.
        if (this.#notes.pending > limit) void this.#notes.record;
      } else {
        const field = RECORDS[name as keyof typeof RECORDS];
        const record: Record<string, unknown> = { ...prev[field] };
        for (const key of keys) {
          if (map.has(key)) record[key] = map.get(key);
          else delete record[key];
        }
        (fields as unknown as Record<string, unknown>)[field] = record;
      }
    }
    this.#changed.clear();
    const next = withNotes(fields, this.#notes);
    indexes.set(next, index);
    return next;
  }

  /** The notes index after `delta`: only the boards, columns and themes it touches are copied. */
  #reindex(index: NotesIndex, delta: ReadonlyMap<string, NoteView | undefined>): NotesIndex {
    if (delta.size === 0) return index;
    const boards = new Map(index.boards);
    const themes = new Map(index.themes);
    const freshThemes = new Set<string>();
    const theme = (id: string) => {
      if (!freshThemes.has(id)) {
        themes.set(id, [...(themes.get(id) ?? [])]);
        freshThemes.add(id);
      }
      return themes.get(id) as NoteView[];
    };
    let count = index.count;
    const copied = new Map<
      string,
      { all: NoteView[]; columns: Map<string, NoteView[]>; fresh: Set<string> }
    >();
    const board = (id: string) => {
      let entry = copied.get(id);
      if (!entry) {
        const old = boards.get(id);
        entry = {
          all: [...(old?.all ?? [])],
          columns: new Map(old?.columns as Map<string, NoteView[]> | undefined),
          fresh: new Set(),
        };
        copied.set(id, entry);
      }
      return entry;
    };
    const column = (entry: ReturnType<typeof board>, id: string) => {
      if (!entry.fresh.has(id)) {
        entry.columns.set(id, [...(entry.columns.get(id) ?? [])]);
        entry.fresh.add(id);
      }
      return entry.columns.get(id)!;
    };
    for (const [key, after] of delta) {
      const before = this.#current.get(key);
      if (before) {
        const entry = board(before.boardId);
        remove(entry.all, before);
        remove(column(entry, before.columnId), before);
        if (before.themeId) remove(theme(before.themeId), before);
        count--;
      }
      if (after) {
        const entry = board(after.boardId);
        insert(entry.all, after);
        insert(column(entry, after.columnId), after);
        if (after.themeId) insert(theme(after.themeId), after);
        count++;
      }
    }
    for (const id of freshThemes) if (themes.get(id)!.length === 0) themes.delete(id);
    for (const [id, entry] of copied) {
      for (const columnId of entry.fresh) {
        if (entry.columns.get(columnId)!.length === 0) entry.columns.delete(columnId);
      }
      if (entry.all.length === 0) boards.delete(id);
      else boards.set(id, { all: entry.all, columns: entry.columns });
    }
    return { boards, themes, count };
  }
}

import {
  columnSectorCounts,
  reportOf,
  sectorShares,
  sessionsOf,
  shownGroups,
  STAGES,
  STOPPED_TIMER,
  type Note,
  type ReportDetails,
  type ShownGroups,
  type StageId,
  type VisionStatement,
  type Workshop,
  type WorkshopEvent,
} from '../src/lib/domain/index';
import type {
  BoardView,
  LinkView,
  NoteView,
  ParticipantView,
  StatementView,
  ThemeView,
  WorkshopView,
} from '../src/lib/protocol/replica';
import {
  ballotsTouched,
  decisionKeys,
  decisionViews,
  isDecisionEvent,
  myDecision,
} from './decisionViews';

/**
 * Views of unchanged notes are reused: the domain updates state immutably, so a note object that
 * did not change is the same object, and its view is the same object too (the replica writer
 * then skips it without serialising it).
 */
export class ProjectionCache {
  readonly notes = new WeakMap<object, { author: unknown; anonymous: boolean; view: NoteView }>();
}

/** What one replica holds, keyed like its maps. */
export interface AudienceView {
  meta: {
    workshop?: WorkshopView;
    me?: ParticipantView;
    links?: LinkView[];
    report?: ReportDetails;
  };
  boards: Record<string, BoardView>;
  notes: Record<string, NoteView>;
  themes: Record<string, ThemeView>;
  participants: Record<string, ParticipantView>;
  statements: Record<string, StatementView>;
  /** Décision (see MAPS.decision and server/decisionViews.ts). */
  decision: Record<string, unknown>;
}

/** Every replica of a workshop at one moment. */
export interface Projection {
  public: AudienceView;
  facilitator: AudienceView;
  /** participant id → their private replica (only those asked for). */
  private: Map<string, AudienceView>;
}

export interface ProjectionCaches {
  public: ProjectionCache;
  facilitator: ProjectionCache;
  private: ProjectionCache;
}

export function newCaches(): ProjectionCaches {
  return {
    public: new ProjectionCache(),
    facilitator: new ProjectionCache(),
    private: new ProjectionCache(),
  };
}

function noteView(state: Workshop, n: Note, withAuthor: boolean, cache: ProjectionCache): NoteView {
  const authorId = n.author.kind === 'participant' ? n.author.id : null;
  const author = authorId ? state.participants[authorId] : undefined;
  const cached = cache.notes.get(n);
  // A note's view also depends on its author and on whether its board is anonymous. A note
  // written anonymously stays so after the board's setting is lifted.
  const anonymous = n.anonymous === true || (state.boards[n.boardId]?.anonymous ?? false);
  if (cached && cached.author === author && cached.anonymous === anonymous) return cached.view;
  const view: NoteView = {
    id: n.id,
    boardId: n.boardId,
    columnId: n.columnId,
    text: n.text,
    byFacilitator: authorId === null,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  };
  if (n.themeId !== undefined) view.themeId = n.themeId;
  if (n.stackedOn !== undefined) view.stackedOn = n.stackedOn;
  if (withAuthor && !anonymous) {
    view.authorId = authorId;
    view.authorName = author?.name ?? '';
  }
  if (withAuthor && anonymous) view.anonymous = true;
  if (withAuthor && n.moderated) view.moderated = true;
  cache.notes.set(n, { author, anonymous, view });
  return view;
}

function participantView(
  state: Workshop,
  id: string,
  connected: ReadonlySet<string>,
): ParticipantView {
  const p = state.participants[id]!;
  return {
    id: p.id,
    name: p.name,
    sector: p.sector,
    connected: connected.has(p.id),
    joinedAt: p.joinedAt,
  };
}

/** The room's view of a note: a revealed board's notes, never a moderated one. */
function publiclyVisible(state: Workshop, n: Note): boolean {
  return !n.moderated && !state.boards[n.boardId]?.hidden;
}

function workshopView(
  state: Workshop,
  connected: ReadonlySet<string>,
  participantCount: number,
): WorkshopView {
  const stages = {} as WorkshopView['stages'];
  for (const id of STAGES as readonly StageId[]) {
    stages[id] = { prompt: state.stages[id].prompt, boardIds: [...state.stages[id].boardIds] };
  }
  return {
    id: state.id,
    title: state.title,
    question: state.question,
    objectives: state.objectives ?? '',
    language: state.language,
    joinCode: state.joinCode,
    currentStage: state.currentStage,
    sectors: state.sectors.map((s) => ({ ...s })),
    stages,
    connected: connected.size,
    participantCount,
    joiningOpen: state.joiningOpen,
    timer: { ...(state.timer ?? STOPPED_TIMER) },
    sessions: sessionsOf(state).map((s, i) => ({
      id: s.id,
      number: i + 1,
      label: s.label,
      date: s.date,
      startedAt: s.startedAt,
      endedAt: s.endedAt ?? null,
      attendance: s.attendance.length,
    })),
    currentSessionId: state.currentSessionId ?? null,
  };
}

/** The same for the room and the console: a statement carries nothing personal. */
function statementView(s: VisionStatement, position: number): StatementView {
  return {
    id: s.id,
    title: s.title,
    text: s.text,
    locked: s.locked,
    position,
    updatedAt: s.updatedAt ?? null,
  };
}

function statementViews(state: Workshop): Record<string, StatementView> {
  const views: Record<string, StatementView> = {};
  (state.statementOrder ?? []).forEach((id, i) => {
    views[id] = statementView(state.statements![id]!, i);
  });
  return views;
}

function countPresent(state: Workshop): number {
  return Object.values(state.participants).filter((p) => p.removedAt === undefined).length;
}

function linkViews(state: Workshop): LinkView[] {
  return Object.values(state.coFacilitators).map((l) => ({
    id: l.id,
    label: l.label,
    createdAt: l.createdAt,
    revokedAt: l.revokedAt,
  }));
}

/** A board as the room and as the console see it, from the notes it holds. */
function boardViews(
  state: Workshop,
  boardId: string,
  notes: readonly Note[],
  groups: ShownGroups,
): { public: BoardView; facilitator: BoardView } {
  const b = state.boards[boardId]!;
  // Counts per column, moderated notes left out.
  const counts: Record<string, number> = {};
  for (const n of notes) if (!n.moderated) counts[n.columnId] = (counts[n.columnId] ?? 0) + 1;
  const view: BoardView = {
    id: b.id,
    stage: b.stage,
    title: b.title,
    columns: b.columns.map((c) => ({ ...c })),
    hidden: b.hidden,
    locked: b.locked,
    anonymous: b.anonymous,
    participantsGroup: b.participantsGroup ?? false,
    counts: Object.fromEntries(b.columns.map((c) => [c.id, counts[c.id] ?? 0])),
  };
  // Every per-sector figure goes through the domain's groups: no group under three people.
  const sectorCounts = columnSectorCounts(state, b.id, groups, notes);
  return {
    public: view,
    facilitator: sectorCounts === undefined ? { ...view } : { ...view, sectorCounts },
  };
}

/**
 * A theme as the room and as the console see it: each audience sees the notes it may see, and
 * its sector figures count only those (before the reveal, the room's figures of a hidden board
 * are empty). `members` in the order of the workshop's notes.
 */
function themeViews(
  state: Workshop,
  themeId: string,
  members: readonly Note[],
  groups: ShownGroups,
): { public: ThemeView; facilitator: ThemeView } {
  const theme = state.themes![themeId]!;
  const base = {
    id: theme.id,
    boardId: theme.boardId,
    title: theme.title,
    createdAt: theme.createdAt,
    answeredBy: [...theme.answeredBy],
  };
  const shown = members.filter((n) => publiclyVisible(state, n));
  return {
    public: {
      ...base,
      noteIds: shown.map((n) => n.id),
      count: shown.length,
      sectors: sectorShares(state, theme.boardId, shown, groups),
    },
    facilitator: {
      ...base,
      noteIds: members.map((n) => n.id),
      count: members.length,
      sectors: sectorShares(state, theme.boardId, members, groups),
    },
  };
}

function privateNoteView(state: Workshop, n: Note, cache: ProjectionCache): NoteView {
  const view = noteView(state, n, false, cache);
  return n.moderated ? { ...view, moderated: true } : view;
}

/**
 * Project the stored workshop onto what each audience may see.
 * - public: no secret, no token or code hash, no participant id, name or sector;
 * - facilitator: adds participants (names, sectors, presence) and who wrote each note;
 * - private (one per participant): that participant and their own notes, nobody else's data.
 */
export function project(
  state: Workshop,
  connected: ReadonlySet<string>,
  privateFor: Iterable<string>,
  caches: ProjectionCaches = newCaches(),
): Projection {
  const workshop = workshopView(state, connected, countPresent(state));
  const notesByBoard = new Map<string, Note[]>();
  const byAuthor = new Map<string, Note[]>();
  const membersOf = new Map<string, Note[]>();
  const publicNotes: Record<string, NoteView> = {};
  const facilitatorNotes: Record<string, NoteView> = {};
  for (const n of Object.values(state.notes)) {
    push(notesByBoard, n.boardId, n);
    if (n.author.kind === 'participant') push(byAuthor, n.author.id, n);
    if (n.themeId !== undefined) push(membersOf, n.themeId, n);
    if (publiclyVisible(state, n)) publicNotes[n.id] = noteView(state, n, false, caches.public);
    facilitatorNotes[n.id] = noteView(state, n, true, caches.facilitator);
  }
  const groups = shownGroups(state);
  const boards: Record<string, BoardView> = {};
  const facilitatorBoards: Record<string, BoardView> = {};
  for (const b of Object.values(state.boards)) {
    const views = boardViews(state, b.id, notesByBoard.get(b.id) ?? [], groups);
    boards[b.id] = views.public;
    facilitatorBoards[b.id] = views.facilitator;
  }
  const participants: Record<string, ParticipantView> = {};
  for (const p of Object.values(state.participants)) {
    if (p.removedAt === undefined) participants[p.id] = participantView(state, p.id, connected);
  }
  const publicThemes: Record<string, ThemeView> = {};
  const facilitatorThemes: Record<string, ThemeView> = {};
  for (const theme of Object.values(state.themes ?? {})) {
    const views = themeViews(state, theme.id, membersOf.get(theme.id) ?? [], groups);
    publicThemes[theme.id] = views.public;
    facilitatorThemes[theme.id] = views.facilitator;
  }
  const statements = statementViews(state);
  const decision = decisionViews(state);
  const privates = new Map<string, AudienceView>();
  for (const id of privateFor) {
    if (!participants[id]) continue;
    const notes: Record<string, NoteView> = {};
    for (const n of byAuthor.get(id) ?? []) notes[n.id] = privateNoteView(state, n, caches.private);
    privates.set(id, {
      meta: { me: participants[id] },
      boards: {},
      notes,
      themes: {},
      participants: {},
      statements: {},
      decision: myDecision(state, id),
    });
  }
  return {
    public: {
      meta: { workshop },
      boards,
      notes: publicNotes,
      themes: publicThemes,
      participants: {},
      statements,
      decision: decision.public,
    },
    facilitator: {
      meta: { workshop, links: linkViews(state), report: reportOf(state) },
      boards: facilitatorBoards,
      notes: facilitatorNotes,
      themes: facilitatorThemes,
      participants,
      statements,
      decision: decision.facilitator,
    },
    private: privates,
  };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Keys to write into one replica: a value to set, or undefined to delete the key. */
export type ReplicaPatch = Record<keyof AudienceView, Map<string, unknown>>;

export function emptyPatch(): ReplicaPatch {
  return {
    meta: new Map(),
    boards: new Map(),
    notes: new Map(),
    themes: new Map(),
    participants: new Map(),
    statements: new Map(),
    decision: new Map(),
  };
}

/** What one batch of events changes in every replica, key by key. */
export interface ProjectionPatch {
  public: ReplicaPatch;
  facilitator: ReplicaPatch;
  private: Map<string, ReplicaPatch>;
}

/** JavaScript lists integer-like keys first, ascending, then the others in insertion order. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,8})$/;

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function remove(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function sameGroups(a: ShownGroups, b: ShownGroups): boolean {
  return (
    a.dropped === b.dropped &&
    a.order.length === b.order.length &&
    a.order.every((g, i) => b.order[i] === g)
  );
}

/**
 * The projection of a live room, kept up to date from the events of each batch: it finds the
 * replica keys a batch changes (with indexes of notes by board, theme, author and stack, and of
 * themes by board) and computes only those, so a command costs what it changes, not what the
 * workshop holds. Events it does not map (rare and wide: a removal, a board or a theme going)
 * make `patch` answer null, and the room falls back to a full projection and `reset`.
 */
export class LiveProjection {
  readonly caches = newCaches();
  #state: Workshop | null = null;
  readonly #notesByBoard = new Map<string, Set<string>>();
  readonly #notesByTheme = new Map<string, Set<string>>();
  readonly #notesByAuthor = new Map<string, Set<string>>();
  /** note id → notes stacked on it (a deletion frees them). */
  readonly #stackedOn = new Map<string, Set<string>>();
  readonly #themesByBoard = new Map<string, Set<string>>();
  /** A rank per note, in the order the workshop lists its notes (themes list theirs so). */
  readonly #rank = new Map<string, number>();
  #nextRank = 0;
  /** Derived from the participants only: reused while that object stays the same. */
  #groupsOf: {
    participants: Workshop['participants'];
    groups: ShownGroups;
    present: number;
  } | null = null;

  /** Rebuild every index from a state, and project it whole. */
  full(state: Workshop, connected: ReadonlySet<string>, privateFor: Iterable<string>): Projection {
    this.reset(state);
    return project(state, connected, privateFor, this.caches);
  }

  reset(state: Workshop): void {
    this.#state = state;
    for (const index of [
      this.#notesByBoard,
      this.#notesByTheme,
      this.#notesByAuthor,
      this.#stackedOn,
      this.#themesByBoard,
    ]) {
      index.clear();
    }
    this.#rank.clear();
    this.#nextRank = 0;
    for (const n of Object.values(state.notes)) this.#index(undefined, n);
    for (const t of Object.values(state.themes ?? {})) add(this.#themesByBoard, t.boardId, t.id);
  }

  /** The state the indexes describe (the last one projected). */
  get state(): Workshop | null {
    return this.#state;
  }

  #groups(state: Workshop): { groups: ShownGroups; present: number } {
    if (this.#groupsOf?.participants !== state.participants) {
      this.#groupsOf = {
        participants: state.participants,
        groups: shownGroups(state),
        present: countPresent(state),
      };
    }
    return this.#groupsOf;
  }

  #index(before: Note | undefined, after: Note | undefined): void {
    if (before) {
      remove(this.#notesByBoard, before.boardId, before.id);
      if (before.themeId !== undefined) remove(this.#notesByTheme, before.themeId, before.id);
      if (before.author.kind === 'participant') {
        remove(this.#notesByAuthor, before.author.id, before.id);
      }
      if (before.stackedOn !== undefined) remove(this.#stackedOn, before.stackedOn, before.id);
      if (!after) this.#rank.delete(before.id);
    }
    if (after) {
      add(this.#notesByBoard, after.boardId, after.id);
      if (after.themeId !== undefined) add(this.#notesByTheme, after.themeId, after.id);
      if (after.author.kind === 'participant') add(this.#notesByAuthor, after.author.id, after.id);
      if (after.stackedOn !== undefined) add(this.#stackedOn, after.stackedOn, after.id);
      if (!this.#rank.has(after.id)) this.#rank.set(after.id, this.#nextRank++);
    }
  }

  /** Notes of an index entry, in the order the workshop lists them when `ordered`. */
  #notes(state: Workshop, ids: ReadonlySet<string> | undefined, ordered = true): Note[] {
    if (!ids) return [];
    const list = [...ids];
    if (ordered)
      list.sort((a, b) => {
        const ai = INDEX_KEY.test(a);
        const bi = INDEX_KEY.test(b);
        if (ai && bi) return Number(a) - Number(b);
        if (ai !== bi) return ai ? -1 : 1;
        return this.#rank.get(a)! - this.#rank.get(b)!;
      });
    return list.map((id) => state.notes[id]!);
  }

  /** One participant's private replica, from the indexes (opening one costs their notes only). */
  privateView(state: Workshop, connected: ReadonlySet<string>, id: string): AudienceView | null {
    const p = state.participants[id];
    if (!p || p.removedAt !== undefined || this.#state !== state) return null;
    const notes: Record<string, NoteView> = {};
    for (const n of this.#notes(state, this.#notesByAuthor.get(id))) {
      notes[n.id] = privateNoteView(state, n, this.caches.private);
    }
    return {
      meta: { me: participantView(state, id, connected) },
      boards: {},
      notes,
      themes: {},
      participants: {},
      statements: {},
      decision: myDecision(state, id),
    };
  }

  /**
   * The keys that change from the last projected state to `next`, given the events between them
   * and who is shown as connected before and after; null when some event is not mapped (the
   * caller then projects in full). Indexes move to `next` only when a patch is returned.
   */
  patch(
    next: Workshop,
    events: readonly WorkshopEvent[],
    shownBefore: ReadonlySet<string>,
    shown: ReadonlySet<string>,
    privateFor: ReadonlySet<string>,
  ): ProjectionPatch | null {
    const prev = this.#state;
    if (!prev) return null;
    const noteIds = new Set<string>();
    /** Boards whose every note's view may change (a setting: hidden, anonymous). */
    const boardNotes = new Set<string>();
    const boardIds = new Set<string>();
    const themeIds = new Set<string>();
    const participantIds = new Set<string>();
    /** Statements whose view changes; a new order or a deletion moves every position. */
    const statementIds = new Set<string>();
    let workshop = false;
    let links = false;
    let report = false;
    /** Décision changed (its views are small: worked out again whole, written key by key). */
    let decision = false;
    /** Participants whose own ballots may have changed (every one: allBallots). */
    const ballotIds = new Set<string>();
    let allBallots = false;
    for (const e of events) {
      switch (e.type) {
        case 'noteAdded':
          noteIds.add(e.note.id);
          break;
        case 'noteEdited':
        case 'noteModerated':
        case 'noteStacked':
          noteIds.add(e.noteId);
          break;
        case 'noteDeleted':
          noteIds.add(e.noteId);
          // Notes stacked on it since the last projection are in the batch themselves.
          for (const id of this.#stackedOn.get(e.noteId) ?? []) noteIds.add(id);
          break;
        case 'notesMoved':
          for (const id of e.noteIds) noteIds.add(id);
          break;
        case 'themeCreated':
        case 'themeRenamed':
        case 'themesLinked':
          themeIds.add(e.type === 'themeCreated' ? e.theme.id : e.themeId);
          break;
        case 'participantJoined':
          participantIds.add(e.participant.id);
          workshop = true;
          break;
        case 'participantRejoined':
          participantIds.add(e.participantId);
          break;
        case 'boardSettingSet':
          boardIds.add(e.boardId);
          boardNotes.add(e.boardId);
          break;
        case 'boardAdded':
          boardIds.add(e.board.id);
          workshop = true;
          break;
        case 'boardRenamed':
        case 'columnAdded':
        case 'columnRenamed':
          boardIds.add(e.boardId);
          break;
        case 'stageSet':
        case 'questionSet':
        case 'stagePromptSet':
        case 'timerSet':
        case 'objectivesSet':
        case 'joiningSet':
        case 'joinCodeChanged':
        case 'boardsReordered':
          workshop = true;
          break;
        case 'coFacilitatorLinkCreated':
        case 'coFacilitatorLinkRevoked':
          links = true;
          break;
        case 'facilitatorKeyRotated':
          break;
        case 'reportDetailsSet':
          report = true;
          break;
        case 'statementAdded':
          statementIds.add(e.statement.id);
          break;
        case 'statementRenamed':
        case 'statementLocked':
        case 'statementWritten':
          statementIds.add(e.statementId);
          break;
        case 'statementDeleted':
          // The ones after it move up.
          statementIds.add(e.statementId);
          for (const id of next.statementOrder ?? []) statementIds.add(id);
          break;
        case 'statementsReordered':
          for (const id of e.statementIds) statementIds.add(id);
          break;
        case 'visionHistoryMerged':
          // the same text, in fewer pieces: no screen sees a difference
          break;
        case 'sessionStarted':
        case 'sessionEnded':
        case 'sessionRenamed':
        case 'attendanceRecorded':
          workshop = true;
          break;
        case 'researchSaltSet':
        case 'pseudonymsAssigned':
          // server-only: no screen shows it
          break;
        default: {
          // A removal, a column, board or theme going, the workshop's creation or deletion.
          if (!isDecisionEvent(e)) return null;
          decision = true;
          const who = ballotsTouched(e);
          if (who === 'all') allBallots = true;
          else if (who !== null) ballotIds.add(who);
        }
      }
    }

    for (const id of themeIds) {
      const theme = next.themes?.[id];
      if (theme) add(this.#themesByBoard, theme.boardId, id);
    }
    for (const id of noteIds) {
      const before = prev.notes[id];
      const after = next.notes[id];
      if (before === after) continue;
      this.#index(before, after);
      for (const n of [before, after]) {
        if (!n) continue;
        boardIds.add(n.boardId);
        if (n.themeId !== undefined) themeIds.add(n.themeId);
      }
    }
    const views = new Set(noteIds);
    for (const b of boardNotes) {
      for (const id of this.#notesByBoard.get(b) ?? []) views.add(id);
      for (const id of this.#themesByBoard.get(b) ?? []) themeIds.add(id);
    }
    // Who is connected: the count, and the participants whose presence flipped.
    if (shown !== shownBefore) {
      workshop = true;
      for (const id of shown) if (!shownBefore.has(id)) participantIds.add(id);
      for (const id of shownBefore) if (!shown.has(id)) participantIds.add(id);
    }
    const before = this.#groups(prev);
    const { groups, present } = this.#groups(next);
    if (!sameGroups(before.groups, groups)) {
      // Groups shown or hidden: every per-sector figure may change (joins do this rarely).
      for (const id of Object.keys(next.boards)) boardIds.add(id);
      for (const id of Object.keys(next.themes ?? {})) themeIds.add(id);
    }
    this.#state = next;

    const out: ProjectionPatch = {
      public: emptyPatch(),
      facilitator: emptyPatch(),
      private: new Map(),
    };
    const privatePatch = (id: string): ReplicaPatch | null => {
      if (!privateFor.has(id) || next.participants[id]?.removedAt !== undefined) return null;
      let patch = out.private.get(id);
      if (!patch) out.private.set(id, (patch = emptyPatch()));
      return patch;
    };
    if (workshop) {
      const view = workshopView(next, shown, present);
      out.public.meta.set('workshop', view);
      out.facilitator.meta.set('workshop', view);
    }
    if (links) out.facilitator.meta.set('links', linkViews(next));
    if (report) out.facilitator.meta.set('report', reportOf(next));
    for (const id of views) {
      const n = next.notes[id];
      const author = (n ?? prev.notes[id])?.author;
      const mine = author?.kind === 'participant' ? privatePatch(author.id) : null;
      if (!n) {
        out.public.notes.set(id, undefined);
        out.facilitator.notes.set(id, undefined);
        mine?.notes.set(id, undefined);
        continue;
      }
      out.public.notes.set(
        id,
        publiclyVisible(next, n) ? noteView(next, n, false, this.caches.public) : undefined,
      );
      out.facilitator.notes.set(id, noteView(next, n, true, this.caches.facilitator));
      mine?.notes.set(id, privateNoteView(next, n, this.caches.private));
    }
    for (const id of boardIds) {
      if (!next.boards[id]) {
        out.public.boards.set(id, undefined);
        out.facilitator.boards.set(id, undefined);
        continue;
      }
      const board = boardViews(
        next,
        id,
        this.#notes(next, this.#notesByBoard.get(id), false),
        groups,
      );
      out.public.boards.set(id, board.public);
      out.facilitator.boards.set(id, board.facilitator);
    }
    for (const id of themeIds) {
      if (!next.themes?.[id]) {
        out.public.themes.set(id, undefined);
        out.facilitator.themes.set(id, undefined);
        continue;
      }
      const theme = themeViews(next, id, this.#notes(next, this.#notesByTheme.get(id)), groups);
      out.public.themes.set(id, theme.public);
      out.facilitator.themes.set(id, theme.facilitator);
    }
    if (statementIds.size > 0) {
      const order = next.statementOrder ?? [];
      for (const id of statementIds) {
        const at = order.indexOf(id);
        const view = at < 0 ? undefined : statementView(next.statements![id]!, at);
        out.public.statements.set(id, view);
        out.facilitator.statements.set(id, view);
      }
    }
    if (decision) {
      const after = decisionViews(next);
      const gone = decisionKeys(prev).filter((key) => !Object.hasOwn(after.public, key));
      for (const audience of ['public', 'facilitator'] as const) {
        for (const key of gone) out[audience].decision.set(key, undefined);
        for (const [key, view] of Object.entries(after[audience])) {
          out[audience].decision.set(key, view);
        }
      }
      for (const id of allBallots ? privateFor : ballotIds) {
        privatePatch(id)?.decision.set('mine', myDecision(next, id).mine);
      }
    }
    for (const id of participantIds) {
      const p = next.participants[id];
      const view = p && p.removedAt === undefined ? participantView(next, id, shown) : undefined;
      out.facilitator.participants.set(id, view);
      if (view) privatePatch(id)?.meta.set('me', view);
    }
    return out;
  }

  /** Where the indexes differ from ones rebuilt from their state (empty: consistent). */
  problems(): string[] {
    const state = this.#state;
    if (!state) return [];
    const fresh = new LiveProjection();
    fresh.reset(state);
    const out: string[] = [];
    const same = (name: string, a: Map<string, Set<string>>, b: Map<string, Set<string>>) => {
      const keys = new Set([...a.keys(), ...b.keys()]);
      for (const key of keys) {
        const x = [...(a.get(key) ?? [])].sort().join(',');
        const y = [...(b.get(key) ?? [])].sort().join(',');
        if (x !== y) out.push(`${name}[${key}]: ${x} ≠ ${y}`);
      }
    };
    same('notesByBoard', this.#notesByBoard, fresh.#notesByBoard);
    same('notesByTheme', this.#notesByTheme, fresh.#notesByTheme);
    same('notesByAuthor', this.#notesByAuthor, fresh.#notesByAuthor);
    same('stackedOn', this.#stackedOn, fresh.#stackedOn);
    same('themesByBoard', this.#themesByBoard, fresh.#themesByBoard);
    const order = Object.keys(state.notes);
    const ranked = this.#notes(state, new Set(order)).map((n) => n.id);
    if (ranked.join(',') !== order.join(',')) out.push('note order differs');
    return out;
  }
}

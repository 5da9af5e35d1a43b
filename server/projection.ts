import {
  columnSectorCounts,
  sectorShares,
  shownGroups,
  STAGES,
  STOPPED_TIMER,
  type Note,
  type StageId,
  type Workshop,
} from '../src/lib/domain/index';
import type {
  BoardView,
  LinkView,
  NoteView,
  ParticipantView,
  ThemeView,
  WorkshopView,
} from '../src/lib/protocol/replica';

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
  meta: { workshop?: WorkshopView; me?: ParticipantView; links?: LinkView[] };
  boards: Record<string, BoardView>;
  notes: Record<string, NoteView>;
  themes: Record<string, ThemeView>;
  participants: Record<string, ParticipantView>;
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
  const stages = {} as WorkshopView['stages'];
  for (const id of STAGES as readonly StageId[]) {
    stages[id] = { prompt: state.stages[id].prompt, boardIds: [...state.stages[id].boardIds] };
  }
  const workshop: WorkshopView = {
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
    participantCount: Object.values(state.participants).filter((p) => p.removedAt === undefined)
      .length,
    joiningOpen: state.joiningOpen,
    timer: { ...(state.timer ?? STOPPED_TIMER) },
  };
  // Counts per column, moderated notes left out; the notes of each board, once.
  const counts = new Map<string, Record<string, number>>();
  const notesByBoard = new Map<string, Note[]>();
  for (const n of Object.values(state.notes)) {
    const list = notesByBoard.get(n.boardId) ?? [];
    list.push(n);
    notesByBoard.set(n.boardId, list);
    if (n.moderated) continue;
    const c = counts.get(n.boardId) ?? {};
    c[n.columnId] = (c[n.columnId] ?? 0) + 1;
    counts.set(n.boardId, c);
  }
  // Every per-sector figure goes through the domain's groups: no group under three people.
  const groups = shownGroups(state);
  const boards: Record<string, BoardView> = {};
  const facilitatorBoards: Record<string, BoardView> = {};
  for (const b of Object.values(state.boards)) {
    const columnCounts = Object.fromEntries(
      b.columns.map((c) => [c.id, counts.get(b.id)?.[c.id] ?? 0]),
    );
    boards[b.id] = {
      id: b.id,
      stage: b.stage,
      title: b.title,
      columns: b.columns.map((c) => ({ ...c })),
      hidden: b.hidden,
      locked: b.locked,
      anonymous: b.anonymous,
      participantsGroup: b.participantsGroup ?? false,
      counts: columnCounts,
    };
    const sectorCounts = columnSectorCounts(state, b.id, groups, notesByBoard.get(b.id) ?? []);
    facilitatorBoards[b.id] =
      sectorCounts === undefined ? { ...boards[b.id]! } : { ...boards[b.id]!, sectorCounts };
  }

  const publicNotes: Record<string, NoteView> = {};
  const facilitatorNotes: Record<string, NoteView> = {};
  const byAuthor = new Map<string, Note[]>();
  for (const n of Object.values(state.notes)) {
    // The room sees a note once its board is revealed, and never a moderated one.
    if (!n.moderated && !state.boards[n.boardId]?.hidden) {
      publicNotes[n.id] = noteView(state, n, false, caches.public);
    }
    facilitatorNotes[n.id] = noteView(state, n, true, caches.facilitator);
    if (n.author.kind === 'participant') {
      const list = byAuthor.get(n.author.id) ?? [];
      list.push(n);
      byAuthor.set(n.author.id, list);
    }
  }
  const participants: Record<string, ParticipantView> = {};
  for (const p of Object.values(state.participants)) {
    if (p.removedAt === undefined) participants[p.id] = participantView(state, p.id, connected);
  }
  const links: LinkView[] = Object.values(state.coFacilitators).map((l) => ({
    id: l.id,
    label: l.label,
    createdAt: l.createdAt,
    revokedAt: l.revokedAt,
  }));

  // Themes: each audience sees the notes it may see, and its sector figures count only those
  // (before the reveal, the room's figures of a hidden board are empty).
  const publicThemes: Record<string, ThemeView> = {};
  const facilitatorThemes: Record<string, ThemeView> = {};
  const membersOf = new Map<string, Note[]>();
  for (const n of Object.values(state.notes)) {
    if (n.themeId === undefined) continue;
    const list = membersOf.get(n.themeId) ?? [];
    list.push(n);
    membersOf.set(n.themeId, list);
  }
  for (const theme of Object.values(state.themes ?? {})) {
    const members = membersOf.get(theme.id) ?? [];
    const base = {
      id: theme.id,
      boardId: theme.boardId,
      title: theme.title,
      createdAt: theme.createdAt,
      answeredBy: [...theme.answeredBy],
    };
    const shown = members.filter((n) => publicNotes[n.id] !== undefined);
    publicThemes[theme.id] = {
      ...base,
      noteIds: shown.map((n) => n.id),
      count: shown.length,
      sectors: sectorShares(state, theme.boardId, shown, groups),
    };
    facilitatorThemes[theme.id] = {
      ...base,
      noteIds: members.map((n) => n.id),
      count: members.length,
      sectors: sectorShares(state, theme.boardId, members, groups),
    };
  }

  const privates = new Map<string, AudienceView>();
  for (const id of privateFor) {
    if (!participants[id]) continue;
    const notes: Record<string, NoteView> = {};
    for (const n of byAuthor.get(id) ?? []) {
      const view = noteView(state, n, false, caches.private);
      notes[n.id] = n.moderated ? { ...view, moderated: true } : view;
    }
    privates.set(id, {
      meta: { me: participants[id] },
      boards: {},
      notes,
      themes: {},
      participants: {},
    });
  }

  return {
    public: {
      meta: { workshop },
      boards,
      notes: publicNotes,
      themes: publicThemes,
      participants: {},
    },
    facilitator: {
      meta: { workshop, links },
      boards: facilitatorBoards,
      notes: facilitatorNotes,
      themes: facilitatorThemes,
      participants,
    },
    private: privates,
  };
}

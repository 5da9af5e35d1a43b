import { STAGES, type StageId, type Workshop } from '../src/lib/domain/index';
import type {
  Audience,
  BoardView,
  NoteView,
  ParticipantView,
  WorkshopView,
} from '../src/lib/protocol/replica';

/**
 * Views of unchanged notes are reused: the domain updates state immutably, so a note object that
 * did not change is the same object, and its view is the same object too (the replica writer
 * then skips it without serialising it).
 */
export class ProjectionCache {
  readonly notes = new WeakMap<object, { author: unknown; view: NoteView }>();
}

/** What one audience may see, keyed like the maps of its replica. */
export interface AudienceView {
  meta: { workshop: WorkshopView };
  boards: Record<string, BoardView>;
  notes: Record<string, NoteView>;
  participants: Record<string, ParticipantView>;
}

/**
 * Project the stored workshop onto what an audience may see. The public view never carries a
 * secret, a token hash, a name or a sector; the facilitator view adds names and sectors.
 */
export function project(
  state: Workshop,
  audience: Audience,
  connected: ReadonlySet<string>,
  cache: ProjectionCache = new ProjectionCache(),
): AudienceView {
  const stages = {} as WorkshopView['stages'];
  for (const id of STAGES as readonly StageId[]) {
    stages[id] = { prompt: state.stages[id].prompt, boardIds: [...state.stages[id].boardIds] };
  }
  const workshop: WorkshopView = {
    id: state.id,
    title: state.title,
    question: state.question,
    language: state.language,
    joinCode: state.joinCode,
    currentStage: state.currentStage,
    sectors: state.sectors.map((s) => ({ ...s })),
    stages,
    connected: connected.size,
    participantCount: Object.keys(state.participants).length,
  };
  const boards: Record<string, BoardView> = {};
  for (const b of Object.values(state.boards)) {
    boards[b.id] = {
      id: b.id,
      stage: b.stage,
      title: b.title,
      columns: b.columns.map((c) => ({ ...c })),
    };
  }
  const notes: Record<string, NoteView> = {};
  for (const n of Object.values(state.notes)) {
    const authorId = n.author.kind === 'participant' ? n.author.id : null;
    const author = authorId ? state.participants[authorId] : undefined;
    const cached = cache.notes.get(n);
    if (cached && cached.author === author) {
      notes[n.id] = cached.view;
      continue;
    }
    const view: NoteView = {
      id: n.id,
      boardId: n.boardId,
      columnId: n.columnId,
      text: n.text,
      authorId,
      createdAt: n.createdAt,
      updatedAt: n.updatedAt,
    };
    if (audience === 'facilitator') {
      view.authorName = authorId ? (state.participants[authorId]?.name ?? '') : '';
    }
    notes[n.id] = view;
    cache.notes.set(n, { author, view });
  }
  const participants: Record<string, ParticipantView> = {};
  if (audience === 'facilitator') {
    for (const p of Object.values(state.participants)) {
      participants[p.id] = {
        id: p.id,
        name: p.name,
        sector: p.sector,
        connected: connected.has(p.id),
        joinedAt: p.joinedAt,
      };
    }
  }
  return { meta: { workshop }, boards, notes, participants };
}

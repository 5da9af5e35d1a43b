import { fail, ok, type Result } from '../errors';
import { STAGES, type Actor, type Board, type Note, type StageId, type Workshop } from '../model';

/** The workshop must exist (and not be deleted): every command but createWorkshop needs it. */
export function existing(state: Workshop | null): Result<Workshop> {
  return state && state.deletedAt === undefined ? ok(state) : fail('NOT_FOUND');
}

/** The facilitator or a co-facilitator: whoever runs the room. */
export function facilitatorOnly(actor: Actor): Result<null> {
  return actor.role === 'facilitator' || actor.role === 'cofacilitator'
    ? ok(null)
    : fail('NOT_ALLOWED');
}

/** Only the main facilitator manages who else may run the workshop. */
export function mainFacilitatorOnly(actor: Actor): Result<null> {
  return actor.role === 'facilitator' ? ok(null) : fail('NOT_ALLOWED');
}

export function findBoard(state: Workshop, boardId: string): Result<Board> {
  const board = Object.hasOwn(state.boards, boardId) ? state.boards[boardId] : undefined;
  return board ? ok(board) : fail('UNKNOWN_BOARD');
}

/** The common start of a facilitator command: the workshop exists and the actor runs it. */
export function facilitatorWorkshop(state: Workshop | null, actor: Actor): Result<Workshop> {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  return allowed.ok ? ws : allowed;
}

/** The common start of a command only the main facilitator may give (links, deletion). */
export function mainFacilitatorWorkshop(state: Workshop | null, actor: Actor): Result<Workshop> {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = mainFacilitatorOnly(actor);
  return allowed.ok ? ws : allowed;
}

/** The common start of a board command: the workshop exists, the actor runs it, the board is there. */
export function facilitatorBoard(
  state: Workshop | null,
  actor: Actor,
  boardId: string,
): Result<{ ws: Workshop; board: Board }> {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const board = findBoard(ws.value, boardId);
  if (!board.ok) return board;
  return ok({ ws: ws.value, board: board.value });
}

export function findNote(state: Workshop, noteId: string): Result<Note> {
  const note = Object.hasOwn(state.notes, noteId) ? state.notes[noteId] : undefined;
  return note ? ok(note) : fail('UNKNOWN_NOTE');
}

/** A participant actor must be a participant of this workshop. */
export function knownActor(state: Workshop, actor: Actor): Result<null> {
  if (actor.role !== 'participant') return ok(null);
  const participant = Object.hasOwn(state.participants, actor.participantId)
    ? state.participants[actor.participantId]
    : undefined;
  if (!participant || participant.removedAt !== undefined) return fail('NOT_JOINED');
  return ok(null);
}

export function knownStage(stage: string): Result<StageId> {
  return (STAGES as readonly string[]).includes(stage)
    ? ok(stage as StageId)
    : fail('UNKNOWN_STAGE');
}

/** A participant may touch only their own notes; the facilitator any note. */
export function mayChangeNote(state: Workshop, actor: Actor, note: Note): Result<null> {
  if (actor.role === 'facilitator' || actor.role === 'cofacilitator') return ok(null);
  if (actor.role === 'nobody') return fail('NOT_JOINED');
  if (actor.role !== 'participant') return fail('NOT_ALLOWED');
  const known = knownActor(state, actor);
  if (!known.ok) return known;
  if (note.author.kind !== 'participant' || note.author.id !== actor.participantId) {
    return fail('NOT_YOUR_NOTE');
  }
  return ok(null);
}

/** Participants write only on the unlocked boards of the stage the room is in. */
export function boardOpenTo(state: Workshop, actor: Actor, board: Board): Result<null> {
  if (actor.role !== 'participant') return ok(null);
  if (board.stage !== state.currentStage) return fail('BOARD_NOT_ACTIVE');
  if (board.locked) return fail('BOARD_LOCKED');
  return ok(null);
}

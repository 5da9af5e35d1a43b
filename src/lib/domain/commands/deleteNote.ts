import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { existing, findBoard, findNote, mayChangeNote } from './guards';

/** The author of a note, or the facilitator, deletes it. */
export const deleteNote: Handler<'deleteNote'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const note = findNote(ws.value, command.noteId);
  if (!note.ok) return note;
  const allowed = mayChangeNote(ws.value, actor, note.value);
  if (!allowed.ok) return allowed;
  const board = findBoard(ws.value, note.value.boardId);
  if (board.ok && board.value.locked && actor.role === 'participant') return fail('BOARD_LOCKED');
  return ok({ events: [{ type: 'noteDeleted', noteId: note.value.id }] });
};

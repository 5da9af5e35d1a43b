import { ok } from '../errors';
import { LIMITS } from '../model';
import { cleanText } from '../text';
import type { Handler } from './decision';
import { boardOpenTo, existing, findBoard, findNote, mayChangeNote } from './guards';

/** The author of a note (or the facilitator) changes its text. */
export const editNote: Handler<'editNote'> = (state, actor, command, ctx) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const note = findNote(ws.value, command.noteId);
  if (!note.ok) return note;
  const allowed = mayChangeNote(ws.value, actor, note.value);
  if (!allowed.ok) return allowed;
  const board = findBoard(ws.value, note.value.boardId);
  if (!board.ok) return board;
  const open = boardOpenTo(ws.value, actor, board.value);
  if (!open.ok) return open;
  const text = cleanText(command.text, LIMITS.noteLength);
  if (!text.ok) return text;
  if (text.value === note.value.text) return ok({ events: [] });
  return ok({
    events: [{ type: 'noteEdited', noteId: note.value.id, text: text.value, at: ctx.now }],
  });
};

import { recordedNote } from '../aggregate';
import { inSession } from './sessions';
import { fail, ok } from '../errors';
import type { Author, Note, NoteId } from '../model';
import { LIMITS } from '../model';
import { noteCounts } from '../noteCounts';
import { cleanText } from '../text';
import type { Handler } from './decision';
import { boardOpenTo, existing, findBoard, knownActor } from './guards';

/** A participant (or the facilitator, for the room) posts a note into a column. */
export const addNote: Handler<'addNote'> = (state, actor, command, ctx) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  let author: Author;
  if (actor.role === 'facilitator' || actor.role === 'cofacilitator') {
    author = { kind: 'facilitator' };
  } else if (actor.role === 'participant')
    author = { kind: 'participant', id: actor.participantId };
  else return fail(actor.role === 'nobody' ? 'NOT_JOINED' : 'NOT_ALLOWED');
  const known = knownActor(ws.value, actor);
  if (!known.ok) return known;

  const board = findBoard(ws.value, command.boardId);
  if (!board.ok) return board;
  if (!board.value.columns.some((c) => c.id === command.columnId)) return fail('UNKNOWN_COLUMN');
  const open = boardOpenTo(ws.value, actor, board.value);
  if (!open.ok) return open;
  const text = cleanText(command.text, LIMITS.noteLength);
  if (!text.ok) return text;

  const counts = noteCounts(ws.value.notes);
  if (counts.total >= LIMITS.notesPerWorkshop) return fail('TOO_MANY_NOTES');
  if (author.kind === 'participant') {
    const own = counts.byParticipant.get(author.id) ?? 0;
    if (own >= LIMITS.notesPerParticipant) return fail('TOO_MANY_NOTES');
  }
  // Anonymity is recorded on the note, not read from the board later: lifting the setting must
  // not name anyone.
  const note: Note = recordedNote(ws.value, {
    id: ctx.newId() as NoteId,
    boardId: board.value.id,
    columnId: command.columnId,
    author,
    text: text.value,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    ...inSession(ws.value),
  });
  return ok({ events: [{ type: 'noteAdded', note }], reply: { noteId: note.id } });
};

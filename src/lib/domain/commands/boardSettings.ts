import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { facilitatorBoard, facilitatorWorkshop, findNote } from './guards';
import { BOARD_SETTINGS } from './types';

/**
 * The facilitator hides a board (silent writing) or reveals it, locks or unlocks it, makes it
 * anonymous or not. Revealing is setting `hidden` to false: every note appears at once.
 */
export const setBoardSetting: Handler<'setBoardSetting'> = (state, actor, command) => {
  const found = facilitatorBoard(state, actor, command.boardId);
  if (!found.ok) return found;
  const { board } = found.value;
  if (!BOARD_SETTINGS.includes(command.setting)) return fail('UNKNOWN_SETTING');
  if (board[command.setting] === command.value) return ok({ events: [] });
  return ok({
    events: [
      {
        type: 'boardSettingSet',
        boardId: board.id,
        setting: command.setting,
        value: command.value,
      },
    ],
  });
};

/** The facilitator hides a note from the room (or shows it again) without deleting it. */
export const moderateNote: Handler<'moderateNote'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const note = findNote(ws.value, command.noteId);
  if (!note.ok) return note;
  if ((note.value.moderated ?? false) === command.moderated) return ok({ events: [] });
  return ok({
    events: [{ type: 'noteModerated', noteId: note.value.id, moderated: command.moderated }],
  });
};

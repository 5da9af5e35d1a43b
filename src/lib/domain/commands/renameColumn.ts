import { fail, ok } from '../errors';
import { LIMITS } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { existing, facilitatorOnly, findBoard } from './guards';

/** The facilitator renames a column. */
export const renameColumn: Handler<'renameColumn'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  if (!allowed.ok) return allowed;
  const board = findBoard(ws.value, command.boardId);
  if (!board.ok) return board;
  const column = board.value.columns.find((c) => c.id === command.columnId);
  if (!column) return fail('UNKNOWN_COLUMN');
  const title = cleanLine(command.title, LIMITS.columnTitleLength);
  if (!title.ok) return title;
  if (title.value === column.title) return ok({ events: [] });
  return ok({
    events: [
      { type: 'columnRenamed', boardId: board.value.id, columnId: column.id, title: title.value },
    ],
  });
};

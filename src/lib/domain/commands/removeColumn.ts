import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { existing, facilitatorOnly, findBoard } from './guards';

/** The facilitator removes a column; its notes go with it (the console asks first). */
export const removeColumn: Handler<'removeColumn'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  if (!allowed.ok) return allowed;
  const board = findBoard(ws.value, command.boardId);
  if (!board.ok) return board;
  if (!board.value.columns.some((c) => c.id === command.columnId)) return fail('UNKNOWN_COLUMN');
  if (board.value.columns.length <= 1) return fail('LAST_COLUMN');
  return ok({
    events: [{ type: 'columnRemoved', boardId: board.value.id, columnId: command.columnId }],
  });
};

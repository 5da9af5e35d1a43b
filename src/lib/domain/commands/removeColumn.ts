import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { facilitatorBoard } from './guards';

/** The facilitator removes a column; its notes go with it (the console asks first). */
export const removeColumn: Handler<'removeColumn'> = (state, actor, command) => {
  const found = facilitatorBoard(state, actor, command.boardId);
  if (!found.ok) return found;
  const { board } = found.value;
  if (!board.columns.some((c) => c.id === command.columnId)) return fail('UNKNOWN_COLUMN');
  if (board.columns.length <= 1) return fail('LAST_COLUMN');
  return ok({
    events: [{ type: 'columnRemoved', boardId: board.id, columnId: command.columnId }],
  });
};

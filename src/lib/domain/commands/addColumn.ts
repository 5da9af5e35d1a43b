import { fail, ok } from '../errors';
import type { ColumnId } from '../model';
import { LIMITS } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { existing, facilitatorOnly, findBoard } from './guards';

/** The facilitator adds a column to a board. */
export const addColumn: Handler<'addColumn'> = (state, actor, command, ctx) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  if (!allowed.ok) return allowed;
  const board = findBoard(ws.value, command.boardId);
  if (!board.ok) return board;
  if (board.value.columns.length >= LIMITS.columnsPerBoard) return fail('TOO_MANY_COLUMNS');
  const title = cleanLine(command.title, LIMITS.columnTitleLength);
  if (!title.ok) return title;
  const column = { id: ctx.newId() as ColumnId, title: title.value };
  return ok({
    events: [{ type: 'columnAdded', boardId: board.value.id, column }],
    reply: { columnId: column.id },
  });
};

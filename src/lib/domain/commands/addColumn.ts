import { fail, ok } from '../errors';
import type { ColumnId } from '../model';
import { LIMITS } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { facilitatorBoard } from './guards';

/** The facilitator adds a column to a board. */
export const addColumn: Handler<'addColumn'> = (state, actor, command, ctx) => {
  const found = facilitatorBoard(state, actor, command.boardId);
  if (!found.ok) return found;
  const { board } = found.value;
  if (board.columns.length >= LIMITS.columnsPerBoard) return fail('TOO_MANY_COLUMNS');
  const title = cleanLine(command.title, LIMITS.columnTitleLength);
  if (!title.ok) return title;
  const column = { id: ctx.newId() as ColumnId, title: title.value };
  return ok({
    events: [{ type: 'columnAdded', boardId: board.id, column }],
    reply: { columnId: column.id },
  });
};

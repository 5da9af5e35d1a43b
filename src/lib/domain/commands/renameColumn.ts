import { fail, ok } from '../errors';
import { LIMITS } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { facilitatorBoard } from './guards';

/** The facilitator renames a column. */
export const renameColumn: Handler<'renameColumn'> = (state, actor, command) => {
  const found = facilitatorBoard(state, actor, command.boardId);
  if (!found.ok) return found;
  const { board } = found.value;
  const column = board.columns.find((c) => c.id === command.columnId);
  if (!column) return fail('UNKNOWN_COLUMN');
  const title = cleanLine(command.title, LIMITS.columnTitleLength);
  if (!title.ok) return title;
  if (title.value === column.title) return ok({ events: [] });
  return ok({
    events: [{ type: 'columnRenamed', boardId: board.id, columnId: column.id, title: title.value }],
  });
};

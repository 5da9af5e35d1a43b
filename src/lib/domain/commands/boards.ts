import { fail, ok } from '../errors';
import { LIMITS, type Board, type BoardId, type ColumnId } from '../model';
import { DEFAULT_COLUMN } from '../template';
import { cleanLine, cleanText } from '../text';
import type { Handler } from './decision';
import { facilitatorBoard, facilitatorWorkshop, knownStage } from './guards';

/** The facilitator writes the workshop's objectives (Définition). */
export const setObjectives: Handler<'setObjectives'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const objectives = cleanText(command.objectives, LIMITS.objectivesLength, true);
  if (!objectives.ok) return objectives;
  if (objectives.value === (ws.value.objectives ?? '')) return ok({ events: [] });
  return ok({ events: [{ type: 'objectivesSet', objectives: objectives.value }] });
};

/** The facilitator adds a board to a stage, with its columns (one "Notes" column by default). */
export const addBoard: Handler<'addBoard'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const stage = knownStage(command.stage);
  if (!stage.ok) return stage;
  if (ws.value.stages[stage.value].boardIds.length >= LIMITS.boardsPerStage) {
    return fail('TOO_MANY_BOARDS');
  }
  const title = cleanLine(command.title, LIMITS.boardTitleLength);
  if (!title.ok) return title;
  const titles: string[] = [];
  for (const raw of command.columns) {
    const column = cleanLine(raw, LIMITS.columnTitleLength, true);
    if (!column.ok) return column;
    if (column.value !== '') titles.push(column.value);
  }
  if (titles.length > LIMITS.columnsPerBoard) return fail('TOO_MANY_COLUMNS');
  if (titles.length === 0) titles.push(DEFAULT_COLUMN[ws.value.language]);
  const board: Board = {
    id: ctx.newId() as BoardId,
    stage: stage.value,
    title: title.value,
    columns: titles.map((t) => ({ id: ctx.newId() as ColumnId, title: t })),
    hidden: false,
    locked: false,
    anonymous: false,
  };
  return ok({ events: [{ type: 'boardAdded', board }], reply: { boardId: board.id } });
};

export const renameBoard: Handler<'renameBoard'> = (state, actor, command) => {
  const found = facilitatorBoard(state, actor, command.boardId);
  if (!found.ok) return found;
  const { board } = found.value;
  const title = cleanLine(command.title, LIMITS.boardTitleLength);
  if (!title.ok) return title;
  if (title.value === board.title) return ok({ events: [] });
  return ok({ events: [{ type: 'boardRenamed', boardId: board.id, title: title.value }] });
};

/** Move a board before or after its neighbour within its stage. */
export const moveBoard: Handler<'moveBoard'> = (state, actor, command) => {
  const found = facilitatorBoard(state, actor, command.boardId);
  if (!found.ok) return found;
  const { ws, board } = found.value;
  const ids = [...ws.stages[board.stage].boardIds];
  const at = ids.indexOf(board.id);
  const to = command.direction === 'up' ? at - 1 : at + 1;
  if (to < 0 || to >= ids.length) return ok({ events: [] });
  [ids[at], ids[to]] = [ids[to]!, ids[at]!];
  return ok({ events: [{ type: 'boardsReordered', stage: board.stage, boardIds: ids }] });
};

/** Remove a board with its notes and themes (the console asks first). */
export const removeBoard: Handler<'removeBoard'> = (state, actor, command) => {
  const found = facilitatorBoard(state, actor, command.boardId);
  if (!found.ok) return found;
  const { board } = found.value;
  return ok({ events: [{ type: 'boardRemoved', boardId: board.id }] });
};

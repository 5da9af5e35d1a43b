import { LIMITS, STAGES, type Workshop } from './model';
import { textLength } from './text';

/** Everything that must hold after any command. Returns the broken rules (empty when sound). */
export function checkInvariants(state: Workshop): string[] {
  const broken: string[] = [];
  if (!STAGES.includes(state.currentStage)) broken.push('current stage is not a stage');
  for (const stage of STAGES) {
    const listed = state.stages[stage].boardIds;
    if (new Set(listed).size !== listed.length) broken.push(`stage ${stage} lists a board twice`);
    if (listed.length > LIMITS.boardsPerStage) broken.push(`stage ${stage} has too many boards`);
    for (const boardId of listed) {
      const board = state.boards[boardId];
      if (!board) broken.push(`stage ${stage} lists missing board ${boardId}`);
      else if (board.stage !== stage) broken.push(`board ${boardId} is listed under another stage`);
    }
  }
  for (const board of Object.values(state.boards)) {
    if (board.columns.length === 0) broken.push(`board ${board.id} has no column`);
    if (board.columns.length > LIMITS.columnsPerBoard) broken.push(`board ${board.id} columns`);
    if (new Set(board.columns.map((c) => c.id)).size !== board.columns.length) {
      broken.push(`board ${board.id} has two columns with one id`);
    }
    if (!state.stages[board.stage].boardIds.includes(board.id)) {
      broken.push(`board ${board.id} is in no stage`);
    }
  }
  const sectors = new Set<string>(state.sectors.map((s) => s.id));
  for (const note of Object.values(state.notes)) {
    const board = state.boards[note.boardId];
    if (!board) broken.push(`note ${note.id} is on a missing board`);
    else if (!board.columns.some((c) => c.id === note.columnId)) {
      broken.push(`note ${note.id} is in a missing column`);
    }
    if (note.author.kind === 'participant' && !state.participants[note.author.id]) {
      broken.push(`note ${note.id} has an unknown author`);
    }
    if (note.text.trim() === '') broken.push(`note ${note.id} is empty`);
    if (note.group !== undefined) {
      const known = note.group === 'none' || note.group === 'other' || sectors.has(note.group);
      if (!known) broken.push(`note ${note.id} counts in an unknown group`);
      if (note.anonymous || note.author.kind !== 'participant') {
        broken.push(`note ${note.id} counts in a group but has no participant to count`);
      }
    }
    if ([...note.text].length > LIMITS.noteLength) broken.push(`note ${note.id} is too long`);
    if (note.themeId !== undefined) {
      const theme = state.themes?.[note.themeId];
      if (!theme) broken.push(`note ${note.id} is in a missing theme`);
      else if (theme.boardId !== note.boardId)
        broken.push(`note ${note.id} is in another board's theme`);
    }
    if (note.stackedOn !== undefined) {
      const base = Object.hasOwn(state.notes, note.stackedOn)
        ? state.notes[note.stackedOn]
        : undefined;
      if (note.stackedOn === note.id) broken.push(`note ${note.id} is stacked on itself`);
      else if (!base) broken.push(`note ${note.id} is stacked on a missing note`);
      else if (base.boardId !== note.boardId) broken.push(`note ${note.id} is stacked elsewhere`);
      else if (base.stackedOn !== undefined) {
        broken.push(`note ${note.id} is stacked on a stacked note`);
      } else if ((base.themeId ?? null) !== (note.themeId ?? null)) {
        broken.push(`note ${note.id} is in another theme than the note it is stacked on`);
      }
    }
  }
  const themes = state.themes ?? {};
  const perBoard = new Map<string, number>();
  for (const theme of Object.values(themes)) {
    if (!state.boards[theme.boardId]) broken.push(`theme ${theme.id} is on a missing board`);
    perBoard.set(theme.boardId, (perBoard.get(theme.boardId) ?? 0) + 1);
    for (const answer of theme.answeredBy) {
      if (!Object.hasOwn(themes, answer)) {
        broken.push(`theme ${theme.id} is answered by a missing theme`);
      }
    }
    if (theme.answeredBy.includes(theme.id)) broken.push(`theme ${theme.id} answers itself`);
    if (new Set(theme.answeredBy).size !== theme.answeredBy.length) {
      broken.push(`theme ${theme.id} is answered twice by the same theme`);
    }
    if (theme.createdBy !== undefined && !state.participants[theme.createdBy]) {
      broken.push(`theme ${theme.id} was created by an unknown participant`);
    }
  }
  for (const [boardId, count] of perBoard) {
    if (count > LIMITS.themesPerBoard) broken.push(`board ${boardId} has too many themes`);
  }
  const sectorIds = new Set(state.sectors.map((s) => s.id));
  const tokens = new Set<string>();
  for (const p of Object.values(state.participants)) {
    if (p.tokenHash !== '') {
      if (tokens.has(p.tokenHash)) broken.push(`participant ${p.id} shares a device token`);
      tokens.add(p.tokenHash);
    }
    if (p.sector !== null && !sectorIds.has(p.sector)) broken.push(`participant ${p.id} sector`);
    if (p.removedAt !== undefined && (p.name !== '' || p.tokenHash !== '' || p.sector !== null)) {
      broken.push(`removed participant ${p.id} kept a name, a sector or a token`);
    }
  }
  broken.push(...statementProblems(state));
  if (Object.keys(state.notes).length > LIMITS.notesPerWorkshop) broken.push('too many notes');
  if (Object.keys(state.participants).length > LIMITS.participantsPerWorkshop) {
    broken.push('too many participants');
  }
  return broken;
}

/** The order lists every statement once and nothing else; each within its caps. */
function statementProblems(state: Workshop): string[] {
  const broken: string[] = [];
  const statements = state.statements ?? {};
  const order = state.statementOrder ?? [];
  if (new Set(order).size !== order.length) broken.push('a statement is listed twice');
  for (const id of order) {
    if (!Object.hasOwn(statements, id)) broken.push(`the order lists missing statement ${id}`);
  }
  for (const statement of Object.values(statements)) {
    if (!order.includes(statement.id)) broken.push(`statement ${statement.id} is in no order`);
    if (statement.title.trim() === '') broken.push(`statement ${statement.id} has no title`);
    if (textLength(statement.title) > LIMITS.statementTitleLength) {
      broken.push(`statement ${statement.id} title is too long`);
    }
    if (statement.text.length > LIMITS.statementLength) {
      broken.push(`statement ${statement.id} is too long`);
    }
  }
  if (order.length > LIMITS.statementsPerWorkshop) broken.push('too many statements');
  return broken;
}

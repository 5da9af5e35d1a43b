import { STAGES, type Workshop } from './model';

/** Everything that must hold after any command. Returns the broken rules (empty when sound). */
export function checkInvariants(state: Workshop): string[] {
  const broken: string[] = [];
  if (!STAGES.includes(state.currentStage)) broken.push('current stage is not a stage');
  for (const stage of STAGES) {
    for (const boardId of state.stages[stage].boardIds) {
      const board = state.boards[boardId];
      if (!board) broken.push(`stage ${stage} lists missing board ${boardId}`);
      else if (board.stage !== stage) broken.push(`board ${boardId} is listed under another stage`);
    }
  }
  for (const board of Object.values(state.boards)) {
    if (board.columns.length === 0) broken.push(`board ${board.id} has no column`);
    if (!state.stages[board.stage].boardIds.includes(board.id)) {
      broken.push(`board ${board.id} is in no stage`);
    }
  }
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
    if (note.themeId !== undefined) {
      const theme = state.themes?.[note.themeId];
      if (!theme) broken.push(`note ${note.id} is in a missing theme`);
      else if (theme.boardId !== note.boardId)
        broken.push(`note ${note.id} is in another board's theme`);
    }
    if (note.stackedOn !== undefined) {
      const base = state.notes[note.stackedOn];
      if (!base || base.boardId !== note.boardId || base.stackedOn !== undefined) {
        broken.push(`note ${note.id} is stacked on a missing, distant or stacked note`);
      }
    }
  }
  for (const theme of Object.values(state.themes ?? {})) {
    if (!state.boards[theme.boardId]) broken.push(`theme ${theme.id} is on a missing board`);
    for (const answer of theme.answeredBy) {
      if (!state.themes?.[answer]) broken.push(`theme ${theme.id} is answered by a missing theme`);
    }
  }
  const sectorIds = new Set(state.sectors.map((s) => s.id));
  for (const p of Object.values(state.participants)) {
    if (p.sector !== null && !sectorIds.has(p.sector)) broken.push(`participant ${p.id} sector`);
    if (p.removedAt !== undefined && (p.name !== '' || p.tokenHash !== '')) {
      broken.push(`removed participant ${p.id} kept a name or a token`);
    }
  }
  return broken;
}

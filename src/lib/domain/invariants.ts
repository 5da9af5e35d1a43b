import { LIMITS, PRIORITY_STATUSES, STAGES, type Workshop } from './model';
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
  broken.push(...decisionProblems(state));
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

/** A list that names each id once, every one of `records`, and nothing else. */
function orderProblems(what: string, order: string[], records: Record<string, unknown>): string[] {
  const broken: string[] = [];
  if (new Set(order).size !== order.length) broken.push(`a ${what} is listed twice`);
  for (const id of order) {
    if (!Object.hasOwn(records, id)) broken.push(`the order lists missing ${what} ${id}`);
  }
  for (const id of Object.keys(records)) {
    if (!order.includes(id)) broken.push(`${what} ${id} is in no order`);
  }
  return broken;
}

/**
 * Décision: candidates within their caps; ballots only while a vote (a ranking) stands, from
 * participants still in the workshop, on candidates (items) that exist, within budget and cap.
 */
function decisionProblems(state: Workshop): string[] {
  const candidates = state.candidates ?? {};
  const broken = orderProblems('candidate', state.candidateOrder ?? [], candidates);
  if ((state.candidateOrder ?? []).length > LIMITS.candidatesPerWorkshop) {
    broken.push('too many candidates');
  }
  for (const c of Object.values(candidates)) {
    if (c.title.trim() === '') broken.push(`candidate ${c.id} has no title`);
    if (textLength(c.title) > LIMITS.candidateTitleLength) broken.push(`candidate ${c.id} title`);
    if (textLength(c.description) > LIMITS.candidateDescriptionLength) {
      broken.push(`candidate ${c.id} description is too long`);
    }
    if (c.sources.length > LIMITS.sourcesPerCandidate) broken.push(`candidate ${c.id} sources`);
  }
  const inWorkshop = (id: string) =>
    Object.hasOwn(state.participants, id) && state.participants[id]!.removedAt === undefined;
  const vote = state.dotVote;
  if (!vote && Object.keys(state.dots ?? {}).length > 0) broken.push('dots without a vote');
  if (vote && vote.round > (state.dotVoteRounds ?? 0)) broken.push('dot vote round not counted');
  for (const [voter, ballot] of Object.entries(state.dots ?? {})) {
    if (!inWorkshop(voter)) broken.push(`dots of ${voter}, who is not in the workshop`);
    const counts = Object.entries(ballot);
    if (counts.length === 0) broken.push(`an empty dot ballot is kept for ${voter}`);
    for (const [id, n] of counts) {
      if (!Object.hasOwn(candidates, id)) broken.push(`dots of ${voter} on missing ${id}`);
      if (!Number.isInteger(n) || n < 1) broken.push(`dots of ${voter} on ${id}: ${n}`);
      if (vote && n > vote.cap) broken.push(`dots of ${voter} over the cap on ${id}`);
    }
    if (vote && counts.reduce((sum, [, n]) => sum + n, 0) > vote.budget) {
      broken.push(`dots of ${voter} over the budget`);
    }
  }
  const size = state.shortlistSize;
  if (size !== undefined && (size < LIMITS.shortlistMin || size > LIMITS.shortlistMax)) {
    broken.push('shortlist size out of range');
  }
  const pick = state.shortlistPick;
  if (pick) {
    if (vote?.status !== 'closed') broken.push('a shortlist pick without a closed vote');
    if (new Set(pick.candidateIds).size !== pick.candidateIds.length) {
      broken.push('the shortlist pick lists a candidate twice');
    }
    if (pick.candidateIds.length < LIMITS.shortlistMin) broken.push('the pick is too short');
    for (const id of pick.candidateIds) {
      if (!Object.hasOwn(candidates, id)) broken.push(`the pick lists missing candidate ${id}`);
    }
  }
  const ranking = state.ranking;
  if (!ranking && Object.keys(state.rankings ?? {}).length > 0) {
    broken.push('ranking ballots without a ranking');
  }
  if (ranking) {
    if (vote?.status !== 'closed') broken.push('a ranking without a closed dot vote');
    if (ranking.revealed && ranking.status !== 'closed') broken.push('an open ranking revealed');
    if (new Set(ranking.items).size !== ranking.items.length) broken.push('ranking items twice');
    for (const id of ranking.items) {
      if (!Object.hasOwn(candidates, id)) broken.push(`ranking item ${id} is no candidate`);
    }
  }
  for (const [voter, order] of Object.entries(state.rankings ?? {})) {
    if (!inWorkshop(voter)) broken.push(`ranking of ${voter}, who is not in the workshop`);
    if (order.length === 0) broken.push(`an empty ranking is kept for ${voter}`);
    if (new Set(order).size !== order.length) broken.push(`ranking of ${voter} lists one twice`);
    for (const id of order) {
      if (!ranking?.items.includes(id)) broken.push(`ranking of ${voter} lists ${id}, no item`);
    }
  }
  if (vote?.revealed && vote.status !== 'closed') broken.push('an open dot vote revealed');
  const priorities = state.priorities ?? {};
  broken.push(...orderProblems('priority', state.priorityOrder ?? [], priorities));
  for (const p of Object.values(priorities)) {
    if (p.title.trim() === '') broken.push(`priority ${p.id} has no title`);
    if (!(PRIORITY_STATUSES as readonly string[]).includes(p.status)) {
      broken.push(`priority ${p.id} has an unknown status`);
    }
    if (textLength(p.horizon) > LIMITS.priorityHorizonLength)
      broken.push(`priority ${p.id} horizon`);
    if (p.moves.some((m) => m.reason.trim() === ''))
      broken.push(`priority ${p.id} moved, no reason`);
  }
  return broken;
}

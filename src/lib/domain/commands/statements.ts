import { fail, ok, type Result } from '../errors';
import { inSession } from './sessions';
import type { WorkshopEvent } from '../events';
import { LIMITS, type Actor, type VisionStatement, type Workshop } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { existing, facilitatorOnly, facilitatorWorkshop, knownActor } from './guards';

/** The statements of a workshop in their order (older workshops have none). */
export function statementsInOrder(state: Workshop): VisionStatement[] {
  return (state.statementOrder ?? []).map((id) => state.statements![id]!);
}

function findStatement(state: Workshop, statementId: string): Result<VisionStatement> {
  const statements = state.statements ?? {};
  const statement = Object.hasOwn(statements, statementId) ? statements[statementId] : undefined;
  return statement ? ok(statement) : fail('UNKNOWN_STATEMENT');
}

/** The common start of a statement command: the workshop, whoever runs it, the statement. */
function facilitatorStatement(
  state: Workshop | null,
  actor: Actor,
  statementId: string,
): Result<{ ws: Workshop; statement: VisionStatement }> {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const statement = findStatement(ws.value, statementId);
  if (!statement.ok) return statement;
  return ok({ ws: ws.value, statement: statement.value });
}

/** Whoever runs the room opens a statement (empty, unlocked) at the end of the list. */
export const addStatement: Handler<'addStatement'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if ((ws.value.statementOrder ?? []).length >= LIMITS.statementsPerWorkshop) {
    return fail('TOO_MANY_STATEMENTS');
  }
  const title = cleanLine(command.title, LIMITS.statementTitleLength);
  if (!title.ok) return title;
  const statement: VisionStatement = {
    id: ctx.newId(),
    title: title.value,
    text: '',
    locked: false,
    createdAt: ctx.now,
    ...inSession(ws.value),
  };
  return ok({
    events: [{ type: 'statementAdded', statement }],
    reply: { statementId: statement.id },
  });
};

export const renameStatement: Handler<'renameStatement'> = (state, actor, command) => {
  const found = facilitatorStatement(state, actor, command.statementId);
  if (!found.ok) return found;
  const { statement } = found.value;
  const title = cleanLine(command.title, LIMITS.statementTitleLength);
  if (!title.ok) return title;
  if (title.value === statement.title) return ok({ events: [] });
  return ok({
    events: [{ type: 'statementRenamed', statementId: statement.id, title: title.value }],
  });
};

/** Swap a statement with its neighbour; at either end nothing moves. */
export const moveStatement: Handler<'moveStatement'> = (state, actor, command) => {
  const found = facilitatorStatement(state, actor, command.statementId);
  if (!found.ok) return found;
  const { ws, statement } = found.value;
  const ids = [...(ws.statementOrder ?? [])];
  const at = ids.indexOf(statement.id);
  const to = command.direction === 'up' ? at - 1 : at + 1;
  if (to < 0 || to >= ids.length) return ok({ events: [] });
  [ids[at], ids[to]] = [ids[to]!, ids[at]!];
  return ok({ events: [{ type: 'statementsReordered', statementIds: ids }] });
};

/** A locked statement keeps its text and refuses every write, the facilitator's included. */
export const lockStatement: Handler<'lockStatement'> = (state, actor, command) => {
  const found = facilitatorStatement(state, actor, command.statementId);
  if (!found.ok) return found;
  const { statement } = found.value;
  if (statement.locked === command.locked) return ok({ events: [] });
  return ok({
    events: [{ type: 'statementLocked', statementId: statement.id, locked: command.locked }],
  });
};

/** Delete a statement with its text (the console asks first). */
export const deleteStatement: Handler<'deleteStatement'> = (state, actor, command) => {
  const found = facilitatorStatement(state, actor, command.statementId);
  if (!found.ok) return found;
  return ok({ events: [{ type: 'statementDeleted', statementId: found.value.statement.id }] });
};

/**
 * Whether `actor` may write in a statement so that its text becomes `nextText`: the check the
 * writable vision room makes before it accepts a Yjs update (and stores it through
 * writeStatement). Whoever runs the room may write at any stage (to prepare or to moderate);
 * a participant of this workshop, not removed, only while the room is in Devenir (dream). Nobody
 * writes in a locked statement. The length is the text's JS string length (UTF-16 code units),
 * the unit Y.Text counts in, with no trimming or normalisation: the text is the CRDT's, as is.
 */
export function checkStatementWrite(
  state: Workshop | null,
  actor: Actor,
  statementId: string,
  nextText: string,
): Result<VisionStatement> {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const runsRoom = facilitatorOnly(actor).ok;
  if (!runsRoom) {
    if (actor.role === 'nobody') return fail('NOT_JOINED');
    if (actor.role !== 'participant') return fail('NOT_ALLOWED');
    const known = knownActor(ws.value, actor);
    if (!known.ok) return known;
  }
  const statement = findStatement(ws.value, statementId);
  if (!statement.ok) return statement;
  if (statement.value.locked) return fail('STATEMENT_LOCKED');
  if (!runsRoom && ws.value.currentStage !== 'dream') return fail('STATEMENT_NOT_ACTIVE');
  if (nextText.length > LIMITS.statementLength) {
    return fail(
      'STATEMENT_TOO_LONG',
      `A vision statement holds ${LIMITS.statementLength} characters at most.`,
    );
  }
  return statement;
}

/** The event that records one accepted update and the text it leaves. */
export function statementWritten(
  statementId: string,
  update: string,
  text: string,
  at: number,
): Extract<WorkshopEvent, { type: 'statementWritten' }> {
  return { type: 'statementWritten', statementId, update, text, at };
}

/**
 * Store one accepted update. Every accepted update is an event, even one that leaves the text as
 * it was: the Yjs history is rebuilt from these, and a missing update would break it.
 */
export const writeStatement: Handler<'writeStatement'> = (state, actor, command, ctx) => {
  const allowed = checkStatementWrite(state, actor, command.statementId, command.text);
  if (!allowed.ok) return allowed;
  return ok({
    events: [statementWritten(allowed.value.id, command.update, command.text, ctx.now)],
  });
};

/**
 * The server folds the oldest updates of the vision history into their merge (the same
 * history, fewer and smaller pieces), so that the history kept with the workshop stays small.
 * Server-only, like writeStatement: no client can send it.
 */
export const mergeVisionHistory: Handler<'mergeVisionHistory'> = (state, _actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const held = ws.value.visionHistory?.length ?? 0;
  if (!Number.isInteger(command.count) || command.count < 2 || command.count > held) {
    return fail('BAD_REQUEST', 'Only two or more updates of the history can be merged.');
  }
  if (command.update.length === 0) return fail('BAD_REQUEST', 'The merged update is empty.');
  return ok({
    events: [{ type: 'visionHistoryMerged', count: command.count, update: command.update }],
  });
};

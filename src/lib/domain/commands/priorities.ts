import { inSession } from './sessions';
import { fail, ok, type Result } from '../errors';
import type { PriorityChanges } from '../events';
import { LIMITS, PRIORITY_STATUSES, type Actor, type Priority, type Workshop } from '../model';
import { cleanLine, cleanText } from '../text';
import type { Handler } from './decision';
import { rankingOrder } from './decisionMath';
import { facilitatorWorkshop } from './guards';

/** The priorities of a workshop in their order (none before they are adopted). */
export function prioritiesInOrder(state: Workshop): Priority[] {
  return (state.priorityOrder ?? []).map((id) => state.priorities![id]!);
}

function facilitatorPriority(
  state: Workshop | null,
  actor: Actor,
  priorityId: string,
): Result<{ ws: Workshop; priority: Priority }> {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const priorities = ws.value.priorities ?? {};
  const priority = Object.hasOwn(priorities, priorityId) ? priorities[priorityId] : undefined;
  if (!priority) return fail('UNKNOWN_PRIORITY');
  return ok({ ws: ws.value, priority });
}

/**
 * Once the ranking is closed and revealed, its result becomes the list of priorities: one per
 * item still a candidate, in the result's order, each a copy of its candidate (title,
 * description, sources), status "proposed". Refused while priorities exist unless `replace`:
 * the edits made to them would be lost, so the console asks first.
 */
export const adoptPriorities: Handler<'adoptPriorities'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const ranking = ws.value.ranking;
  if (!ranking) return fail('NO_RANKING');
  if (ranking.status !== 'closed' || !ranking.revealed) return fail('RANKING_NOT_REVEALED');
  if ((ws.value.priorityOrder ?? []).length > 0 && command.replace !== true) {
    return fail('PRIORITIES_EXIST');
  }
  const candidates = ws.value.candidates ?? {};
  const priorities = rankingOrder(ws.value)
    .filter((id) => Object.hasOwn(candidates, id))
    .map((candidateId, i): Priority => {
      const candidate = candidates[candidateId]!;
      return {
        id: ctx.newId(),
        candidateId,
        rank: i + 1,
        title: candidate.title,
        description: candidate.description,
        sources: candidate.sources,
        owner: '',
        nextStep: '',
        horizon: '',
        status: 'proposed',
        moves: [],
        createdAt: ctx.now,
        ...inSession(ws.value),
      };
    });
  return ok({ events: [{ type: 'prioritiesAdopted', priorities }] });
};

/** Change any of a priority's fields; those left out stay as they are. */
export const editPriority: Handler<'editPriority'> = (state, actor, command, ctx) => {
  const found = facilitatorPriority(state, actor, command.priorityId);
  if (!found.ok) return found;
  const { priority } = found.value;
  const changes: PriorityChanges = {};
  const lines = [
    ['title', LIMITS.candidateTitleLength, false],
    ['owner', LIMITS.priorityOwnerLength, true],
    ['horizon', LIMITS.priorityHorizonLength, true],
  ] as const;
  for (const [field, max, allowEmpty] of lines) {
    const value = command[field];
    if (value === undefined) continue;
    const cleaned = cleanLine(value, max, allowEmpty);
    if (!cleaned.ok) return cleaned;
    if (cleaned.value !== priority[field]) changes[field] = cleaned.value;
  }
  const texts = [
    ['description', LIMITS.candidateDescriptionLength],
    ['nextStep', LIMITS.priorityNextStepLength],
  ] as const;
  for (const [field, max] of texts) {
    const value = command[field];
    if (value === undefined) continue;
    const cleaned = cleanText(value, max, true);
    if (!cleaned.ok) return cleaned;
    if (cleaned.value !== priority[field]) changes[field] = cleaned.value;
  }
  if (command.status !== undefined) {
    if (!(PRIORITY_STATUSES as readonly string[]).includes(command.status)) {
      return fail('BAD_REQUEST', 'There is no such status.');
    }
    if (command.status !== priority.status) changes.status = command.status;
  }
  if (Object.keys(changes).length === 0) return ok({ events: [] });
  return ok({
    events: [{ type: 'priorityEdited', priorityId: priority.id, changes, at: ctx.now }],
  });
};

/**
 * Move a priority one place, with a reason (required): the move and its reason are kept in the
 * priority's history. At either end nothing moves and nothing is recorded.
 */
export const movePriority: Handler<'movePriority'> = (state, actor, command, ctx) => {
  const found = facilitatorPriority(state, actor, command.priorityId);
  if (!found.ok) return found;
  const { ws, priority } = found.value;
  const reason = cleanText(command.reason, LIMITS.moveReasonLength, true);
  if (!reason.ok) return reason;
  if (reason.value === '') return fail('REASON_REQUIRED');
  const ids = [...(ws.priorityOrder ?? [])];
  const at = ids.indexOf(priority.id);
  const to = command.direction === 'up' ? at - 1 : at + 1;
  if (to < 0 || to >= ids.length) return ok({ events: [] });
  [ids[at], ids[to]] = [ids[to]!, ids[at]!];
  return ok({
    events: [
      {
        type: 'priorityMoved',
        priorityId: priority.id,
        priorityIds: ids,
        move: { from: at + 1, to: to + 1, reason: reason.value, at: ctx.now },
      },
    ],
  });
};

export const removePriority: Handler<'removePriority'> = (state, actor, command) => {
  const found = facilitatorPriority(state, actor, command.priorityId);
  if (!found.ok) return found;
  return ok({ events: [{ type: 'priorityRemoved', priorityId: found.value.priority.id }] });
};

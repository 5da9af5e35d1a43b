import { inSession } from './sessions';
import { fail, ok, type Result } from '../errors';
import { LIMITS, type Actor, type RankingVote, type Workshop } from '../model';
import type { Handler } from './decision';
import { currentShortlist, voter } from './dotVote';
import { existing, facilitatorWorkshop } from './guards';

/** The workshop, whoever runs it, and the ranking (open or closed). */
function facilitatorRanking(
  state: Workshop | null,
  actor: Actor,
): Result<{ ws: Workshop; ranking: RankingVote }> {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const ranking = ws.value.ranking;
  if (!ranking) return fail('NO_RANKING');
  return ok({ ws: ws.value, ranking });
}

/** Rank the shortlist (one ranking at a time): the dot vote closed, two or more on the list. */
export const openRanking: Handler<'openRanking'> = (state, actor, _command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if (ws.value.ranking) return fail('RANKING_EXISTS');
  if (!ws.value.dotVote) return fail('NO_DOT_VOTE');
  if (ws.value.dotVote.status !== 'closed') return fail('DOT_VOTE_OPEN');
  const items = currentShortlist(ws.value);
  if (items.length < LIMITS.shortlistMin) return fail('BAD_SHORTLIST');
  const ranking: RankingVote = {
    status: 'open',
    items,
    revealed: false,
    round: (ws.value.rankingRounds ?? 0) + 1,
    openedAt: ctx.now,
    ...inSession(ws.value),
  };
  return ok({ events: [{ type: 'rankingOpened', ranking }] });
};

/**
 * A participant's ballot: items of the ranking, each once, best first; any number of them (their
 * top k), all or none (an empty order withdraws the ballot). It replaces the one they had.
 */
export const submitRanking: Handler<'submitRanking'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const who = voter(ws.value, actor);
  if (!who.ok) return who;
  const ranking = ws.value.ranking;
  if (!ranking) return fail('NO_RANKING');
  if (ranking.status !== 'open') return fail('RANKING_CLOSED');
  const order = command.order;
  if (new Set(order).size !== order.length || order.some((id) => !ranking.items.includes(id))) {
    return fail('BAD_RANKING');
  }
  const before = ws.value.rankings?.[who.value] ?? [];
  if (before.length === order.length && before.every((id, i) => id === order[i])) {
    return ok({ events: [] });
  }
  return ok({
    events: [{ type: 'rankingSubmitted', participantId: who.value, order: [...order] }],
  });
};

export const closeRanking: Handler<'closeRanking'> = (state, actor, _command, ctx) => {
  const found = facilitatorRanking(state, actor);
  if (!found.ok) return found;
  if (found.value.ranking.status === 'closed') return ok({ events: [] });
  return ok({ events: [{ type: 'rankingClosed', at: ctx.now }] });
};

/** Reopen with the ballots kept; the result is hidden again until the next reveal. */
export const reopenRanking: Handler<'reopenRanking'> = (state, actor) => {
  const found = facilitatorRanking(state, actor);
  if (!found.ok) return found;
  if (found.value.ranking.status === 'open') return ok({ events: [] });
  return ok({ events: [{ type: 'rankingReopened' }] });
};

/** Cancel the ranking, open or closed: every ballot goes, no result is kept. */
export const cancelRanking: Handler<'cancelRanking'> = (state, actor) => {
  const found = facilitatorRanking(state, actor);
  if (!found.ok) return found;
  return ok({ events: [{ type: 'rankingCancelled' }] });
};

/** The result becomes public, only once the ranking is closed. */
export const revealRanking: Handler<'revealRanking'> = (state, actor) => {
  const found = facilitatorRanking(state, actor);
  if (!found.ok) return found;
  const { ranking } = found.value;
  if (ranking.status === 'open') return fail('RANKING_OPEN');
  if (ranking.revealed) return ok({ events: [] });
  return ok({ events: [{ type: 'rankingRevealed' }] });
};

import { inSession } from './sessions';
import { fail, ok, type Result } from '../errors';
import {
  DOT_CAP_DEFAULT,
  LIMITS,
  SHORTLIST_DEFAULT,
  type Actor,
  type DotVote,
  type ParticipantId,
  type Workshop,
} from '../model';
import type { Handler } from './decision';
import { findCandidate } from './candidates';
import { computedShortlist } from './decisionMath';
import { existing, facilitatorWorkshop, knownActor } from './guards';

/** Only a participant of this workshop, not removed, votes and ranks (not whoever runs the room). */
export function voter(state: Workshop, actor: Actor): Result<ParticipantId> {
  if (actor.role === 'nobody') return fail('NOT_JOINED');
  if (actor.role !== 'participant') return fail('NOT_ALLOWED');
  const known = knownActor(state, actor);
  if (!known.ok) return known;
  return ok(actor.participantId);
}

/** The default budget: a third of the candidates, at least 3 (and within the budget's range). */
export function defaultBudget(candidates: number): number {
  return Math.min(LIMITS.dotBudgetMax, Math.max(3, Math.round(candidates / 3)));
}

function validRules(budget: number, cap: number): Result<null> {
  const within = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  return within(budget, LIMITS.dotBudgetMax) && within(cap, LIMITS.dotCapMax)
    ? ok(null)
    : fail('BAD_DOT_RULES');
}

/** The dots a ballot holds in all. */
export function ballotDots(ballot: Record<string, number> | undefined): number {
  return Object.values(ballot ?? {}).reduce((sum, n) => sum + n, 0);
}

/** The workshop, whoever runs it, and the vote (open or closed). */
function facilitatorVote(
  state: Workshop | null,
  actor: Actor,
): Result<{ ws: Workshop; vote: DotVote }> {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const vote = ws.value.dotVote;
  if (!vote) return fail('NO_DOT_VOTE');
  return ok({ ws: ws.value, vote });
}

/**
 * Open a dot vote (one at a time) on two or more candidates. Budget and cap default to a third of
 * the candidates (at least 3) and 2.
 */
export const openDotVote: Handler<'openDotVote'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if (ws.value.dotVote) return fail('DOT_VOTE_EXISTS');
  const candidates = (ws.value.candidateOrder ?? []).length;
  if (candidates < 2) return fail('NOT_ENOUGH_CANDIDATES');
  const budget = command.budget ?? defaultBudget(candidates);
  const cap = command.cap ?? DOT_CAP_DEFAULT;
  const valid = validRules(budget, cap);
  if (!valid.ok) return valid;
  const vote: DotVote = {
    status: 'open',
    budget,
    cap,
    round: (ws.value.dotVoteRounds ?? 0) + 1,
    revealed: false,
    peek: false,
    openedAt: ctx.now,
    ...inSession(ws.value),
  };
  return ok({ events: [{ type: 'dotVoteOpened', vote }] });
};

/**
 * New rules, open or closed: refused if any ballot already holds more dots than the new budget,
 * or more than the new cap on one candidate (nobody's dots are taken away behind their back).
 */
export const setDotRules: Handler<'setDotRules'> = (state, actor, command) => {
  const found = facilitatorVote(state, actor);
  if (!found.ok) return found;
  const { ws, vote } = found.value;
  const valid = validRules(command.budget, command.cap);
  if (!valid.ok) return valid;
  for (const ballot of Object.values(ws.dots ?? {})) {
    if (ballotDots(ballot) > command.budget) {
      return fail(
        'DOT_RULES_TOO_TIGHT',
        `Someone has already placed more than ${command.budget} dots.`,
      );
    }
    if (Object.values(ballot).some((n) => n > command.cap)) {
      return fail(
        'DOT_RULES_TOO_TIGHT',
        `Someone has already placed more than ${command.cap} dots on one candidate.`,
      );
    }
  }
  if (vote.budget === command.budget && vote.cap === command.cap) return ok({ events: [] });
  return ok({ events: [{ type: 'dotRulesSet', budget: command.budget, cap: command.cap }] });
};

/**
 * A participant sets their count on one candidate (0 takes their dots off it). The whole ballot
 * stays within the budget, each count within the cap, or nothing changes. Setting a count rather
 * than adding one makes a resent command harmless: the last change wins.
 */
export const castDots: Handler<'castDots'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const who = voter(ws.value, actor);
  if (!who.ok) return who;
  const vote = ws.value.dotVote;
  if (!vote) return fail('NO_DOT_VOTE');
  if (vote.status !== 'open') return fail('DOT_VOTE_CLOSED');
  const candidate = findCandidate(ws.value, command.candidateId);
  if (!candidate.ok) return candidate;
  if (!Number.isInteger(command.dots) || command.dots < 0) {
    return fail('BAD_REQUEST', 'A number of dots is a whole number, 0 or more.');
  }
  if (command.dots > vote.cap) {
    return fail('OVER_DOT_CAP', `One candidate gets ${vote.cap} dots at most.`);
  }
  const ballot = ws.value.dots?.[who.value] ?? {};
  const before = ballot[candidate.value.id] ?? 0;
  if (ballotDots(ballot) - before + command.dots > vote.budget) {
    return fail('OVER_DOT_BUDGET', `You have ${vote.budget} dots in all.`);
  }
  if (before === command.dots) return ok({ events: [] });
  return ok({
    events: [
      {
        type: 'dotsCast',
        participantId: who.value,
        candidateId: candidate.value.id,
        dots: command.dots,
      },
    ],
  });
};

export const closeDotVote: Handler<'closeDotVote'> = (state, actor, _command, ctx) => {
  const found = facilitatorVote(state, actor);
  if (!found.ok) return found;
  if (found.value.vote.status === 'closed') return ok({ events: [] });
  return ok({ events: [{ type: 'dotVoteClosed', at: ctx.now }] });
};

/**
 * Reopen a closed vote with its ballots: totals are hidden again and any shortlist pick goes
 * (the totals it was made on may change). Not while a ranking stands on its shortlist.
 */
export const reopenDotVote: Handler<'reopenDotVote'> = (state, actor) => {
  const found = facilitatorVote(state, actor);
  if (!found.ok) return found;
  if (found.value.ws.ranking) return fail('RANKING_EXISTS');
  if (found.value.vote.status === 'open') return ok({ events: [] });
  return ok({ events: [{ type: 'dotVoteReopened' }] });
};

/** Cancel the vote, open or closed: every ballot and any pick go, no result is kept. */
export const cancelDotVote: Handler<'cancelDotVote'> = (state, actor) => {
  const found = facilitatorVote(state, actor);
  if (!found.ok) return found;
  if (found.value.ws.ranking) return fail('RANKING_EXISTS');
  return ok({ events: [{ type: 'dotVoteCancelled' }] });
};

/** Totals become public, only once the vote is closed. */
export const revealDotVote: Handler<'revealDotVote'> = (state, actor) => {
  const found = facilitatorVote(state, actor);
  if (!found.ok) return found;
  const { vote } = found.value;
  if (vote.status === 'open') return fail('DOT_VOTE_OPEN');
  if (vote.revealed) return ok({ events: [] });
  return ok({ events: [{ type: 'dotVoteRevealed' }] });
};

/** Whoever runs the room looks at the live totals on the console (nobody else sees them). */
export const peekDotVote: Handler<'peekDotVote'> = (state, actor, command) => {
  const found = facilitatorVote(state, actor);
  if (!found.ok) return found;
  if (found.value.vote.peek === command.on) return ok({ events: [] });
  return ok({ events: [{ type: 'dotVotePeeked', on: command.on }] });
};

function validSize(size: number): boolean {
  return Number.isInteger(size) && size >= LIMITS.shortlistMin && size <= LIMITS.shortlistMax;
}

/** The shortlist's size (2..10); a new size drops any pick. Not while a ranking stands. */
export const setShortlist: Handler<'setShortlist'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if (!validSize(command.size)) return fail('BAD_SHORTLIST');
  if (ws.value.ranking) return fail('RANKING_EXISTS');
  const size = ws.value.shortlistSize ?? SHORTLIST_DEFAULT;
  if (size === command.size && !ws.value.shortlistPick) return ok({ events: [] });
  return ok({ events: [{ type: 'shortlistSizeSet', size: command.size }] });
};

/**
 * Once the vote is closed, whoever runs the room may pick the shortlist instead of the rule
 * (to break a tie at the cut, say): 2 to 10 candidates, each once. The pick is kept with what
 * the rule gave and the candidates tied at its cut. An empty list drops the pick.
 */
export const pickShortlist: Handler<'pickShortlist'> = (state, actor, command, ctx) => {
  const found = facilitatorVote(state, actor);
  if (!found.ok) return found;
  const { ws, vote } = found.value;
  if (vote.status === 'open') return fail('DOT_VOTE_OPEN');
  if (ws.ranking) return fail('RANKING_EXISTS');
  const ids = command.candidateIds;
  if (ids.length === 0) {
    return ok({ events: ws.shortlistPick ? [{ type: 'shortlistPicked', pick: null }] : [] });
  }
  if (!validSize(ids.length) || new Set(ids).size !== ids.length) return fail('BAD_SHORTLIST');
  for (const id of ids) {
    const candidate = findCandidate(ws, id);
    if (!candidate.ok) return candidate;
  }
  const rule = computedShortlist(ws);
  const pick = {
    candidateIds: [...ids],
    computed: rule.candidateIds,
    tiedAtCut: rule.tiedAtCut,
    at: ctx.now,
  };
  return ok({ events: [{ type: 'shortlistPicked', pick }] });
};

/** The shortlist now: the facilitator's pick, else the rule's (empty while no vote is closed). */
export function currentShortlist(state: Workshop): string[] {
  if (state.dotVote?.status !== 'closed') return [];
  return state.shortlistPick?.candidateIds ?? computedShortlist(state).candidateIds;
}

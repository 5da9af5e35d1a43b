/**
 * How Décision's events change a workshop (candidates, the dot vote, the shortlist, the ranking,
 * the priorities): `apply` hands them over here. Pure, like `apply`: it never refuses an event.
 */
import type { WorkshopEvent } from './events';
import type { Candidate, Priority, Workshop } from './model';

export type DecisionEvent = Extract<
  WorkshopEvent,
  {
    type:
      | 'candidateAdded'
      | 'candidateEdited'
      | 'candidateRemoved'
      | 'candidatesReordered'
      | 'dotVoteOpened'
      | 'dotRulesSet'
      | 'dotsCast'
      | 'dotVoteClosed'
      | 'dotVoteReopened'
      | 'dotVoteCancelled'
      | 'dotVoteRevealed'
      | 'dotVotePeeked'
      | 'shortlistSizeSet'
      | 'shortlistPicked'
      | 'rankingOpened'
      | 'rankingSubmitted'
      | 'rankingClosed'
      | 'rankingReopened'
      | 'rankingCancelled'
      | 'rankingRevealed'
      | 'prioritiesAdopted'
      | 'priorityEdited'
      | 'priorityMoved'
      | 'priorityRemoved';
  }
>;

/** The workshop without the given optional fields (absent, not undefined: replays compare JSON). */
function without<K extends keyof Workshop>(state: Workshop, ...keys: K[]): Workshop {
  const next = { ...state };
  for (const key of keys) delete next[key];
  return next;
}

function withCandidate(state: Workshop, candidate: Candidate): Workshop {
  return { ...state, candidates: { ...state.candidates, [candidate.id]: candidate } };
}

function withPriority(state: Workshop, priority: Priority): Workshop {
  return { ...state, priorities: { ...state.priorities, [priority.id]: priority } };
}

/** A record less one key (a fresh copy). */
function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

/** A participant who leaves takes their ballots with them: dots and ranking. */
export function withoutBallots(state: Workshop, participantId: string): Workshop {
  let next = state;
  if (state.dots && Object.hasOwn(state.dots, participantId)) {
    next = { ...next, dots: omit(state.dots, participantId) };
  }
  if (state.rankings && Object.hasOwn(state.rankings, participantId)) {
    next = { ...next, rankings: omit(state.rankings, participantId) };
  }
  return next;
}

/** A removed candidate leaves every ballot, the ranking's items and the shortlist pick. */
function withoutCandidate(state: Workshop, candidateId: string): Workshop {
  const next: Workshop = {
    ...state,
    candidates: omit(state.candidates ?? {}, candidateId),
    candidateOrder: (state.candidateOrder ?? []).filter((id) => id !== candidateId),
  };
  if (state.dots) {
    const dots: Record<string, Record<string, number>> = {};
    for (const [voter, ballot] of Object.entries(state.dots)) {
      const kept = Object.hasOwn(ballot, candidateId) ? omit(ballot, candidateId) : ballot;
      if (Object.keys(kept).length > 0) dots[voter] = kept;
    }
    next.dots = dots;
  }
  if (state.ranking) {
    next.ranking = {
      ...state.ranking,
      items: state.ranking.items.filter((id) => id !== candidateId),
    };
  }
  if (state.rankings) {
    const rankings: Record<string, string[]> = {};
    for (const [voter, order] of Object.entries(state.rankings)) {
      const kept = order.filter((id) => id !== candidateId);
      if (kept.length > 0) rankings[voter] = kept;
    }
    next.rankings = rankings;
  }
  const pick = state.shortlistPick;
  if (pick?.candidateIds.includes(candidateId)) {
    // A pick that falls under two candidates is no shortlist: the rule applies again.
    const candidateIds = pick.candidateIds.filter((id) => id !== candidateId);
    if (candidateIds.length < 2) delete next.shortlistPick;
    else next.shortlistPick = { ...pick, candidateIds };
  }
  return next;
}

export function applyDecision(state: Workshop, event: DecisionEvent): Workshop {
  switch (event.type) {
    case 'candidateAdded':
      return {
        ...withCandidate(state, event.candidate),
        candidateOrder: [...(state.candidateOrder ?? []), event.candidate.id],
      };
    case 'candidateEdited': {
      const candidate = state.candidates![event.candidateId]!;
      return withCandidate(state, {
        ...candidate,
        title: event.title,
        description: event.description,
      });
    }
    case 'candidateRemoved':
      return withoutCandidate(state, event.candidateId);
    case 'candidatesReordered':
      return { ...state, candidateOrder: event.candidateIds };
    case 'dotVoteOpened':
      return { ...state, dotVote: event.vote, dotVoteRounds: event.vote.round, dots: {} };
    case 'dotRulesSet':
      return { ...state, dotVote: { ...state.dotVote!, budget: event.budget, cap: event.cap } };
    case 'dotsCast': {
      const ballot = { ...state.dots?.[event.participantId], [event.candidateId]: event.dots };
      if (event.dots === 0) delete ballot[event.candidateId];
      const dots = { ...state.dots, [event.participantId]: ballot };
      if (Object.keys(ballot).length === 0) delete dots[event.participantId];
      return { ...state, dots };
    }
    case 'dotVoteClosed':
      return { ...state, dotVote: { ...state.dotVote!, status: 'closed', closedAt: event.at } };
    case 'dotVoteReopened': {
      const vote = { ...state.dotVote!, status: 'open' as const, revealed: false };
      delete vote.closedAt;
      return { ...without(state, 'shortlistPick'), dotVote: vote };
    }
    case 'dotVoteCancelled':
      return without(state, 'dotVote', 'dots', 'shortlistPick');
    case 'dotVoteRevealed':
      return { ...state, dotVote: { ...state.dotVote!, revealed: true } };
    case 'dotVotePeeked':
      return { ...state, dotVote: { ...state.dotVote!, peek: event.on } };
    case 'shortlistSizeSet':
      return { ...without(state, 'shortlistPick'), shortlistSize: event.size };
    case 'shortlistPicked':
      return event.pick === null
        ? without(state, 'shortlistPick')
        : { ...state, shortlistPick: event.pick };
    case 'rankingOpened':
      return {
        ...state,
        ranking: event.ranking,
        rankingRounds: event.ranking.round,
        rankings: {},
      };
    case 'rankingSubmitted': {
      const rankings = { ...state.rankings, [event.participantId]: event.order };
      if (event.order.length === 0) delete rankings[event.participantId];
      return { ...state, rankings };
    }
    case 'rankingClosed':
      return { ...state, ranking: { ...state.ranking!, status: 'closed', closedAt: event.at } };
    case 'rankingReopened': {
      const ranking = { ...state.ranking!, status: 'open' as const, revealed: false };
      delete ranking.closedAt;
      return { ...state, ranking };
    }
    case 'rankingCancelled':
      return without(state, 'ranking', 'rankings');
    case 'rankingRevealed':
      return { ...state, ranking: { ...state.ranking!, revealed: true } };
    case 'prioritiesAdopted':
      return {
        ...state,
        priorities: Object.fromEntries(event.priorities.map((p) => [p.id, p])),
        priorityOrder: event.priorities.map((p) => p.id),
      };
    case 'priorityEdited': {
      const priority = state.priorities![event.priorityId]!;
      return withPriority(state, { ...priority, ...event.changes, updatedAt: event.at });
    }
    case 'priorityMoved': {
      const priority = state.priorities![event.priorityId]!;
      return {
        ...withPriority(state, { ...priority, moves: [...priority.moves, event.move] }),
        priorityOrder: event.priorityIds,
      };
    }
    case 'priorityRemoved':
      return {
        ...state,
        priorities: omit(state.priorities ?? {}, event.priorityId),
        priorityOrder: (state.priorityOrder ?? []).filter((id) => id !== event.priorityId),
      };
  }
}

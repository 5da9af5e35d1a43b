import {
  computedShortlist,
  DECISION_EVENT_TYPES,
  dotTotals,
  rankShortlist,
  tallyDots,
  type Workshop,
  type WorkshopEvent,
} from '../src/lib/domain/index';
import type {
  CandidateView,
  DotVoteView,
  MyBallotView,
  PriorityView,
  RankingView,
} from '../src/lib/protocol/replica';

/*
 * What each screen may see of Décision, in the replicas' `decision` map: `candidate:<id>`,
 * `priority:<id>`, `dotVote` and `ranking` (room and console); `mine` (a participant's own
 * ballots, in their private replica only). Secrecy lives here: while a vote is open the room sees
 * how many have voted, never totals; the console sees totals only when the facilitator peeks; a
 * ballot is only ever in its own participant's replica.
 */

type Views = Record<string, unknown>;

function candidateViews(state: Workshop, out: Views): void {
  (state.candidateOrder ?? []).forEach((id, position) => {
    const c = state.candidates![id]!;
    const view: CandidateView = {
      id,
      title: c.title,
      description: c.description,
      sources: c.sources.map((s) => ({ kind: s.kind, id: s.id, title: s.title })),
      position,
    };
    out[`candidate:${id}`] = view;
  });
}

function priorityViews(state: Workshop, out: Views): void {
  (state.priorityOrder ?? []).forEach((id, position) => {
    const p = state.priorities![id]!;
    const view: PriorityView = {
      id,
      candidateId: p.candidateId,
      rank: p.rank,
      title: p.title,
      description: p.description,
      sources: p.sources.map((s) => ({ kind: s.kind, id: s.id, title: s.title })),
      owner: p.owner,
      nextStep: p.nextStep,
      horizon: p.horizon,
      status: p.status,
      moves: p.moves.map((m) => ({ ...m })),
      position,
      updatedAt: p.updatedAt ?? null,
    };
    out[`priority:${id}`] = view;
  });
}

/** The dot vote as the room (console: `console` true) sees it. */
function dotVoteView(state: Workshop, console: boolean): DotVoteView | null {
  const vote = state.dotVote;
  if (!vote) return null;
  const { turnout } = tallyDots(state.candidateOrder ?? [], state.dots ?? {});
  const closed = vote.status === 'closed';
  const seesTotals = vote.revealed || (console && vote.peek);
  // The shortlist follows from the totals: the room learns it with them, the console once closed.
  const seesShortlist = vote.revealed || (console && closed);
  const computed = seesShortlist ? computedShortlist(state) : null;
  const pick = state.shortlistPick;
  return {
    status: vote.status,
    budget: vote.budget,
    cap: vote.cap,
    round: vote.round,
    revealed: vote.revealed,
    peek: console ? vote.peek : false,
    turnout,
    totals: seesTotals ? dotTotals(state) : null,
    shortlistSize: state.shortlistSize ?? null,
    shortlist: computed ? (pick ? [...pick.candidateIds] : computed.candidateIds) : null,
    tiedAtCut: computed ? (pick ? [...pick.tiedAtCut] : computed.tiedAtCut) : [],
    picked: computed !== null && pick !== undefined,
  };
}

/** The ranking as the room sees it: turnout while open, the whole result once revealed. */
function rankingView(state: Workshop): RankingView | null {
  const ranking = state.ranking;
  if (!ranking) return null;
  const ballots = Object.entries(state.rankings ?? {}).map(([voter, order]) => ({
    voter,
    order,
    group: state.participants[voter]?.sector ?? null,
  }));
  const items = new Set(ranking.items);
  const turnout = ballots.filter((b) => b.order.some((id) => items.has(id))).length;
  return {
    status: ranking.status,
    items: [...ranking.items],
    round: ranking.round,
    revealed: ranking.revealed,
    turnout,
    result: ranking.revealed ? structuredClone(rankShortlist(ranking.items, ballots)) : null,
  };
}

/** The `decision` map of the room's and the console's replicas. */
export function decisionViews(state: Workshop): { public: Views; facilitator: Views } {
  const shared: Views = {};
  candidateViews(state, shared);
  priorityViews(state, shared);
  const ranking = rankingView(state);
  const pub: Views = { ...shared };
  const fac: Views = { ...shared };
  const publicVote = dotVoteView(state, false);
  const consoleVote = dotVoteView(state, true);
  if (publicVote) pub.dotVote = publicVote;
  if (consoleVote) fac.dotVote = consoleVote;
  if (ranking) {
    pub.ranking = ranking;
    fac.ranking = ranking;
  }
  return { public: pub, facilitator: fac };
}

/**
 * The keys the `decision` maps hold for a state, without working out their views (tallies
 * included): what a patch needs of the state before, to delete what is gone.
 */
export function decisionKeys(state: Workshop): string[] {
  return [
    ...(state.candidateOrder ?? []).map((id) => `candidate:${id}`),
    ...(state.priorityOrder ?? []).map((id) => `priority:${id}`),
    ...(state.dotVote ? ['dotVote'] : []),
    ...(state.ranking ? ['ranking'] : []),
  ];
}

/** A participant's own ballots, for their private replica only (empty: none cast). */
export function myDecision(state: Workshop, participantId: string): Views {
  const dots = state.dots?.[participantId];
  const order = state.rankings?.[participantId];
  if (!dots && !order) return {};
  const mine: MyBallotView = { dots: { ...(dots ?? {}) }, ranking: [...(order ?? [])] };
  return { mine };
}

/** Events that change what the `decision` maps show. */
const DECISION_EVENTS = new Set<WorkshopEvent['type']>(DECISION_EVENT_TYPES);

export function isDecisionEvent(event: WorkshopEvent): boolean {
  return DECISION_EVENTS.has(event.type);
}

/**
 * Whose private ballots an event may change: one participant, everyone (a candidate removed, a
 * vote cancelled: ballots are dropped), or nobody.
 */
export function ballotsTouched(event: WorkshopEvent): string | 'all' | null {
  switch (event.type) {
    case 'dotsCast':
    case 'rankingSubmitted':
      return event.participantId;
    case 'candidateRemoved':
    case 'dotVoteCancelled':
    case 'rankingCancelled':
    case 'dotVoteOpened':
    case 'rankingOpened':
      return 'all';
    default:
      return null;
  }
}

/**
 * Where Décision's commands ask the aggregation math (src/lib/domain/aggregate) the three answers
 * they need: the dot totals, the shortlist those totals give, and the ranking's result order.
 * The commands only decide whose ballots are given: those kept in the workshop (a removed
 * participant's are dropped when they are removed).
 */
import { rankShortlist, shortlist, tallyDots } from '../aggregate/ranking';
import { SHORTLIST_DEFAULT, type Workshop } from '../model';

/** Dots per candidate (every candidate listed, 0 included), over every ballot kept. */
export function dotTotals(state: Workshop): Record<string, number> {
  return { ...tallyDots(state.candidateOrder ?? [], state.dots ?? {}).totals };
}

/**
 * The shortlist the rule gives (the top `shortlistSize` by dots, every candidate tied at the cut
 * going through; a candidate without a dot never does), and the candidates tied at its cut.
 */
export function computedShortlist(state: Workshop): {
  candidateIds: string[];
  tiedAtCut: string[];
} {
  const result = shortlist(
    dotTotals(state),
    state.shortlistSize ?? SHORTLIST_DEFAULT,
    state.candidateOrder ?? [],
  );
  return { candidateIds: [...result.ids], tiedAtCut: [...result.tied] };
}

/** The ranking's items in the order of its result (Borda, tie-breaks applied), best first. */
export function rankingOrder(state: Workshop): string[] {
  const ballots = Object.entries(state.rankings ?? {}).map(([voter, order]) => ({
    voter,
    order,
    group: state.participants[voter]?.sector ?? null,
  }));
  return [...rankShortlist(state.ranking?.items ?? [], ballots).order];
}

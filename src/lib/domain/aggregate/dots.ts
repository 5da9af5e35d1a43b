/** The dot vote's totals: how many dots each candidate got, and how many people voted. */
export interface DotTally {
  /** Candidate id → dots, every candidate given (0 when none). */
  readonly totals: Readonly<Record<string, number>>;
  /** Voters who placed at least one dot on a listed candidate. */
  readonly turnout: number;
}

/**
 * Adds up dot ballots (voter → candidate → dots). Dots on a candidate not in the list (removed
 * since) are left out, and a voter whose only dots were there did not vote. A count that is not a
 * positive whole number counts as none (the domain never stores one). Whose ballots are given
 * is the caller's choice.
 */
export function tallyDots(
  candidates: readonly string[],
  ballots: Readonly<Record<string, Readonly<Record<string, number>>>>,
): DotTally {
  const totals = new Map<string, number>(candidates.map((id) => [id, 0]));
  let turnout = 0;
  for (const ballot of Object.values(ballots)) {
    let voted = false;
    for (const id of totals.keys()) {
      if (!Object.hasOwn(ballot, id)) continue;
      const dots = ballot[id]!;
      if (!Number.isInteger(dots) || dots <= 0) continue;
      totals.set(id, totals.get(id)! + dots);
      voted = true;
    }
    if (voted) turnout += 1;
  }
  return { totals: Object.fromEntries(totals), turnout };
}

/** The candidates that go on to the ranking. */
export interface Shortlist {
  /** Best first; longer than n when candidates tie at the cut. */
  readonly ids: readonly string[];
  /** The candidates tied at the cut (best first), all in `ids`; empty when the cut is clean. */
  readonly tied: readonly string[];
  /** How many of `tied` fit within n: as many as the facilitator keeps if they pick instead. */
  readonly seats: number;
}

/**
 * The top n candidates by dots, the most first; equal totals keep `order` (the candidates'
 * order). Only candidates `order` lists and that got at least one dot can go through: nobody
 * chose the others. When the n-th and the next have the same total, every candidate with that
 * total goes through (the list is longer than n), and they are named in `tied` so the facilitator
 * can pick `seats` of them instead. n is rounded down; under 1, the list is empty.
 */
export function shortlist(
  totals: Readonly<Record<string, number>>,
  n: number,
  order: readonly string[],
): Shortlist {
  const dots = (id: string) => (Object.hasOwn(totals, id) ? totals[id]! : 0);
  const ranked = [...new Set(order)].filter((id) => dots(id) > 0);
  ranked.sort((a, b) => dots(b) - dots(a));
  n = Math.floor(n);
  if (!(n >= 1)) return { ids: [], tied: [], seats: 0 };
  if (ranked.length <= n || dots(ranked[n]!) !== dots(ranked[n - 1]!)) {
    return { ids: ranked.slice(0, n), tied: [], seats: 0 };
  }
  const cut = dots(ranked[n - 1]!);
  const tied = ranked.filter((id) => dots(id) === cut);
  return {
    ids: ranked.filter((id) => dots(id) >= cut),
    tied,
    seats: n - ranked.filter((id) => dots(id) > cut).length,
  };
}

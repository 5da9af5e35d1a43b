/**
 * How a ranking ballot is read, once, before any method counts it. Every method (Borda, mean
 * rank, approval, first places, Kendall's W, support per sector) reads the same ballots, so they
 * can never disagree about what a voter said.
 *
 * Figures are kept doubled (`points2`, `ranks2`): an item a partial ballot leaves unranked gets
 * half-integer points and ranks, and doubling makes every sum an exact integer. They are halved
 * only when a number is handed out (halves are exact in floating point).
 */

/** One voter's order of the shortlist, best first, as the caller recorded it. */
export interface RankingBallot {
  /** Who cast it: a voter counts once (their last ballot in the list). */
  readonly voter: string;
  /** Item ids, best first; possibly partial (their top k). */
  readonly order: readonly string[];
  /** The voter's sector as recorded, or null when they gave none (counted in 'other'). */
  readonly group: string | null;
}

/** A ballot as every method counts it. */
export interface ReadBallot {
  readonly voter: string;
  readonly group: string | null;
  /** Indices into the items, best first: the explicitly ranked ones (k of them, k ≥ 1). */
  readonly ranked: readonly number[];
  /** Borda points ×2 per item index: 2(n−1−p) at 0-based place p, n−k−1 for each unranked. */
  readonly points2: readonly number[];
  /** Rank ×2 per item index: 2(p+1) at place p, n+k+1 (twice the mean of ranks k+1…n) unranked. */
  readonly ranks2: readonly number[];
}

/**
 * The shortlist without repeats (the first of each id kept), and the ballots as counted.
 *
 * - Ids that are not on the shortlist are skipped (a candidate removed after ballots were cast),
 *   and so is every repeat of an id after its first. What is left keeps its relative order and
 *   the places close up: [a, x, b] with x removed reads as [a, b].
 * - A ballot left with nothing is no ballot: it counts in no figure, not even in m.
 * - A ballot that ranks every item but one is complete: the one left takes the last place (it
 *   could go nowhere else), so it also counts as ranked for approval.
 * - A voter who appears twice counts once, with their last ballot (the last change wins, as on
 *   the phone); if that last one is empty, they have no ballot.
 * - Whose ballots are given is the caller's choice (a participant who left, for instance): every
 *   ballot given counts.
 */
export function readBallots(
  shortlist: readonly string[],
  ballots: readonly RankingBallot[],
): { items: string[]; ballots: ReadBallot[] } {
  const items = [...new Set(shortlist)];
  const n = items.length;
  const index = new Map(items.map((id, i) => [id, i]));
  const byVoter = new Map<string, ReadBallot>();
  for (const ballot of ballots) {
    const seen = new Set<number>();
    const ranked: number[] = [];
    for (const id of ballot.order) {
      const i = index.get(id);
      if (i === undefined || seen.has(i)) continue;
      seen.add(i);
      ranked.push(i);
    }
    if (ranked.length > 0 && ranked.length === n - 1) {
      ranked.push(items.findIndex((_, i) => !seen.has(i)));
    }
    byVoter.delete(ballot.voter);
    byVoter.set(ballot.voter, counted(ballot, ranked, n));
  }
  return { items, ballots: [...byVoter.values()].filter((b) => b.ranked.length > 0) };
}

function counted(ballot: RankingBallot, ranked: number[], n: number): ReadBallot {
  const k = ranked.length;
  const points2 = new Array<number>(n).fill(n - k - 1);
  const ranks2 = new Array<number>(n).fill(n + k + 1);
  ranked.forEach((i, p) => {
    points2[i] = 2 * (n - 1 - p);
    ranks2[i] = 2 * (p + 1);
  });
  return { voter: ballot.voter, group: ballot.group, ranked, points2, ranks2 };
}

/**
 * The ranking of a shortlist, as pure arithmetic: Borda count with a written tie-break, mean rank
 * and approval beside it, the room's agreement (Kendall's W) and support per sector group. Plain
 * inputs, plain results: the Décision commands decide whose ballots are given.
 */
import { readBallots, type ReadBallot, type RankingBallot } from './ballots';
import { sectorSupport, type SectorSupport } from './support';

export type { RankingBallot } from './ballots';
export type { GroupSupport, SectorSupport } from './support';
export { shortlist, tallyDots, type DotTally, type Shortlist } from './dots';

/** How many top places count as approving an item. */
export const APPROVAL_TOP = 3;

/**
 * The tie-break between items with the same Borda points, applied in this order:
 * 1. more first places (ballots that put the item first);
 * 2. more approvals (ballots that put it in their top 3);
 * 3. the shortlist's order (what the dot vote gave).
 * Not mean rank: with unranked items sharing the remaining places, an item's mean rank is exactly
 * n − Borda / m, so two items level on Borda are always level on mean rank too, and that step
 * could never decide anything.
 */
export const TIE_BREAKS = ['firstPlaces', 'approval', 'shortlistOrder'] as const;
export type TieBreakRule = (typeof TIE_BREAKS)[number];

/** Two neighbours of the Borda order with the same points, and the rule that put one first. */
export interface TieBreak {
  readonly above: string;
  readonly below: string;
  readonly rule: TieBreakRule;
}

/** One item's figures under every method. */
export interface ItemRanking {
  readonly id: string;
  /** Borda points (halves exact). */
  readonly borda: number;
  /** Ballots that put it first. */
  readonly firstPlaces: number;
  /** Its mean rank, 1 = first (unranked: the mean of the places left); null without a ballot. */
  readonly meanRank: number | null;
  /** Ballots that put it in their top 3 (explicitly, or last of a ballot complete but for it). */
  readonly approval: number;
  /** Its place in the Borda order, from 1. */
  readonly place: number;
  /** True when mean rank or approval cannot give it that place, ties counting as either place. */
  readonly methodsDisagree: boolean;
}

export interface Ranking {
  /** Ballots counted (m): one per voter, empty ones left out. */
  readonly ballots: number;
  /** The items in the Borda order, tie-breaks applied. */
  readonly items: readonly ItemRanking[];
  /** The same order, as ids. */
  readonly order: readonly string[];
  /** Every neighbouring pair of `order` that a tie-break decided, top first. */
  readonly tieBreaks: readonly TieBreak[];
  /** Mean rank's order, best first, items level on it together. */
  readonly meanRankOrder: readonly (readonly string[])[];
  /** Approval's order, most approved first, items level on it together. */
  readonly approvalOrder: readonly (readonly string[])[];
  /** Kendall's W (see `kendallW`), or null when there is not enough to measure. */
  readonly agreement: number | null;
  /** The agreement in a word, or null with W. */
  readonly agreementLevel: AgreementLevel | null;
  /** Borda points per sector group, k = 3 rule applied. */
  readonly support: SectorSupport;
}

/**
 * Aggregates ranking ballots over a shortlist (see `readBallots` for how a ballot is read).
 * Borda: with n items, a ballot gives n−1 points to its first choice, down to 0 for its last;
 * the items a partial ballot leaves unranked share the points of the places left equally (top 2
 * of 4: 3, 2, then 0.5 each). No ballot at all: every figure 0, mean ranks null, the shortlist's
 * order (each pair decided by it), W null, no sector figure.
 */
export function rankShortlist(
  shortlist: readonly string[],
  cast: readonly RankingBallot[],
): Ranking {
  const { items, ballots } = readBallots(shortlist, cast);
  const n = items.length;
  const m = ballots.length;
  const sum = (values: (b: ReadBallot) => readonly number[]) =>
    items.map((_, i) => ballots.reduce((acc, b) => acc + values(b)[i]!, 0));
  const points2 = sum((b) => b.points2);
  const ranks2 = sum((b) => b.ranks2);
  const firsts = items.map((_, i) => ballots.filter((b) => b.ranked[0] === i).length);
  const approvals = items.map(
    (_, i) => ballots.filter((b) => b.ranked.slice(0, APPROVAL_TOP).includes(i)).length,
  );

  const compare = (i: number, j: number) =>
    points2[j]! - points2[i]! || firsts[j]! - firsts[i]! || approvals[j]! - approvals[i]! || i - j;
  const sorted = items.map((_, i) => i).sort(compare);
  const tieBreaks: TieBreak[] = [];
  for (let p = 1; p < n; p++) {
    const [i, j] = [sorted[p - 1]!, sorted[p]!];
    if (points2[i] !== points2[j]) continue;
    const rule =
      firsts[i] !== firsts[j]
        ? 'firstPlaces'
        : approvals[i] !== approvals[j]
          ? 'approval'
          : 'shortlistOrder';
    tieBreaks.push({ above: items[i]!, below: items[j]!, rule });
  }

  const meanRankTiers = tiers(n, (i) => ranks2[i]!);
  const approvalTiers = tiers(n, (i) => -approvals[i]!);
  const itemsOut = sorted.map((i, p): ItemRanking => {
    const place = p + 1;
    const within = (tier: readonly number[][]) => {
      const spot = spanOf(tier, i);
      return place >= spot[0] && place <= spot[1];
    };
    return {
      id: items[i]!,
      borda: points2[i]! / 2,
      firstPlaces: firsts[i]!,
      meanRank: m === 0 ? null : ranks2[i]! / (2 * m),
      approval: approvals[i]!,
      place,
      methodsDisagree: !within(meanRankTiers) || !within(approvalTiers),
    };
  });
  const agreement = kendallW(n, ballots);
  return {
    ballots: m,
    items: itemsOut,
    order: itemsOut.map((item) => item.id),
    tieBreaks,
    meanRankOrder: meanRankTiers.map((tier) => tier.map((i) => items[i]!)),
    approvalOrder: approvalTiers.map((tier) => tier.map((i) => items[i]!)),
    agreement,
    agreementLevel: agreement === null ? null : agreementLevel(agreement),
    support: sectorSupport(items, ballots),
  };
}

/** Item indices grouped by equal key, lowest key first, each group in shortlist order. */
function tiers(n: number, key: (i: number) => number): number[][] {
  const out: number[][] = [];
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => key(i) - key(j) || i - j);
  for (const i of order) {
    const last = out.at(-1);
    if (last && key(last[0]!) === key(i)) last.push(i);
    else out.push([i]);
  }
  return out;
}

/** The places (from 1, first and last) the tier holding item i spans. */
function spanOf(tierList: readonly number[][], i: number): [number, number] {
  let start = 1;
  for (const tier of tierList) {
    if (tier.includes(i)) return [start, start + tier.length - 1];
    start += tier.length;
  }
  throw new Error(`item ${i} is in no tier`);
}

/**
 * Kendall's coefficient of concordance W, corrected for ties: 0 = the ballots cancel out,
 * 1 = every ballot gives the same order. A partial ballot ties its unranked items (they share
 * the mean of the ranks left), and each such ballot j adds T_j = Σ (t³ − t) over its groups of t
 * tied items. With R_i an item's rank sum and S = Σ (R_i − m(n+1)/2)²:
 *   W = 12·S / (m²(n³ − n) − m·Σ T_j).
 * Computed on doubled ranks (integers), so the only rounding is the final division.
 *
 * Null means "not enough to measure": fewer than two ballots (one person always agrees with
 * themselves: W would be 1 and say nothing about a room), fewer than two items (nothing to
 * order: 0/0), or a zero denominator (every ballot all ties; cannot happen once an empty ballot
 * counts as none, kept as a guard). With ties corrected, W stays within [0, 1].
 */
export function kendallW(n: number, ballots: readonly ReadBallot[]): number | null {
  const m = ballots.length;
  if (m < 2 || n < 2) return null;
  let ties = 0;
  for (const b of ballots) {
    const t = n - b.ranked.length;
    ties += t * t * t - t;
  }
  const denominator = m * m * (n * n * n - n) - m * ties;
  if (denominator <= 0) return null;
  // 12·S on doubled rank sums: 12 · Σ ((2R_i − m(n+1)) / 2)² = 3 · Σ (2R_i − m(n+1))².
  let deviations = 0;
  for (let i = 0; i < n; i++) {
    const d = ballots.reduce((acc, b) => acc + b.ranks2[i]!, 0) - m * (n + 1);
    deviations += d * d;
  }
  return (3 * deviations) / denominator;
}

/** How far the room agrees, in one word for the screens. */
export type AgreementLevel = 'none' | 'weak' | 'moderate' | 'strong';

/**
 * Kendall's W in a word: under 0.1 none, under 0.3 weak, under 0.5 moderate, from 0.5 strong.
 * Why these bands: for complete ballots the mean Spearman correlation between two people's
 * orders is (m·W − 1)/(m − 1), about W itself in a room of some size, so W reads like a
 * correlation, and 0.1 / 0.3 / 0.5 are the usual small / medium / large bands for one (Cohen).
 * A room ranking at random scores about 1/m on average, so a small room reads higher than it
 * agrees: screens show the number of ballots beside the word.
 */
export function agreementLevel(w: number): AgreementLevel {
  if (w < AGREEMENT_BELOW.none) return 'none';
  if (w < AGREEMENT_BELOW.weak) return 'weak';
  if (w < AGREEMENT_BELOW.moderate) return 'moderate';
  return 'strong';
}

/** The upper bound (exclusive) of W for each word but 'strong' (see agreementLevel). */
export const AGREEMENT_BELOW = { none: 0.1, weak: 0.3, moderate: 0.5 } as const;

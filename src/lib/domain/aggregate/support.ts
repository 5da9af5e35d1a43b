import { GROUP, MIN_GROUP } from '../aggregate';
import type { ReadBallot } from './ballots';

/** One shown group's Borda points, over the ballots of its voters (always MIN_GROUP or more). */
export interface GroupSupport {
  /** A sector id, or 'other' (small sectors and voters without a sector, merged). */
  readonly group: string;
  /** How many voters' ballots these points add up. */
  readonly voters: number;
  /** Item id → Borda points given by this group (halves exact). */
  readonly borda: Readonly<Record<string, number>>;
}

/** Who carries each item, by sector group, under the k = 3 rule. */
export interface SectorSupport {
  /** The shown groups, by group id with 'other' last; empty when withheld. */
  readonly groups: readonly GroupSupport[];
  /**
   * Some ballots count in no shown group, so no group figure is given at all: the totals are
   * shown, and the totals minus the shown groups would be exactly those few voters' points.
   */
  readonly withheld: boolean;
  /** Item id → the one group that carries it (see `sectorSupport`); items not carried are absent. */
  readonly carriedBy: Readonly<Record<string, string>>;
}

/**
 * Borda points per sector group, with the k = 3 rule: no figure ever describes fewer than
 * MIN_GROUP voters.
 *
 * - Groups are counted in voters who cast a (non-empty) ballot. A sector with fewer than three
 *   such voters is merged into 'other', and so are voters without a sector. If 'other' then
 *   still holds fewer than three, it is not shown, and then no group is shown (`withheld`): the
 *   totals count its ballots, and totals minus the shown groups would give its figure anyway.
 *   (Stricter than only hiding that group, for the same reason as K7's column counts.)
 * - An item is "carried by one group" when at least two groups are shown and one group gives it
 *   more than two thirds of the points it gets, counted per voter of each group: with μ_g the
 *   mean points a voter of group g gives it, 3·μ_g > 2·Σ μ. Per voter, so that a large sector
 *   does not carry everything only by being large. Compared exactly (no rounding at the edge).
 */
export function sectorSupport(
  items: readonly string[],
  ballots: readonly ReadBallot[],
): SectorSupport {
  const sizes = new Map<string, number>();
  for (const b of ballots) {
    const key = b.group ?? GROUP.other;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  const merged = (key: string) => key === GROUP.other || (sizes.get(key) ?? 0) < MIN_GROUP;
  let otherSize = 0;
  for (const [key, size] of sizes) if (merged(key)) otherSize += size;
  if (otherSize > 0 && otherSize < MIN_GROUP) return { groups: [], withheld: true, carriedBy: {} };

  const points2 = new Map<string, { voters: number; sums: number[] }>();
  for (const b of ballots) {
    const key = merged(b.group ?? GROUP.other) ? GROUP.other : b.group!;
    const entry = points2.get(key) ?? { voters: 0, sums: new Array<number>(items.length).fill(0) };
    entry.voters += 1;
    b.points2.forEach((p, i) => (entry.sums[i]! += p));
    points2.set(key, entry);
  }
  const keys = [...points2.keys()].sort((a, b) =>
    a === GROUP.other ? 1 : b === GROUP.other ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const groups = keys.map((group) => {
    const { voters, sums } = points2.get(group)!;
    return { group, voters, borda: Object.fromEntries(items.map((id, i) => [id, sums[i]! / 2])) };
  });
  const carriedBy: Record<string, string> = {};
  if (keys.length >= 2) {
    // μ_g scaled by the product of all group sizes: integers, so the 2/3 test is exact.
    const product = keys.reduce((acc, k) => acc * BigInt(points2.get(k)!.voters), 1n);
    items.forEach((id, i) => {
      const scaled = keys.map((k) => {
        const { voters, sums } = points2.get(k)!;
        return (BigInt(sums[i]!) * product) / BigInt(voters);
      });
      const total = scaled.reduce((a, b) => a + b, 0n);
      const top = scaled.findIndex((s) => 3n * s > 2n * total);
      if (top >= 0) carriedBy[id] = keys[top]!;
    });
  }
  return { groups, withheld: false, carriedBy };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agreementLevel,
  kendallW,
  rankShortlist,
  shortlist,
  tallyDots,
  TIE_BREAKS,
  type Ranking,
  type RankingBallot,
} from '../../src/lib/domain/index';
import { readBallots } from '../../src/lib/domain/aggregate/ballots';
import { catalogs } from '../../src/lib/i18n';

const ballot = (voter: string, order: string[], group: string | null = null): RankingBallot => ({
  voter,
  order,
  group,
});
/** Ballots v1, v2… in the order given, all without a sector. */
const ballots = (...orders: string[][]) => orders.map((order, i) => ballot(`v${i + 1}`, order));
const field = <K extends keyof Ranking['items'][number]>(r: Ranking, key: K) =>
  Object.fromEntries(r.items.map((item) => [item.id, item[key]]));

/**
 * The worked example (it goes into the README). Shortlist a, b, c, d (n = 4); five voters, the
 * fifth ranks only their top 2.
 *
 *   v1: b a c d   v2: a d c b   v3: c a b d   v4: b c a d   v5: a d (then b, c unranked)
 *
 * Borda (3, 2, 1, 0 points; v5 leaves b and c to share the points of places 3 and 4: (1+0)/2):
 *   a = 2 + 3 + 2 + 1 + 3   = 11
 *   b = 3 + 0 + 1 + 3 + 0.5 = 7.5
 *   c = 1 + 1 + 3 + 2 + 0.5 = 7.5
 *   d = 0 + 2 + 0 + 0 + 2   = 4          total 30 = m·n(n−1)/2 = 5·4·3/2
 * b and c are level: b has 2 first places (v1, v4), c has 1 (v3), so b comes first.
 * Order: a, b, c, d.
 *
 * Mean rank (v5's b and c share places 3 and 4: 3.5 each):
 *   a = (2+1+2+3+1)/5 = 9/5 = 1.8     b = (1+4+3+1+3.5)/5 = 12.5/5 = 2.5
 *   c = (3+3+1+2+3.5)/5 = 2.5         d = (4+2+4+4+2)/5 = 16/5 = 3.2
 *   (always n − Borda/m: 4 − 11/5 = 1.8.) Order a, {b, c}, d: agrees with Borda.
 *
 * Approval (in a ballot's top 3; v5 put only a and d there):
 *   a = 5, b = 3 (v1, v3, v4), c = 4 (v1, v2, v3, v4), d = 2 (v2, v5)
 *   Order a, c, b, d: b (2nd by Borda, 3rd here) and c (3rd, 2nd here) are marked.
 *
 * Kendall's W with the tie correction: rank sums R = 9, 12.5, 12.5, 16; their mean
 * m(n+1)/2 = 12.5; S = 3.5² + 0 + 0 + 3.5² = 24.5. v5 ties 2 items: T = 2³ − 2 = 6.
 *   W = 12·S / (m²(n³−n) − m·ΣT) = 294 / (25·60 − 5·6) = 294 / 1470 = 0.2  → weak
 *   (without the correction: 294 / 1500 = 0.196.)
 */
const EXAMPLE = ballots(
  ['b', 'a', 'c', 'd'],
  ['a', 'd', 'c', 'b'],
  ['c', 'a', 'b', 'd'],
  ['b', 'c', 'a', 'd'],
  ['a', 'd'],
);
const ABCD = ['a', 'b', 'c', 'd'];

describe('ranking: the worked example', () => {
  const r = rankShortlist(ABCD, EXAMPLE);

  it('[RK3] Borda points, a partial ballot sharing the points of the places it left', () => {
    expect(r.ballots).toBe(5);
    expect(field(r, 'borda')).toEqual({ a: 11, b: 7.5, c: 7.5, d: 4 });
    expect(r.order).toEqual(['a', 'b', 'c', 'd']);
    expect(r.items.map((i) => i.place)).toEqual([1, 2, 3, 4]);
  });

  it('[RK4] b and c are level on points, and more first places puts b above c', () => {
    expect(field(r, 'firstPlaces')).toEqual({ a: 2, b: 2, c: 1, d: 0 });
    expect(r.tieBreaks).toEqual([{ above: 'b', below: 'c', rule: 'firstPlaces' }]);
  });

  it('[RK5] mean rank, unranked items taking the mean of the places left', () => {
    expect(field(r, 'meanRank')).toEqual({ a: 1.8, b: 2.5, c: 2.5, d: 3.2 });
    expect(r.meanRankOrder).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('[RK6] [RK7] approval counts top-3 places, and the items it orders otherwise are marked', () => {
    expect(field(r, 'approval')).toEqual({ a: 5, b: 3, c: 4, d: 2 });
    expect(r.approvalOrder).toEqual([['a'], ['c'], ['b'], ['d']]);
    expect(field(r, 'methodsDisagree')).toEqual({ a: false, b: true, c: true, d: false });
  });

  it('[RK8] [RK11] Kendall’s W with the tie correction is 0.2: weak agreement', () => {
    expect(r.agreement).toBeCloseTo(0.2, 12);
    expect(r.agreementLevel).toBe('weak');
  });
});

describe('ranking: hand-computed cases', () => {
  it('[RK3] top 2 of 4: 3 and 2 points, the other two share (1 + 0) / 2 each', () => {
    const r = rankShortlist(ABCD, ballots(['a', 'b']));
    expect(field(r, 'borda')).toEqual({ a: 3, b: 2, c: 0.5, d: 0.5 });
    expect(field(r, 'meanRank')).toEqual({ a: 1, b: 2, c: 3.5, d: 3.5 });
  });

  it('[RK1] a ballot that ranks all but one item is complete: the last one takes the last place', () => {
    const r = rankShortlist(['a', 'b', 'c'], ballots(['c', 'a']));
    expect(field(r, 'borda')).toEqual({ a: 1, b: 0, c: 2 });
    expect(field(r, 'approval')).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('[RK1] a candidate removed after ballots were cast: the rest keep their order, places close up', () => {
    // x was removed; [x, a, y, b] reads as [a, b] over the four items left.
    const r = rankShortlist(ABCD, ballots(['x', 'a', 'y', 'b']));
    expect(field(r, 'borda')).toEqual({ a: 3, b: 2, c: 0.5, d: 0.5 });
    expect(field(r, 'firstPlaces')).toEqual({ a: 1, b: 0, c: 0, d: 0 });
    // [a, x, b] over a, b, c reads as [a, b], complete: c last.
    const three = rankShortlist(['a', 'b', 'c'], ballots(['a', 'x', 'b']));
    expect(field(three, 'borda')).toEqual({ a: 2, b: 1, c: 0 });
  });

  it('[RK1] repeats after the first are skipped; a ballot left with nothing is no ballot', () => {
    const r = rankShortlist(ABCD, ballots(['a', 'a', 'b', 'a'], [], ['x', 'y']));
    expect(r.ballots).toBe(1);
    expect(field(r, 'borda')).toEqual({ a: 3, b: 2, c: 0.5, d: 0.5 });
    // One item: an empty ballot is still no ballot (it is not "complete but one").
    expect(rankShortlist(['a'], ballots([])).ballots).toBe(0);
  });

  it('[RK2] a voter counts once, with the last ballot given; an empty last one withdraws them', () => {
    const twice = [ballot('v1', ['a', 'b', 'c']), ballot('v1', ['c', 'b', 'a'])];
    const r = rankShortlist(['a', 'b', 'c'], twice);
    expect(r.ballots).toBe(1);
    expect(field(r, 'borda')).toEqual({ a: 0, b: 1, c: 2 });
    const withdrawn = rankShortlist(['a', 'b', 'c'], [...twice, ballot('v1', [])]);
    expect(withdrawn.ballots).toBe(0);
  });

  it('[RK2] a participant who left counts when the caller gives their ballot, not otherwise', () => {
    const stayed = [ballot('p1', ['a', 'b']), ballot('p2', ['a', 'b'])];
    const left = ballot('gone', ['b', 'a']);
    expect(field(rankShortlist(['a', 'b'], [...stayed, left]), 'borda')).toEqual({ a: 2, b: 1 });
    expect(field(rankShortlist(['a', 'b'], stayed), 'borda')).toEqual({ a: 2, b: 0 });
  });

  it('[RK4] level on points and first places: more approvals decides, before the shortlist order', () => {
    // [a]: a 3, b c d (2+1+0)/3 = 1 each. [b, c, a, d]: b 3, c 2, a 1, d 0.
    // a = 4, b = 4; one first place each; a is in both top 3s, b only in the second's.
    const r = rankShortlist(['b', 'a', 'c', 'd'], ballots(['a'], ['b', 'c', 'a', 'd']));
    expect(field(r, 'borda')).toEqual({ a: 4, b: 4, c: 3, d: 1 });
    expect(field(r, 'approval')).toEqual({ a: 2, b: 1, c: 1, d: 0 });
    expect(r.order).toEqual(['a', 'b', 'c', 'd']);
    expect(r.tieBreaks).toEqual([{ above: 'a', below: 'b', rule: 'approval' }]);
  });

  it('[RK6] an item a partial ballot leaves unranked is not approved by it, even with places left in the top 3', () => {
    const r = rankShortlist(['a', 'b', 'c', 'd', 'e'], ballots(['a']));
    expect(field(r, 'approval')).toEqual({ a: 1, b: 0, c: 0, d: 0, e: 0 });
  });

  it('[RK8] complete ballots, no ties: 3 voters × 3 items', () => {
    // Ranks a: 1+1+2 = 4, b: 2+3+1 = 6, c: 3+2+3 = 8; mean 6; S = 4 + 0 + 4 = 8.
    // W = 12·8 / (9·(27 − 3)) = 96 / 216 = 4/9.
    const r = rankShortlist(
      ['a', 'b', 'c'],
      ballots(['a', 'b', 'c'], ['a', 'c', 'b'], ['b', 'a', 'c']),
    );
    expect(r.agreement).toBeCloseTo(4 / 9, 12);
    expect(r.agreementLevel).toBe('moderate');
  });

  it('[RK8] the tie correction: two identical partial ballots agree fully (1), uncorrected they would not', () => {
    // Both [a] of a, b, c: ranks a 1, b 2.5, c 2.5. R = 2, 5, 5; mean 4; S = 4 + 1 + 1 = 6.
    // T = 2³ − 2 = 6 per ballot. W = 72 / (4·24 − 2·12) = 72 / 72 = 1 (uncorrected 72/96).
    const { items, ballots: read } = readBallots(['a', 'b', 'c'], ballots(['a'], ['a']));
    expect(kendallW(items.length, read)).toBe(1);
  });

  it('[RK9] W is null with fewer than two ballots or fewer than two items', () => {
    expect(rankShortlist(ABCD, []).agreement).toBeNull();
    expect(rankShortlist(ABCD, ballots(['a', 'b'])).agreement).toBeNull();
    expect(rankShortlist(['a'], ballots(['a'], ['a'], ['a'])).agreement).toBeNull();
    expect(rankShortlist(['a'], ballots(['a'], ['a'])).agreementLevel).toBeNull();
    expect(rankShortlist(['a', 'b'], ballots(['a'], ['b'])).agreement).toBe(0);
  });

  it('[RK9] a zero denominator is null, not a division by zero', () => {
    // Unreachable through readBallots (an empty ballot is none); given directly, all ties.
    const tied = { voter: 'v', group: null, ranked: [], points2: [0, 0], ranks2: [3, 3] };
    expect(kendallW(2, [tied, { ...tied, voter: 'w' }])).toBeNull();
  });

  it('[RK11] agreement levels: under 0.1 none, under 0.3 weak, under 0.5 moderate, then strong', () => {
    const cases: [number, string][] = [
      [0, 'none'],
      [0.0999, 'none'],
      [0.1, 'weak'],
      [0.2999, 'weak'],
      [0.3, 'moderate'],
      [0.4999, 'moderate'],
      [0.5, 'strong'],
      [1, 'strong'],
    ];
    for (const [w, level] of cases) expect(agreementLevel(w), String(w)).toBe(level);
  });
});

describe('ranking: edge cases', () => {
  it('[RK13] no ballot: zeros, no mean rank, the shortlist’s order, no W, no sector figure', () => {
    const r = rankShortlist(['c', 'a', 'b'], []);
    expect(r.ballots).toBe(0);
    expect(r.order).toEqual(['c', 'a', 'b']);
    expect(field(r, 'borda')).toEqual({ a: 0, b: 0, c: 0 });
    expect(field(r, 'meanRank')).toEqual({ a: null, b: null, c: null });
    expect(r.tieBreaks.map((t) => t.rule)).toEqual(['shortlistOrder', 'shortlistOrder']);
    expect(r.agreement).toBeNull();
    expect(r.support.groups).toEqual([]);
    expect(Object.values(field(r, 'methodsDisagree'))).not.toContain(true);
  });

  it('[RK13] an empty shortlist gives an empty result', () => {
    const r = rankShortlist([], ballots(['a']));
    expect(r).toMatchObject({ ballots: 0, order: [], items: [], agreement: null });
  });

  it('[RK14] one voter: their order, their points, no W, no sector figure (one person)', () => {
    const r = rankShortlist(['a', 'b', 'c'], [ballot('v1', ['b', 'c', 'a'], 'clinic')]);
    expect(r.order).toEqual(['b', 'c', 'a']);
    expect(field(r, 'borda')).toEqual({ a: 0, b: 2, c: 1 });
    expect(r.agreement).toBeNull();
    expect(r.support).toEqual({ groups: [], withheld: true, carriedBy: {} });
  });

  it('[RK14] identical ballots: that order, W = 1, strong agreement, no method disagrees', () => {
    const r = rankShortlist(
      ABCD,
      ballots(['d', 'b', 'a', 'c'], ['d', 'b', 'a', 'c'], ['d', 'b', 'a', 'c']),
    );
    expect(r.order).toEqual(['d', 'b', 'a', 'c']);
    expect(r.agreement).toBe(1);
    expect(r.agreementLevel).toBe('strong');
    expect(r.tieBreaks).toEqual([]);
    expect(Object.values(field(r, 'methodsDisagree'))).not.toContain(true);
  });

  it('[RK10] [RK14] every item tied: the shortlist’s order, each pair said so, W = 0', () => {
    const r = rankShortlist(
      ['b', 'c', 'a'],
      ballots(['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b']),
    );
    expect(field(r, 'borda')).toEqual({ a: 3, b: 3, c: 3 });
    expect(r.order).toEqual(['b', 'c', 'a']);
    expect(r.tieBreaks).toEqual([
      { above: 'b', below: 'c', rule: 'shortlistOrder' },
      { above: 'c', below: 'a', rule: 'shortlistOrder' },
    ]);
    expect(r.agreement).toBe(0);
    expect(r.agreementLevel).toBe('none');
  });
});

describe('ranking: support per sector group (k = 3)', () => {
  const groupOf = (r: Ranking) =>
    Object.fromEntries(r.support.groups.map((g) => [g.group, { voters: g.voters, ...g.borda }]));

  it('[RK15] sectors under three voters and voters without a sector are merged into other', () => {
    const cast = [
      ballot('c1', ['a', 'b'], 'clinic'),
      ballot('c2', ['a', 'b'], 'clinic'),
      ballot('c3', ['b', 'a'], 'clinic'),
      ballot('o1', ['b', 'a'], 'community'),
      ballot('o2', ['b', 'a'], 'community'),
      ballot('n1', ['a', 'b'], null),
    ];
    const r = rankShortlist(['a', 'b'], cast);
    expect(r.support.withheld).toBe(false);
    expect(groupOf(r)).toEqual({
      clinic: { voters: 3, a: 2, b: 1 },
      other: { voters: 3, a: 1, b: 2 },
    });
    expect(r.support.groups.map((g) => g.group)).toEqual(['clinic', 'other']);
  });

  it('[RK15] voters without a sector count in other, however many they are', () => {
    const cast = [
      ...['c1', 'c2', 'c3'].map((v) => ballot(v, ['a', 'b'], 'clinic')),
      ...['n1', 'n2', 'n3'].map((v) => ballot(v, ['b', 'a'], null)),
      ballot('p1', ['b', 'a'], 'patient'),
    ];
    expect(groupOf(rankShortlist(['a', 'b'], cast))).toEqual({
      clinic: { voters: 3, a: 3, b: 0 },
      other: { voters: 4, a: 0, b: 4 },
    });
  });

  it('[RK15] small sectors that make three together are shown as other, alone', () => {
    const cast = ['x', 'y', 'z'].map((s, i) => ballot(`v${i}`, ['a', 'b'], s));
    const r = rankShortlist(['a', 'b'], cast);
    expect(groupOf(r)).toEqual({ other: { voters: 3, a: 3, b: 0 } });
    expect(r.support.carriedBy).toEqual({});
  });

  it('[RK16] an other still under three: no group figure at all, while the totals count its ballots', () => {
    const cast = [
      ...['c1', 'c2', 'c3'].map((v) => ballot(v, ['a', 'b'], 'clinic')),
      ...['p1', 'p2', 'p3'].map((v) => ballot(v, ['a', 'b'], 'public')),
      ballot('lone', ['b', 'a'], 'patient'),
    ];
    const r = rankShortlist(['a', 'b'], cast);
    expect(r.support).toEqual({ groups: [], withheld: true, carriedBy: {} });
    expect(field(r, 'borda')).toEqual({ a: 6, b: 1 });
    expect(r.ballots).toBe(7);
  });

  it('[RK16] an empty ballot makes nobody a voter of their group', () => {
    const cast = [
      ...['c1', 'c2', 'c3'].map((v) => ballot(v, ['a', 'b'], 'clinic')),
      ballot('p1', ['b', 'a'], 'patient'),
      ballot('p2', [], 'patient'),
      ballot('p3', ['x'], 'patient'),
    ];
    expect(rankShortlist(['a', 'b'], cast).support.withheld).toBe(true);
  });

  it('[RK17] carried by one group: more than 2/3 of the points per voter, with two groups shown', () => {
    // clinic ×3: a b c (a 2, b 1, c 0 each); community ×3: c b a.
    // a: μ clinic 2, community 0 → 2 > 2/3 of 2: carried by clinic; c likewise by community;
    // b: 1 and 1, carried by nobody.
    const cast = [
      ...['c1', 'c2', 'c3'].map((v) => ballot(v, ['a', 'b', 'c'], 'clinic')),
      ...['o1', 'o2', 'o3'].map((v) => ballot(v, ['c', 'b', 'a'], 'community')),
    ];
    const r = rankShortlist(['a', 'b', 'c'], cast);
    expect(r.support.carriedBy).toEqual({ a: 'clinic', c: 'community' });
  });

  it('[RK17] counted per voter, and exactly two thirds is not more than two thirds', () => {
    // clinic ×6: a b c (a: 12 points, 2 a voter); community ×3: b a c (a: 3 points, 1 a voter).
    // Raw, clinic gives 12/15 = 80% of a's points; per voter 2 / (2 + 1) = 2/3 exactly: not carried.
    const cast = [
      ...[1, 2, 3, 4, 5, 6].map((i) => ballot(`c${i}`, ['a', 'b', 'c'], 'clinic')),
      ...[1, 2, 3].map((i) => ballot(`o${i}`, ['b', 'a', 'c'], 'community')),
    ];
    const r = rankShortlist(['a', 'b', 'c'], cast);
    expect(groupOf(r)).toEqual({
      clinic: { voters: 6, a: 12, b: 6, c: 0 },
      community: { voters: 3, a: 3, b: 6, c: 0 },
    });
    expect(r.support.carriedBy).toEqual({});
  });
});

describe('dot vote', () => {
  it('[RK18] totals per candidate and turnout; dots on a removed candidate and bad counts count for nothing', () => {
    const tally = tallyDots(['a', 'b', 'c', 'constructor'], {
      v1: { a: 2, b: 1 },
      v2: { c: 3 },
      v3: { x: 2 },
      v4: {},
      v5: { a: 0, b: -1, c: 1.5 },
      v6: { a: Number.NaN },
    });
    expect(tally).toEqual({ totals: { a: 2, b: 1, c: 3, constructor: 0 }, turnout: 2 });
  });

  it('[RK18] [RK19] only a ballot’s or a tally’s own entries count, not inherited ones', () => {
    const inherited = Object.create({ a: 5 }) as Record<string, number>;
    expect(tallyDots(['a'], { v1: inherited })).toEqual({ totals: { a: 0 }, turnout: 0 });
    const totals = Object.assign(Object.create({ d: 9 }) as Record<string, number>, { a: 1 });
    expect(shortlist(totals, 2, ['a', 'd']).ids).toEqual(['a']);
  });

  it('[RK19] the top n by dots, equal totals in the candidates’ order, no candidate without a dot', () => {
    const totals = { a: 1, b: 5, c: 3, d: 2, e: 0 };
    const order = ['a', 'b', 'c', 'd', 'e'];
    expect(shortlist(totals, 2, order)).toEqual({ ids: ['b', 'c'], tied: [], seats: 0 });
    expect(shortlist(totals, 9, order).ids).toEqual(['b', 'c', 'd', 'a']);
    expect(shortlist(totals, 0, order).ids).toEqual([]);
    expect(shortlist({ a: 2, b: 2, c: 2 }, 3, ['c', 'a', 'b']).ids).toEqual(['c', 'a', 'b']);
    expect(shortlist({}, 3, order).ids).toEqual([]);
  });

  it('[RK20] ties at the cut: every tied candidate goes through, named with the seats left for them', () => {
    const totals = { a: 5, b: 3, c: 3, d: 1 };
    expect(shortlist(totals, 2, ['a', 'b', 'c', 'd'])).toEqual({
      ids: ['a', 'b', 'c'],
      tied: ['b', 'c'],
      seats: 1,
    });
    expect(shortlist(totals, 3, ['a', 'b', 'c', 'd'])).toEqual({
      ids: ['a', 'b', 'c'],
      tied: [],
      seats: 0,
    });
    expect(shortlist({ a: 3, b: 3, c: 3, d: 1 }, 2, ['a', 'b', 'c', 'd'])).toEqual({
      ids: ['a', 'b', 'c'],
      tied: ['a', 'b', 'c'],
      seats: 2,
    });
  });
});

// ---- properties ----

const POOL = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const GROUPS = ['clinic', 'community', 'public', 'patient', null];

/** A shortlist of 1–7 items and up to 14 ballots, partial or complete, some with stale ids. */
const arbitraryVote = (complete: boolean) =>
  fc
    .shuffledSubarray(POOL, { minLength: 1 })
    .chain((items) =>
      fc.tuple(
        fc.constant(items),
        fc.array(
          fc.record({
            order: complete
              ? fc.shuffledSubarray(items, { minLength: items.length })
              : fc.shuffledSubarray([...items, 'gone'], { minLength: 1 }),
            group: fc.constantFrom(...GROUPS),
          }),
          { maxLength: 14 },
        ),
      ),
    )
    .map(([items, cast]) => ({
      items,
      cast: cast.map((b, i): RankingBallot => ({ voter: `v${i}`, ...b })),
    }));

const totalPoints = (r: Ranking) => r.items.reduce((acc, item) => acc + item.borda, 0);

describe('ranking: properties', () => {
  it('[RK3] every counted ballot, complete or partial, gives n(n−1)/2 points: m·n(n−1)/2 in all', () => {
    for (const complete of [true, false]) {
      fc.assert(
        fc.property(arbitraryVote(complete), ({ items, cast }) => {
          const r = rankShortlist(items, cast);
          const n = items.length;
          expect(totalPoints(r)).toBe((r.ballots * n * (n - 1)) / 2);
        }),
      );
    }
  });

  it('[RK5] mean rank is n − Borda / m', () => {
    fc.assert(
      fc.property(arbitraryVote(false), ({ items, cast }) => {
        const r = rankShortlist(items, cast);
        for (const item of r.items) {
          if (r.ballots === 0) expect(item.meanRank).toBeNull();
          else expect(item.meanRank).toBeCloseTo(items.length - item.borda / r.ballots, 9);
        }
      }),
    );
  });

  it('[RK10] W lies within [0, 1]', () => {
    fc.assert(
      fc.property(arbitraryVote(false), ({ items, cast }) => {
        const { agreement } = rankShortlist(items, cast);
        if (agreement !== null) {
          expect(agreement).toBeGreaterThanOrEqual(0);
          expect(agreement).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('[RK10] identical ballots, complete or the same partial one, give W = 1', () => {
    fc.assert(
      fc.property(
        fc
          .shuffledSubarray(POOL, { minLength: 2 })
          .chain((items) =>
            fc.tuple(
              fc.constant(items),
              fc.shuffledSubarray(items, { minLength: 1 }),
              fc.integer({ min: 2, max: 9 }),
            ),
          ),
        ([items, order, m]) => {
          const cast = Array.from({ length: m }, (_, i) => ballot(`v${i}`, order));
          expect(rankShortlist(items, cast).agreement).toBeCloseTo(1, 12);
        },
      ),
    );
  });

  it('[RK12] relabelling the items relabels the result and changes nothing else', () => {
    fc.assert(
      fc.property(
        arbitraryVote(false),
        fc.shuffledSubarray(POOL, { minLength: POOL.length }),
        ({ items, cast }, labels) => {
          // Each item takes another pool letter, primed: alphabetical order is not kept.
          const rename = (id: string) => (POOL.includes(id) ? `${labels[POOL.indexOf(id)]!}′` : id);
          const renamedCast = cast.map((b) => ({ ...b, order: b.order.map(rename) }));
          const after = rankShortlist(items.map(rename), renamedCast);
          expect(after).toEqual(relabelled(rankShortlist(items, cast), rename));
        },
      ),
    );
  });

  it('[RK12] reordering the shortlist changes only what the shortlist-order tie-break decided', () => {
    fc.assert(
      fc.property(
        arbitraryVote(false).chain((vote) =>
          fc.tuple(
            fc.constant(vote),
            fc.shuffledSubarray(vote.items, { minLength: vote.items.length }),
          ),
        ),
        ([{ items, cast }, reordered]) => {
          const before = rankShortlist(items, cast);
          const after = rankShortlist(reordered, cast);
          const scores = (r: Ranking) =>
            Object.fromEntries(
              r.items.map((i) => [i.id, [i.borda, i.firstPlaces, i.approval, i.meanRank]]),
            );
          expect(scores(after)).toEqual(scores(before));
          expect(after.agreement).toEqual(before.agreement);
          expect(after.support.withheld).toEqual(before.support.withheld);
          expect(after.support.carriedBy).toEqual(before.support.carriedBy);
          const key = (r: Ranking, id: string) => JSON.stringify(scores(r)[id]!.slice(0, 3));
          for (let p = 0; p < before.order.length; p++) {
            for (let q = p + 1; q < before.order.length; q++) {
              const [x, y] = [before.order[p]!, before.order[q]!];
              if (after.order.indexOf(x) > after.order.indexOf(y)) {
                expect(key(before, x)).toBe(key(before, y));
              }
            }
          }
        },
      ),
    );
  });

  it('[RK16] a group figure never describes fewer than three voters, and the shown groups add up to the totals', () => {
    fc.assert(
      fc.property(arbitraryVote(false), ({ items, cast }) => {
        const r = rankShortlist(items, cast);
        const { groups, withheld } = r.support;
        for (const g of groups) expect(g.voters).toBeGreaterThanOrEqual(3);
        if (withheld) {
          expect(groups).toEqual([]);
          return;
        }
        expect(groups.reduce((acc, g) => acc + g.voters, 0)).toBe(r.ballots);
        for (const item of r.items) {
          expect(groups.reduce((acc, g) => acc + g.borda[item.id]!, 0)).toBe(item.borda);
        }
      }),
    );
  });
});

/** A ranking with every item id passed through `rename`. */
function relabelled(r: Ranking, rename: (id: string) => string): Ranking {
  const keys = <T>(record: Readonly<Record<string, T>>) =>
    Object.fromEntries(Object.entries(record).map(([id, v]) => [rename(id), v]));
  return {
    ...r,
    items: r.items.map((item) => ({ ...item, id: rename(item.id) })),
    order: r.order.map(rename),
    tieBreaks: r.tieBreaks.map((t) => ({ ...t, above: rename(t.above), below: rename(t.below) })),
    meanRankOrder: r.meanRankOrder.map((tier) => tier.map(rename)),
    approvalOrder: r.approvalOrder.map((tier) => tier.map(rename)),
    support: {
      ...r.support,
      groups: r.support.groups.map((g) => ({ ...g, borda: keys(g.borda) })),
      carriedBy: keys(r.support.carriedBy),
    },
  };
}

describe('ranking: words for the screens', () => {
  it('[RK4] [RK11] every agreement level and tie-break rule has its words in French and English', () => {
    const levels = [0, 0.2, 0.4, 0.9].map(agreementLevel);
    expect(new Set(levels).size).toBe(4);
    for (const lang of ['fr', 'en'] as const) {
      const catalog: Record<string, unknown> = catalogs[lang];
      for (const level of [...levels, 'unmeasured']) {
        expect(catalog[`ranking.agreement.${level}`], `${lang} ${level}`).toBeTruthy();
      }
      for (const rule of TIE_BREAKS) {
        expect(catalog[`ranking.tieBreak.${rule}`], `${lang} ${rule}`).toBeTruthy();
      }
    }
  });
});

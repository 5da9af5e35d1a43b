import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../../server/rateLimit';

describe('token buckets', () => {
  it('[X35] spend, refill with time, give back; never above capacity', () => {
    let clock = 0;
    const buckets = new TokenBuckets(3, 1, () => clock);
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
    expect(buckets.retryAfter('a')).toBe(1);
    buckets.refund('a');
    expect(buckets.take('a')).toBe(true);
    clock += 2500;
    expect(buckets.allows('a')).toBe(true);
    clock += 60_000;
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
  });

  it('[X35] buckets full by now are forgotten (even untouched since), those still drawn on are kept', () => {
    let clock = 0;
    const buckets = new TokenBuckets(1, 1, () => clock);
    // drained long ago: full again by now, although nobody has touched them since
    for (let i = 0; i < 15_000; i++) buckets.take(`old-${i}`);
    clock += 10_000;
    // drawn on now, across the sweeps that adding keys sets off
    const drawn = Array.from({ length: 20_000 }, (_, i) => `new-${i}`);
    for (const key of drawn) buckets.take(key);
    expect(buckets.size).toBeLessThan(35_000);
    expect(drawn.filter((key) => buckets.allows(key))).toEqual([]);
  });
});

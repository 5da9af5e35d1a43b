import { describe, expect, it } from 'vitest';
import { TicketBook } from '../../../server/tickets';

describe('replica tickets', () => {
  it('[X34] a grant looks only at the expired tickets it drops, plus one: N grants cost O(N)', () => {
    let clock = 0;
    const book = new TicketBook(60_000, () => clock);
    const grants = 20_000;
    // a busy server: 20 grants a second, so about 1,200 tickets are alive at any time
    for (let i = 0; i < grants; i++) {
      book.grant('w', 'public');
      clock += 50;
    }
    // each ticket is dropped once, and each grant looks at one live ticket before it stops
    expect(book.visits).toBeLessThanOrEqual(2 * grants);
    expect(book.size).toBeLessThanOrEqual(60_000 / 50 + 1);
  });

  it('[X34] expired tickets are refused and dropped; live ones still work', () => {
    let clock = 0;
    const book = new TicketBook(1000, () => clock);
    const old = book.grant('w', 'public');
    clock = 500;
    const fresh = book.grant('w', 'facilitator');
    expect(book.check(old, 'w', 'public')).toBe(true);
    clock = 1000;
    expect(book.check(old, 'w', 'public')).toBe(false);
    expect(book.check(fresh, 'w', 'facilitator')).toBe(true);
    expect(book.check(fresh, 'w', 'public')).toBe(false);
    book.grant('w', 'public');
    expect(book.size).toBe(2);
    book.revoke('w', 'facilitator');
    expect(book.check(fresh, 'w', 'facilitator')).toBe(false);
  });
});

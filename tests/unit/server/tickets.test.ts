import { describe, expect, it } from 'vitest';
import { TicketBook } from '../../../server/access/tickets';

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

describe('revoking replica tickets', () => {
  it('[X38] a revocation looks at the tickets it withdraws, not at the whole book', () => {
    let clock = 0;
    const book = new TicketBook(60_000, () => clock);
    // Someone filled the book with hellos for another workshop's public room.
    for (let i = 0; i < 50_000; i++) book.grant('crowded', 'public');
    const mine = book.grant('w', 'me-ana');
    const hers = book.grant('w', 'me-bea');
    const room = book.grant('w', 'public');
    const before = book.visits;
    for (let i = 0; i < 100; i++) book.revoke('w', 'me-ana');
    expect(book.visits - before).toBeLessThanOrEqual(1);
    expect(book.check(mine, 'w', 'me-ana')).toBe(false);
    expect(book.check(hers, 'w', 'me-bea')).toBe(true);
    expect(book.check(room, 'w', 'public')).toBe(true);
    // A whole workshop at once: its two tickets, none of the crowd.
    book.revoke('w', '');
    expect(book.visits - before).toBeLessThanOrEqual(3);
    expect(book.check(hers, 'w', 'me-bea')).toBe(false);
    expect(book.check(room, 'w', 'public')).toBe(false);
    expect(book.size).toBe(50_000);
    // Once they have all expired, nothing of them stays behind.
    clock = 60_000;
    const last = book.grant('w', 'facilitator');
    expect(book.size).toBe(1);
    expect(book.workshops).toBe(1);
    expect(book.check(last, 'w', 'facilitator')).toBe(true);
  });
});

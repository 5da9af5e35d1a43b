import type { AudienceKey } from '../src/lib/protocol/replica';
import { randomSecret } from './crypto';

interface Ticket {
  workshopId: string;
  audience: AudienceKey;
  expires: number;
}

/**
 * Short-lived tickets that let a WebSocket read one replica. A client gets them over socket.io,
 * where it has authenticated, so no lasting secret ever appears in a URL.
 */
export class TicketBook {
  /** In insertion order, which is also expiry order: every ticket lives `ttlMs`. */
  readonly #tickets = new Map<string, Ticket>();
  #visits = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  grant(workshopId: string, audience: AudienceKey): string {
    this.#dropExpired();
    const ticket = randomSecret(18);
    this.#tickets.set(ticket, { workshopId, audience, expires: this.now() + this.ttlMs });
    return ticket;
  }

  /** True when the ticket is valid now for this workshop and audience. */
  check(ticket: string, workshopId: string, audience: AudienceKey): boolean {
    const found = this.#tickets.get(ticket);
    if (!found || found.expires <= this.now()) return false;
    return found.workshopId === workshopId && found.audience === audience;
  }

  /** Withdraw every ticket of a workshop whose audience starts with `prefix`. */
  revoke(workshopId: string, prefix: string): void {
    for (const [key, t] of this.#tickets) {
      if (t.workshopId === workshopId && t.audience.startsWith(prefix)) this.#tickets.delete(key);
    }
  }

  /** How many tickets are held now (expired ones included until the next grant). */
  get size(): number {
    return this.#tickets.size;
  }

  /** How many tickets grants have looked at so far, to drop the expired ones (tests). */
  get visits(): number {
    return this.#visits;
  }

  /**
   * Drop expired tickets from the front only: they all expire in the order they were granted,
   * so a grant looks at the ones it drops and one more, never at the whole book.
   */
  #dropExpired(): void {
    const now = this.now();
    for (const [key, t] of this.#tickets) {
      this.#visits++;
      if (t.expires > now) return;
      this.#tickets.delete(key);
    }
  }
}

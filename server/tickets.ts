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
  readonly #tickets = new Map<string, Ticket>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  grant(workshopId: string, audience: AudienceKey): string {
    this.#sweep();
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

  #sweep(): void {
    const now = this.now();
    for (const [key, t] of this.#tickets) if (t.expires <= now) this.#tickets.delete(key);
  }
}

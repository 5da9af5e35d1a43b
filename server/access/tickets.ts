import type { AudienceKey } from '../../src/lib/protocol/replica';

/**
 * What a ticket lets its holder read (an audience's replica) or write: `vision.f` (the
 * facilitator), `vision.c.<linkId>` (a co-facilitator), `vision.p.<participantId>` in the vision
 * room, so that one writer's rights can be withdrawn without the others'.
 */
export type TicketKey = AudienceKey | `vision.${string}`;
import { randomSecret } from '../crypto';

interface Ticket {
  workshopId: string;
  audience: TicketKey;
  expires: number;
}

/**
 * Short-lived tickets that let a WebSocket read one replica. A client gets them over socket.io,
 * where it has authenticated, so no lasting secret ever appears in a URL.
 */
export class TicketBook {
  /** In insertion order, which is also expiry order: every ticket lives `ttlMs`. */
  readonly #tickets = new Map<string, Ticket>();
  /**
   * The same tickets by workshop and audience, so that a revocation looks only at the tickets
   * it withdraws, never at the whole book (which anyone can fill with hellos for a minute).
   */
  readonly #byAudience = new Map<string, Map<TicketKey, Set<string>>>();
  #visits = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  grant(workshopId: string, audience: TicketKey): string {
    this.#dropExpired();
    const ticket = randomSecret(18);
    this.#tickets.set(ticket, { workshopId, audience, expires: this.now() + this.ttlMs });
    let audiences = this.#byAudience.get(workshopId);
    if (!audiences) this.#byAudience.set(workshopId, (audiences = new Map()));
    let held = audiences.get(audience);
    if (!held) audiences.set(audience, (held = new Set()));
    held.add(ticket);
    return ticket;
  }

  /** True when the ticket is valid now for this workshop and audience. */
  check(ticket: string, workshopId: string, audience: TicketKey): boolean {
    const found = this.#tickets.get(ticket);
    if (!found || found.expires <= this.now()) return false;
    return found.workshopId === workshopId && found.audience === audience;
  }

  /** What a ticket valid now for this workshop was granted for, or null. */
  holder(ticket: string, workshopId: string): TicketKey | null {
    const found = this.#tickets.get(ticket);
    if (!found || found.expires <= this.now() || found.workshopId !== workshopId) return null;
    return found.audience;
  }

  /**
   * Withdraw every ticket of a workshop whose audience starts with `prefix`: it looks at the
   * workshop's audiences (one per participant at most) and at the tickets it withdraws.
   */
  revoke(workshopId: string, prefix: string): void {
    const audiences = this.#byAudience.get(workshopId);
    if (!audiences) return;
    for (const [audience, held] of audiences) {
      if (!audience.startsWith(prefix)) continue;
      for (const ticket of held) {
        this.#visits++;
        this.#tickets.delete(ticket);
      }
      audiences.delete(audience);
    }
    if (audiences.size === 0) this.#byAudience.delete(workshopId);
  }

  /** How many tickets are held now (expired ones included until the next grant). */
  get size(): number {
    return this.#tickets.size;
  }

  /** How many workshops have tickets held now (tests: the index keeps nothing stale). */
  get workshops(): number {
    return this.#byAudience.size;
  }

  /** How many tickets grants and revocations have looked at so far (tests). */
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
      const audiences = this.#byAudience.get(t.workshopId);
      const held = audiences?.get(t.audience);
      held?.delete(key);
      if (held?.size === 0) audiences!.delete(t.audience);
      if (audiences?.size === 0) this.#byAudience.delete(t.workshopId);
    }
  }
}

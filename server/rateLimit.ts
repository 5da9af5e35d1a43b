/**
 * Token buckets by key: each key may spend `capacity` at once and earns `perSecond` back. Used
 * for commands per connection, workshop creation and failed join attempts.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  #level(key: string): { tokens: number; at: number } {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 50_000) this.#sweep();
    return bucket;
  }

  /** Spend one token; false when the key has none left. */
  take(key: string): boolean {
    const bucket = this.#level(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Whether the key could spend a token now, without spending it. */
  allows(key: string): boolean {
    return this.#level(key).tokens >= 1;
  }

  /** Seconds until the key may spend again (0 when it may now). */
  retryAfter(key: string): number {
    const bucket = this.#level(key);
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.perSecond);
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }

  /** Drop full buckets: they hold no information. */
  #sweep(): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens >= this.capacity) this.#buckets.delete(key);
    }
  }
}

export interface RateLimit {
  capacity: number;
  perSecond: number;
}
export type LimitName =
  'commands' | 'creations' | 'failuresPerAddress' | 'failuresPerDevice' | 'failuresPerWorkshop';

/** The limits cocrea applies, in one place (the README lists them with their reasons). */
export const RATE_LIMITS: Record<LimitName, RateLimit> = {
  /** Commands per connection: a burst of 20, then 10 a second. */
  commands: { capacity: 20, perSecond: 10 },
  /** Workshop creations per client address: 5, then one every 2 minutes. */
  creations: { capacity: 5, perSecond: 1 / 120 },
  /** Failed join or rejoin attempts per address: 30, then one every 2 s (a venue shares one). */
  failuresPerAddress: { capacity: 30, perSecond: 0.5 },
  /** Failed attempts per device (address + device token): 5, then one every 10 s. */
  failuresPerDevice: { capacity: 5, perSecond: 0.1 },
  /** Failed rejoin codes per workshop, from anywhere: 10, then one every 6 s. */
  failuresPerWorkshop: { capacity: 10, perSecond: 1 / 6 },
};

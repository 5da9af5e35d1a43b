/**
 * Token buckets by key: each key may spend `capacity` at once and earns `perSecond` back. Used
 * for commands and hellos per asker, workshop creations and joins per address, and failed join
 * attempts. Keys are who is asking, never a connection: reconnecting refills nothing.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  /** Sweep when the map grows past this; it doubles with what the last sweep kept. */
  #sweepAt = MIN_SWEEP_AT;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  #refilled(bucket: { tokens: number; at: number }, now: number): number {
    return Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
  }

  #level(key: string): { tokens: number; at: number } {
    const now = this.now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = this.#refilled(bucket, now);
      bucket.at = now;
    } else {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep(now);
      bucket = { tokens: this.capacity, at: now };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Spend one token; false when the key has none left. */
  take(key: string): boolean {
    const bucket = this.#level(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Give back a token taken for something that did not happen after all. */
  refund(key: string): void {
    const bucket = this.#level(key);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + 1);
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

  /** How many keys are remembered (tests). */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Drop the buckets that are full by now: they hold no information. The next sweep waits until
   * the map has doubled, so sweeping costs O(1) per new key however many keys stay.
   */
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (this.#refilled(bucket, now) >= this.capacity) this.#buckets.delete(key);
    }
    this.#sweepAt = Math.max(MIN_SWEEP_AT, 2 * this.#buckets.size);
  }
}

const MIN_SWEEP_AT = 10_000;

export interface RateLimit {
  capacity: number;
  perSecond: number;
}
export type LimitName =
  | 'commands'
  | 'hellos'
  | 'visitorHellosPerAddress'
  | 'creations'
  | 'joinsPerAddress'
  | 'failuresPerAddress'
  | 'failuresPerDevice'
  | 'failuresPerWorkshop'
  | 'rejoinFailuresPerAddress';

/** The limits cocrea applies, in one place (the README lists them with their reasons). */
export const RATE_LIMITS: Record<LimitName, RateLimit> = {
  /** Commands per asker (participant, console key, device, else address): 20, then 10 a second. */
  commands: { capacity: 20, perSecond: 10 },
  /** Hellos (each grants replica tickets) per asker: 10, then one a second. */
  hellos: { capacity: 10, perSecond: 1 },
  /**
   * Hellos of visitors (a device token that has not joined) per address: 500 (a crowd on the
   * join page behind one venue address), then 5 a second. A device token is made up by the
   * device, so a fresh one would otherwise bring a fresh hello budget, and tickets with it.
   */
  visitorHellosPerAddress: { capacity: 500, perSecond: 5 },
  /** Workshop creations per client address: 5, then one every 2 minutes. */
  creations: { capacity: 5, perSecond: 1 / 120 },
  /** New participants per address: 100 (a venue behind one address), then one a second. */
  joinsPerAddress: { capacity: 100, perSecond: 1 },
  /** Failed join or rejoin attempts per address: 30, then one every 2 s (a venue shares one). */
  failuresPerAddress: { capacity: 30, perSecond: 0.5 },
  /** Failed attempts per device (address + device token): 5, then one every 10 s. */
  failuresPerDevice: { capacity: 5, perSecond: 0.1 },
  /** Failed rejoin codes per workshop, from anywhere: 10, then one every 6 s. */
  failuresPerWorkshop: { capacity: 10, perSecond: 1 / 6 },
  /**
   * Failed rejoin codes per address: 5, then one every 30 s. Less than the workshop's budget and
   * slower than its refill, so no single address can keep a workshop's rejoins locked.
   */
  rejoinFailuresPerAddress: { capacity: 5, perSecond: 1 / 30 },
};

import { access, constants } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { log } from './log';
import { addressKey, isLoopback } from './transport/clientAddress';
import { requestPath, sendJson } from './transport/http';
import { TokenBuckets, type RateLimit } from './rateLimit';

/**
 * Where the process is in its life: loading workshops (listening already), serving, or stopping
 * (see stopOnSignals in app.ts). Only `ready` serves anything but the health answers.
 */
export type Phase = 'starting' | 'ready' | 'draining';

/** Why /readyz says no. Words for a probe or an operator: no path, no secret, no error text. */
export type NotReady = 'starting' | 'draining' | 'store-unwritable';

export interface HealthOptions {
  /**
   * Resolves when the store can take writes, throws when not (the durable store: its data
   * directory is writable). Run at most once every PROBE_MS; without one, the store counts
   * as writable (the memory store of tests).
   */
  probe?: () => Promise<void>;
  /** The address a request counts as (behind trusted proxies: see clientAddress). */
  addressOf: (req: IncomingMessage) => string;
}

/**
 * Health answers from elsewhere than this machine: 100 at once, then 20 a second per address.
 * Far above any probe's pace (an orchestrator asks every few seconds), low enough that the
 * endpoints cannot be used to make the server work hard. Loopback is never counted: the
 * container's HEALTHCHECK and a local monitor must never be told to wait.
 */
const HEALTH_LIMIT: RateLimit = { capacity: 100, perSecond: 20 };

/** How long a probe's answer is kept. */
const PROBE_MS = 2000;

/** The durable store's probe: its data directory and workshops directory take writes. */
export function writableDirectory(dataDir: string): () => Promise<void> {
  return async () => {
    // access(W_OK) sees a read-only mount (EROFS), lost permissions and a removed directory,
    // without writing anything.
    await access(dataDir, constants.W_OK);
    await access(path.join(dataDir, 'workshops'), constants.W_OK);
  };
}

/**
 * `GET /healthz`: the process serves (also while it loads and while it drains: it is alive).
 * `GET /readyz`: it takes work now (loaded, not draining, the store writable). JSON, never
 * cached, GET and HEAD only.
 */
export class Health {
  phase: Phase = 'starting';
  readonly #probe: (() => Promise<void>) | null;
  readonly #addressOf: (req: IncomingMessage) => string;
  readonly #limit = new TokenBuckets(HEALTH_LIMIT.capacity, HEALTH_LIMIT.perSecond);
  #probed: { at: number; writable: Promise<boolean> } | null = null;
  #lastWritable = true;

  constructor(options: HealthOptions) {
    this.#probe = options.probe ?? null;
    this.#addressOf = options.addressOf;
  }

  /** Answer the request if it is for /healthz or /readyz; false: not ours. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const target = requestPath(req);
    if (target !== '/healthz' && target !== '/readyz') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(req, res, 405, { error: 'method not allowed' }, { Allow: 'GET, HEAD' });
      return true;
    }
    const address = this.#addressOf(req);
    if (!isLoopback(address) && !this.#limit.take(addressKey(address))) {
      const wait = String(this.#limit.retryAfter(addressKey(address)));
      sendJson(req, res, 429, { error: 'too many requests' }, { 'Retry-After': wait });
      return true;
    }
    if (target === '/healthz') {
      sendJson(req, res, 200, { status: 'ok' });
      return true;
    }
    void this.readiness().then((reason) => {
      if (reason === null) sendJson(req, res, 200, { ready: true });
      else sendJson(req, res, 503, { ready: false, reason }, { 'Retry-After': '5' });
    });
    return true;
  }

  /** Null when ready, else why not. Never rejects. */
  async readiness(): Promise<NotReady | null> {
    if (this.phase !== 'ready') return this.phase;
    return (await this.#writable()) ? null : 'store-unwritable';
  }

  #writable(): Promise<boolean> {
    const probe = this.#probe;
    if (!probe) return Promise.resolve(true);
    const now = Date.now();
    if (this.#probed && now - this.#probed.at < PROBE_MS) return this.#probed.writable;
    const writable = probe().then(
      () => true,
      (error: unknown) => {
        // One line when the store stops taking writes, not one per probe.
        if (this.#lastWritable) {
          const code = String((error as { code?: unknown } | null)?.code);
          log().error({ code }, `not ready: the data directory takes no writes (${code})`);
        }
        return false;
      },
    );
    void writable.then((ok) => (this.#lastWritable = ok));
    this.#probed = { at: now, writable };
    return writable;
  }
}

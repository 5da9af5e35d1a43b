import { createHash, timingSafeEqual } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type LabelValues,
} from 'prom-client';
import * as Y from 'yjs';
import { ERRORS } from '../src/lib/domain/index';
import { wireCommandSchema } from '../src/lib/protocol/commands';
import type { OpenSessions } from './access/sessions';
import { log } from './log';
import type { RoomRegistry } from './registry';
import { FLUSH_CHANNEL, type FlushTiming } from './store/appendLog';
import { requestPath } from './transport/http';
import type { YjsEndpoint } from './yjs/endpoint';

/*
 * `GET /metrics` in Prometheus's text format, for whoever holds METRICS_TOKEN (without it the
 * path does not exist). Every label value comes from a short fixed list (roles, audiences,
 * command types, error codes): no workshop id, name, code or address can become a label, and the
 * number of series stays bounded whatever clients send.
 */

/** The command types a client may send; anything else counts as 'other'. */
export const COMMAND_TYPES: ReadonlySet<string> = new Set(
  wireCommandSchema.options.map((option) => option.entries.type.literal),
);
/** 'ok' or a known error code; anything else counts as 'other'. */
const OUTCOMES: ReadonlySet<string> = new Set(['ok', ...Object.keys(ERRORS)]);

/** A command's type as logs and metrics may name it. */
export function commandType(payload: unknown): string {
  const type = (payload as { cmd?: { type?: unknown } } | null)?.cmd?.type;
  return typeof type === 'string' && COMMAND_TYPES.has(type) ? type : 'other';
}

/** A command's outcome as logs and metrics may name it. */
export function commandOutcome(code: string): string {
  return OUTCOMES.has(code) ? code : 'other';
}

export const SESSION_ROLES = [
  'facilitator',
  'cofacilitator',
  'participant',
  'projector',
  'visitor',
] as const;
export type SessionRole = (typeof SESSION_ROLES)[number];
export const AUDIENCES = ['public', 'facilitator', 'private', 'vision'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** What the metrics read from the server when scraped. */
export interface MetricsSources {
  /** The role of every open socket.io session. */
  sessionRoles(): Iterable<SessionRole>;
  /** Open replica connections by audience. */
  replicaConnections(): Record<Audience, number>;
  workshops(): { loaded: number; asleep: number };
  /** Every replica held in memory, with its audience (see ReplicaSizes for what they cost). */
  replicaDocs(): Iterable<[Audience, Y.Doc]>;
}

/** The sources as the server's parts give them. */
export function serverSources(server: {
  rooms: RoomRegistry;
  sessions: OpenSessions;
  yjs: YjsEndpoint;
}): MetricsSources {
  return {
    *sessionRoles() {
      for (const open of server.sessions.all()) {
        const { role } = open.data.actor;
        yield role === 'nobody' ? 'visitor' : role;
      }
    },
    replicaConnections: () => server.yjs.connectionsByAudience(),
    workshops: () => ({ loaded: server.rooms.size, asleep: server.rooms.asleep }),
    *replicaDocs() {
      for (const room of server.rooms.values()) {
        yield ['public', room.replicas.public.doc];
        yield ['facilitator', room.replicas.facilitator.doc];
        for (const replica of room.privateReplicas.values()) yield ['private', replica.doc];
        const vision = room.openVision;
        if (vision) yield ['vision', vision.doc];
      }
    },
  };
}

/**
 * The encoded size of replicas, cheap enough to ask at every scrape. Encoding every replica of a
 * room of 500 phones and 5000 notes takes 20 to 100 ms on a small server: each doc's size is
 * kept with its state vector's sum (which grows with every write to it) and encoded again only
 * once that changed (or after `maxAgeMs`, for a deletion, which leaves the sum as it was); and
 * the work yields to the event loop every few milliseconds, so commands are not held up.
 */
export class ReplicaSizes {
  readonly #known = new WeakMap<Y.Doc, { mark: number; bytes: number; at: number }>();
  /** Encodes done, since the start (tests). */
  encodes = 0;

  constructor(
    private readonly maxAgeMs = 10 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async measure(docs: Iterable<[Audience, Y.Doc]>): Promise<Record<Audience, number>> {
    const bytes = zeros(AUDIENCES);
    let slice = performance.now();
    for (const [audience, doc] of docs) {
      bytes[audience] += this.sizeOf(doc);
      if (performance.now() - slice > 5) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    return bytes;
  }

  sizeOf(doc: Y.Doc): number {
    let mark = 0;
    for (const structs of doc.store.clients.values()) {
      const last = structs[structs.length - 1];
      if (last) mark += last.id.clock + last.length;
    }
    const known = this.#known.get(doc);
    const now = this.now();
    if (known && known.mark === mark && now - known.at < this.maxAgeMs) return known.bytes;
    this.encodes++;
    const bytes = Y.encodeStateAsUpdate(doc).byteLength;
    this.#known.set(doc, { mark, bytes, at: now });
    return bytes;
  }
}

export interface MetricsOptions {
  /** The bearer token `GET /metrics` asks for; null: the endpoint does not exist. */
  token: string | null;
}

/** Seconds: group commits take a millisecond or so on an SSD, tens on a busy disk. */
const FSYNC_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds: a command's answer waits for its group commit. */
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The server's metrics: one registry per server (tests run several in one process). */
export class Metrics {
  readonly registry = new Registry();
  readonly #tokenHash: Buffer | null;
  readonly #commands: Counter<'type' | 'outcome'>;
  readonly #ackSeconds: Histogram<'result'>;
  readonly #fsyncSeconds: Histogram;
  readonly #onFlush: (message: unknown) => void;

  constructor(sources: MetricsSources, options: MetricsOptions) {
    this.#tokenHash = options.token === null ? null : sha256(options.token);
    const registers = [this.registry];
    this.#commands = new Counter({
      name: 'cocrea_commands_total',
      help: 'Commands answered, by type and outcome (ok or the error code).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.#ackSeconds = new Histogram({
      name: 'cocrea_command_ack_seconds',
      help: 'Time from a command arriving to its answer (ok: on disk), by result (ok, refused, failed).',
      labelNames: ['result'],
      buckets: ACK_BUCKETS,
      registers,
    });
    this.#fsyncSeconds = new Histogram({
      name: 'cocrea_store_fsync_seconds',
      help: "Time of one group commit to a workshop's log: write and fdatasync.",
      buckets: FSYNC_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'cocrea_socket_sessions',
      help: 'Open socket.io sessions, by role (a visitor has not joined yet).',
      labelNames: ['role'],
      registers,
      collect() {
        const counts = zeros(SESSION_ROLES);
        for (const role of sources.sessionRoles()) counts[role]++;
        for (const role of SESSION_ROLES) this.set({ role }, counts[role]);
      },
    });
    new Gauge({
      name: 'cocrea_replica_connections',
      help: 'Open replica (y-websocket) connections, by audience.',
      labelNames: ['audience'],
      registers,
      collect() {
        const counts = sources.replicaConnections();
        for (const audience of AUDIENCES) this.set({ audience }, counts[audience]);
      },
    });
    new Gauge({
      name: 'cocrea_workshops',
      help: 'Workshops loaded in memory, and put away while nobody uses them.',
      labelNames: ['state'],
      registers,
      collect() {
        const { loaded, asleep } = sources.workshops();
        this.set({ state: 'loaded' }, loaded);
        this.set({ state: 'asleep' }, asleep);
      },
    });
    const sizes = new ReplicaSizes();
    let measuring: Promise<Record<Audience, number>> | null = null;
    new Gauge({
      name: 'cocrea_replica_bytes',
      help: 'Encoded size of the replicas held in memory, by audience.',
      labelNames: ['audience'],
      registers,
      async collect() {
        // Scrapes at once share one measure.
        measuring ??= sizes.measure(sources.replicaDocs()).finally(() => (measuring = null));
        const bytes = await measuring;
        for (const audience of AUDIENCES) this.set({ audience }, bytes[audience]);
      },
    });
    if (this.#tokenHash !== null) collectDefaultMetrics({ register: this.registry });
    this.#onFlush = (message) => this.#fsyncSeconds.observe((message as FlushTiming).seconds);
    subscribe(FLUSH_CHANNEL, this.#onFlush);
  }

  /** One command answered: its type and outcome as commandType and commandOutcome give them. */
  command(type: string, outcome: string, seconds: number): void {
    this.#commands.inc({ type, outcome });
    const result: LabelValues<'result'> = {
      result: outcome === 'ok' ? 'ok' : outcome === 'INTERNAL' ? 'failed' : 'refused',
    };
    this.#ackSeconds.observe(result, seconds);
  }

  /** `GET /metrics`, when a token is set; false for any other request (not ours). */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.#tokenHash === null) return false;
    if (requestPath(req) !== '/metrics') return false;
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    if (!this.#authorised(req.headers.authorization)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="cocrea metrics"' }).end();
      return true;
    }
    this.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': this.registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        log().error({ err: error }, 'metrics: collecting failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
    return true;
  }

  /** Compared in constant time, as hashes of equal length. */
  #authorised(header: string | undefined): boolean {
    const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
    const given = sha256(match ? match[1]! : '');
    return match !== null && timingSafeEqual(given, this.#tokenHash!);
  }

  close(): void {
    unsubscribe(FLUSH_CHANNEL, this.#onFlush);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

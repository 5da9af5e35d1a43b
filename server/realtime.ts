import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as SocketServer, type Socket } from 'socket.io';
import { ERRORS } from '../src/lib/domain/index';
import type { AudienceKey } from '../src/lib/protocol/replica';
import { newId, randomJoinCode, randomSecret } from './crypto';
import { RATE_LIMITS, TokenBuckets, type LimitName, type RateLimit } from './rateLimit';
import { stillValid, type SessionData } from './transport/session';
import { addressKey, clientAddress } from './transport/clientAddress';
import { CONNECTIONS_PER_ADDRESS, ConnectionCounts } from './transport/connections';
import { guarded, keepUpgradeErrorsLocal, printable, refuseUpgrade } from './transport/guard';
import { registerSocketHandlers } from './transport/socket';
import { TicketBook } from './tickets';
import type { LoadedWorkshop, WorkshopStore } from './store/types';
import { WorkshopRoom } from './workshopRoom';
import { CLOSE, YjsEndpoint, type EndpointLimits } from './yjs/endpoint';

export interface RealtimeOptions {
  store: WorkshopStore;
  origin?: string | null;
  /** Largest message accepted on either transport, in bytes. */
  maxMessageBytes?: number;
  ticketTtlMs?: number;
  /** Called when a write to disk fails: the process can no longer promise durability. */
  onFatal?: (error: unknown) => void;
  /** When set, creating a workshop needs this token. */
  createToken?: string | null;
  /**
   * How many reverse proxies in front append to X-Forwarded-For (0: none, the socket's address
   * counts; `true` is 1). See clientAddress in transport/clientAddress.ts.
   */
  trustProxy?: boolean | number;
  /** Tighter or looser limits (tests). */
  limits?: Partial<Record<LimitName, RateLimit>>;
  /** Erase workshops with no command for this many days (null: keep them). */
  retentionDays?: number | null;
  /** The clock (tests). */
  now?: () => number;
  /** Tighter or looser limits on replica connections (tests). */
  replicaLimits?: Partial<EndpointLimits>;
  /** Open connections one address may hold, socket.io and replicas together (tests). */
  connectionsPerAddress?: number;
  /** How long a private replica outlives its participant's last connection (tests). */
  privateReleaseMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the retention period is checked while the server runs. */
const RETENTION_CHECK_MS = 60 * 60 * 1000;

/** Whether an upgrade request is for socket.io or the Yjs endpoint (the rest is not ours). */
export function isRealtimeUpgrade(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/socket.io/') || url.startsWith('/yjs/'));
}

function failStop(error: unknown): void {
  console.error(
    'cocrea: a write to disk failed; stopping so nothing unsaved is acknowledged',
    error,
  );
  process.exit(1);
}

/**
 * Everything live: the rooms of loaded workshops, socket.io for commands and the Yjs endpoint
 * for replicas. It attaches to any Node HTTP server (production, vite dev, vite preview, tests).
 */
export class Realtime {
  /** Changes at every start, so clients never merge a rebuilt replica into an old one. */
  readonly epoch = randomSecret(6);
  readonly rooms = new Map<string, WorkshopRoom>();
  readonly #byCode = new Map<string, string>();
  readonly tickets: TicketBook;
  readonly yjs: YjsEndpoint;
  readonly store: WorkshopStore;
  readonly origin: string | null;
  readonly maxMessageBytes: number;
  readonly onFatal: (error: unknown) => void;
  readonly createToken: string | null;
  /** Trusted proxy hops in front (0: none). */
  readonly trustProxy: number;
  /** Rate limits, by what they count (see RATE_LIMITS). */
  readonly limits: Record<LimitName, TokenBuckets>;
  readonly retentionDays: number | null;
  readonly now: () => number;
  /** Open connections per client address. */
  readonly connections: ConnectionCounts;
  readonly privateReleaseMs: number | undefined;
  #retentionTimer: ReturnType<typeof setInterval> | null = null;
  #io: SocketServer | null = null;
  #upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | null = null;
  #http: HttpServer | null = null;

  private constructor(options: RealtimeOptions) {
    this.store = options.store;
    this.privateReleaseMs = options.privateReleaseMs;
    this.origin = options.origin ?? null;
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024;
    this.onFatal = options.onFatal ?? failStop;
    this.createToken = options.createToken ?? null;
    const hops = Number(options.trustProxy ?? 0);
    this.trustProxy = Number.isInteger(hops) && hops > 0 ? hops : 0;
    this.retentionDays = options.retentionDays ?? null;
    this.now = options.now ?? Date.now;
    const limits = { ...RATE_LIMITS, ...options.limits };
    this.limits = Object.fromEntries(
      (Object.keys(RATE_LIMITS) as LimitName[]).map((name) => [
        name,
        new TokenBuckets(limits[name].capacity, limits[name].perSecond, this.now),
      ]),
    ) as Record<LimitName, TokenBuckets>;
    this.connections = new ConnectionCounts(
      options.connectionsPerAddress ?? CONNECTIONS_PER_ADDRESS,
    );
    this.tickets = new TicketBook(options.ticketTtlMs ?? 60_000);
    this.yjs = new YjsEndpoint(
      {
        epoch: this.epoch,
        resolve: (ticket, workshopId, key) => {
          const room = this.rooms.get(workshopId);
          if (!room || !this.tickets.check(ticket, workshopId, key)) return CLOSE.BAD_TICKET;
          if (key === 'public' || key === 'facilitator') return room.replicas[key].doc;
          return room.privateReplica(key.slice('me-'.length))?.doc ?? CLOSE.BAD_TICKET;
        },
      },
      { maxPayload: this.maxMessageBytes, ...options.replicaLimits },
    );
  }

  /** Load every stored workshop and get ready to serve them. */
  static async create(options: RealtimeOptions): Promise<Realtime> {
    const realtime = new Realtime(options);
    for (const loaded of await options.store.loadAll()) {
      // Deleted, but the server stopped before erasing it: finish the job.
      if (loaded.state.deletedAt !== undefined) await options.store.erase(loaded.state.id);
      else realtime.addRoom(loaded);
    }
    if (realtime.retentionDays !== null) {
      await realtime.eraseInactive();
      realtime.#retentionTimer = setInterval(() => {
        realtime.eraseInactive().catch((error: unknown) => {
          console.error('cocrea: erasing inactive workshops failed; retried later', error);
        });
      }, RETENTION_CHECK_MS);
      realtime.#retentionTimer.unref();
    }
    return realtime;
  }

  addRoom(loaded: LoadedWorkshop): WorkshopRoom {
    const room = new WorkshopRoom(
      loaded,
      this.store,
      () => ({ now: this.now(), newId }),
      this.onFatal,
      { privateReleaseMs: this.privateReleaseMs },
    );
    this.rooms.set(loaded.state.id, room);
    for (const code of [...(loaded.state.formerJoinCodes ?? []), loaded.state.joinCode]) {
      this.#byCode.set(code, loaded.state.id);
    }
    return room;
  }

  /**
   * The workshop a join code leads to, current or former: a former code lets in only people who
   * joined (the handshake checks their token), never a visitor or a projector.
   */
  roomByCode(code: string): { room: WorkshopRoom; current: boolean } | undefined {
    const id = this.#byCode.get(code);
    const room = id === undefined ? undefined : this.rooms.get(id);
    return room ? { room, current: room.latest.joinCode === code } : undefined;
  }

  /**
   * After a new join code: the new one leads here too (the old ones keep leading here for
   * participants), and every visitor let in by the old code goes (a removed participant
   * watching the room, a stranger who kept the code). Public replica connections close (their
   * tickets are withdrawn); screens still entitled reconnect with fresh tickets.
   */
  joinCodeChanged(workshopId: string): void {
    const room = this.rooms.get(workshopId);
    if (!room) return;
    this.#byCode.set(room.latest.joinCode, workshopId);
    for (const [socket, session] of this.#sessions) {
      if (session.workshopId === workshopId && session.actor.role === 'nobody') {
        socket.disconnect(true);
      }
    }
    this.tickets.revoke(workshopId, 'public');
    this.yjs.closeRooms(`${workshopId}.public.`, CLOSE.BAD_TICKET);
  }

  /** A join code no workshop has or had (current and former codes are all taken). */
  freshJoinCode(): string {
    let code = randomJoinCode();
    while (this.#byCode.has(code)) code = randomJoinCode();
    return code;
  }

  readonly #once = new Map<string, Promise<unknown>>();
  readonly #sessions = new Map<Socket, SessionData>();

  track(socket: Socket, session: SessionData): void {
    this.#sessions.set(socket, session);
  }

  untrack(socket: Socket): void {
    this.#sessions.delete(socket);
  }

  /**
   * After a rejoin elsewhere, a removal, a revoked or rotated link: disconnect every socket of the
   * workshop whose credentials no longer hold, and close the replica connections they may hold
   * (consoles and phones still entitled reconnect with fresh tickets).
   */
  evictInvalidSessions(workshopId: string): void {
    const room = this.rooms.get(workshopId);
    if (!room) return;
    let facilitatorLost = false;
    for (const [socket, session] of this.#sessions) {
      if (session.workshopId !== workshopId || stillValid(session, room.latest)) continue;
      if (session.actor.role === 'participant') {
        const key = `me-${session.actor.participantId}`;
        this.tickets.revoke(workshopId, key);
        this.yjs.closeRooms(`${workshopId}.${key}.`, CLOSE.BAD_TICKET);
      } else {
        facilitatorLost = true;
      }
      socket.disconnect(true);
    }
    if (facilitatorLost) {
      this.tickets.revoke(workshopId, 'facilitator');
      this.yjs.closeRooms(`${workshopId}.facilitator.`, CLOSE.BAD_TICKET);
    }
  }

  /**
   * Once a deletion is on record (or the retention period is over): tell every open screen why,
   * let them go, close the replica connections, forget the room and its join code, and erase
   * what the store holds.
   */
  async removeWorkshop(
    workshopId: string,
    reason: 'WORKSHOP_DELETED' | 'WORKSHOP_EXPIRED' = 'WORKSHOP_DELETED',
  ): Promise<void> {
    const room = this.rooms.get(workshopId);
    if (!room) return;
    this.rooms.delete(workshopId);
    for (const code of [...(room.latest.formerJoinCodes ?? []), room.latest.joinCode]) {
      this.#byCode.delete(code);
    }
    this.tickets.revoke(workshopId, '');
    this.yjs.closeRooms(`${workshopId}.`, CLOSE.GONE);
    for (const [socket, session] of this.#sessions) {
      if (session.workshopId !== workshopId) continue;
      socket.emit('gone', { code: reason, message: ERRORS[reason] });
      socket.disconnect(true);
    }
    room.destroy();
    await this.store.erase(workshopId);
  }

  /**
   * The retention period: erase every workshop without a command for longer than
   * `retentionDays` (open screens are told, as for a deletion). Returns the erased ids.
   */
  async eraseInactive(): Promise<string[]> {
    if (this.retentionDays === null) return [];
    const before = this.now() - this.retentionDays * DAY_MS;
    const expired = [...this.rooms.values()]
      .filter((room) => room.lastActivityAt < before)
      .map((room) => room.state.id);
    for (const id of expired) await this.removeWorkshop(id, 'WORKSHOP_EXPIRED');
    return expired;
  }

  /** True when `once` already ran (or runs) for this key. */
  seenOnce(key: string): boolean {
    return this.#once.has(key);
  }

  /** Run `fn` once per key (kept for the last 1000 keys); later calls share its result. */
  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const seen = this.#once.get(key) as Promise<T> | undefined;
    if (seen) return seen;
    const result = fn();
    this.#once.set(key, result);
    result.catch(() => this.#once.delete(key));
    if (this.#once.size > 1000) this.#once.delete(this.#once.keys().next().value!);
    return result;
  }

  grant(workshopId: string, audience: AudienceKey): string {
    return this.tickets.grant(workshopId, audience);
  }

  /** The address a request comes from, as limits count it (see clientAddress, addressKey). */
  addressOf(req: IncomingMessage): string {
    return addressKey(
      clientAddress(
        req.socket.remoteAddress ?? '',
        req.headers['x-forwarded-for'],
        this.trustProxy,
      ),
    );
  }

  /** True when a browser's Origin header is acceptable (any, when ORIGIN is not set). */
  originAllowed(origin: string | undefined): boolean {
    if (!this.origin || origin === undefined) return true;
    return origin === this.origin;
  }

  /** Serve socket.io and the Yjs endpoint on this HTTP server, next to whatever else it serves. */
  attach(http: HttpServer): void {
    if (this.#http) throw new Error('realtime is already attached');
    this.#http = http;
    this.#io = new SocketServer(http, {
      path: '/socket.io',
      serveClient: false,
      destroyUpgrade: false,
      maxHttpBufferSize: this.maxMessageBytes,
      // Asked for each new session (polling or WebSocket), before it costs anything.
      allowRequest: (req, callback) => {
        if (!this.originAllowed(req.headers.origin)) return callback(null, false);
        if (!this.connections.allows(this.addressOf(req))) {
          return callback('Too many connections from this address', false);
        }
        callback(null, true);
      },
    });
    // Every session counts from its handshake until it closes, with or without a namespace.
    this.#io.engine.on('connection', (conn: { request: IncomingMessage; once: Duplex['once'] }) => {
      conn.once('close', this.connections.hold(this.addressOf(conn.request)));
    });
    registerSocketHandlers(this.#io, this);
    this.#upgrade = (req, socket, head) => {
      keepUpgradeErrorsLocal(socket);
      const url = req.url ?? '';
      if (!url.startsWith('/yjs/')) return;
      guarded(
        // The path only: the query carries a replica ticket, which no log line may hold.
        () => `an upgrade to ${printable(url.split('?')[0])}`,
        () => {
          if (!this.originAllowed(req.headers.origin)) return refuseUpgrade(socket, 403);
          const address = this.addressOf(req);
          if (!this.connections.allows(address)) return refuseUpgrade(socket, 429);
          // Counted until the connection is gone, closing handshake included.
          socket.once('close', this.connections.hold(address));
          this.yjs.handleUpgrade(req, socket, head);
        },
        () => refuseUpgrade(socket, 400),
      );
    };
    http.on('upgrade', this.#upgrade);
  }

  async close(): Promise<void> {
    if (this.#retentionTimer) clearInterval(this.#retentionTimer);
    this.yjs.close();
    if (this.#http && this.#upgrade) this.#http.off('upgrade', this.#upgrade);
    if (this.#io) {
      this.#io.disconnectSockets(true);
      // io.close() would also close the HTTP server; its owner does that.
      this.#io.engine.close();
      this.#io.removeAllListeners();
    }
    for (const room of this.rooms.values()) room.destroy();
    this.rooms.clear();
    await this.store.close();
  }
}

const REALTIME_KEY = Symbol.for('cocrea.realtime');

/** Vite config and SvelteKit server code load separate module copies: share one instance. */
export function sharedRealtime(): Realtime | undefined {
  return (globalThis as Record<symbol, Realtime | undefined>)[REALTIME_KEY];
}

export function setSharedRealtime(realtime: Realtime | undefined): void {
  (globalThis as Record<symbol, Realtime | undefined>)[REALTIME_KEY] = realtime;
}

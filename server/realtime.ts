import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as SocketServer } from 'socket.io';
import { ERRORS } from '../src/lib/domain/index';
import type { Ack } from '../src/lib/protocol/ack';
import { Access, refusal, visionActor } from './access/index';
import { askerKey } from './access/limits';
import { ExportService } from './exports';
import { ImportService } from './imports';
import { OpenSessions, type OpenSession } from './access/sessions';
import { stillValid } from './access/session';
import { CommandService, type WorkshopEffects } from './commands';
import { newId, randomSecret } from './crypto';
import { log } from './log';
import { Metrics, serverSources } from './metrics';
import type { LimitName, RateLimit } from './rateLimit';
import { RoomRegistry } from './registry';
import type { WorkshopStore } from './store/types';
import {
  guarded,
  keepUpgradeErrorsLocal,
  logRefused,
  printable,
  refuseUpgrade,
} from './transport/guard';
import { registerSocketHandlers, type SocketServices } from './transport/socket';
import { actorKey, WorkshopRoom } from './workshopRoom';
import { CLOSE, YjsEndpoint, type EndpointLimits, type WritableRoom } from './yjs/endpoint';

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
  /**
   * A workshop nobody has used for this long (no session, no replica connection, no command)
   * is put away and loaded again when someone comes back (null: never).
   */
  idleUnloadMs?: number | null;
  /** When set, `GET /metrics` answers with this bearer token (see server/metrics.ts). */
  metricsToken?: string | null;
  /** A tighter cap or body time for `POST /import` (tests; see server/imports.ts). */
  importLimits?: { maxBytes?: number; bodyMs?: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the retention period is checked while the server runs. */
const RETENTION_CHECK_MS = 60 * 60 * 1000;
/** How long a workshop nobody uses stays in memory, by default. */
export const IDLE_UNLOAD_MS = 10 * 60 * 1000;

/** Whether an upgrade request is for socket.io or the Yjs endpoint (the rest is not ours). */
export function isRealtimeUpgrade(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/socket.io/') || url.startsWith('/yjs/'));
}

/** How long a graceful stop waits for clients to close their connections once told. */
const GOODBYE_MS = 1500;

function restarting(): Ack<never> {
  return { ok: false, error: refusal('RESTARTING') };
}

function failStop(error: unknown): void {
  log().fatal(
    { err: error },
    'a write to disk failed; stopping so nothing unsaved is acknowledged',
  );
  process.exit(1);
}

/** Run `fn` once the ack has gone out; a throw there is logged, never uncaught. */
function afterAck(what: string, fn: () => void): void {
  setImmediate(() => {
    try {
      fn();
    } catch (error) {
      logRefused(what, error);
    }
  });
}

/**
 * The server's live side, put together: the registry of rooms, access (handshakes, tickets,
 * limits), the open sessions, the command service and the Yjs endpoint, attached to any Node
 * HTTP server (production, vite dev, vite preview, tests). It also carries out what a command
 * sets off beyond its room (letting sessions go, a new join code, a deletion, the retention
 * period), since that touches several of those parts at once.
 */
export class Realtime implements WorkshopEffects {
  /** Changes at every start, so clients never merge a rebuilt replica into an old one. */
  readonly epoch = randomSecret(6);
  readonly rooms: RoomRegistry;
  readonly access: Access;
  readonly sessions = new OpenSessions();
  readonly commands: CommandService;
  readonly exports: ExportService;
  readonly imports: ImportService;
  readonly yjs: YjsEndpoint;
  readonly metrics: Metrics;
  readonly store: WorkshopStore;
  readonly maxMessageBytes: number;
  readonly retentionDays: number | null;
  readonly idleUnloadMs: number | null;
  readonly now: () => number;
  #retentionTimer: ReturnType<typeof setInterval> | null = null;
  #idleTimer: ReturnType<typeof setInterval> | null = null;
  #io: SocketServer | null = null;
  #upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | null = null;
  #http: HttpServer | null = null;
  /** Set by `drain`: nothing new is taken (sessions, tickets, commands, downloads, replicas). */
  #draining = false;
  /** Commands taken and not yet answered (a stop waits for them). */
  readonly #inFlight = new Set<Promise<unknown>>();

  private constructor(options: RealtimeOptions) {
    this.store = options.store;
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024;
    this.retentionDays = options.retentionDays ?? null;
    this.idleUnloadMs = options.idleUnloadMs === undefined ? IDLE_UNLOAD_MS : options.idleUnloadMs;
    this.now = options.now ?? Date.now;
    const onFatal = options.onFatal ?? failStop;
    this.metrics = new Metrics(serverSources(this), { token: options.metricsToken ?? null });
    this.rooms = new RoomRegistry(
      this.store,
      (loaded) =>
        new WorkshopRoom(loaded, this.store, () => ({ now: this.now(), newId }), onFatal, {
          privateReleaseMs: options.privateReleaseMs,
        }),
    );
    this.access = new Access(this.rooms, {
      epoch: this.epoch,
      origin: options.origin,
      createToken: options.createToken,
      trustProxy: options.trustProxy,
      limits: options.limits,
      ticketTtlMs: options.ticketTtlMs,
      connectionsPerAddress: options.connectionsPerAddress,
      now: this.now,
    });
    this.commands = new CommandService({
      rooms: this.rooms,
      access: this.access,
      store: this.store,
      effects: this,
      onFatal,
      now: this.now,
      answered: (type, outcome, seconds) => this.metrics.command(type, outcome, seconds),
    });
    this.exports = new ExportService(this.rooms, this.now);
    this.imports = new ImportService({
      access: this.access,
      commands: this.commands,
      addressOf: (req) => this.addressOf(req),
      now: this.now,
      ...options.importLimits,
    });
    this.yjs = new YjsEndpoint(
      {
        epoch: this.epoch,
        resolve: (ticket, workshopId, key) => {
          const room = this.rooms.get(workshopId);
          if (room && key === 'vision') return this.#visionWriter(room, ticket);
          if (!room || !this.access.ticketAllows(ticket, workshopId, key)) {
            return CLOSE.BAD_TICKET;
          }
          if (key === 'public' || key === 'facilitator') return room.replicas[key].doc;
          return room.privateReplica(key.slice('me-'.length))?.doc ?? CLOSE.BAD_TICKET;
        },
      },
      { maxPayload: this.maxMessageBytes, ...options.replicaLimits },
    );
  }

  /** The vision room for the writer a ticket names, or why not. */
  #visionWriter(room: WorkshopRoom, ticket: string): WritableRoom | number {
    const workshopId = room.durable.id;
    const key = this.access.tickets.holder(ticket, workshopId);
    const actor = key === null ? null : visionActor(key);
    if (key === null || actor === null) return CLOSE.BAD_TICKET;
    const vision = room.vision;
    return {
      doc: vision.doc,
      join: (link) => vision.join(key, actor, actorKey(actor), link),
    };
  }

  /** Load every stored workshop and get ready to serve them. */
  static async create(options: RealtimeOptions): Promise<Realtime> {
    const realtime = new Realtime(options);
    for (const loaded of await options.store.loadAll()) {
      // Deleted, but the server stopped before erasing it: finish the job.
      if (loaded.state.deletedAt !== undefined) await options.store.erase(loaded.state.id);
      else realtime.rooms.add(loaded);
    }
    if (realtime.retentionDays !== null) {
      await realtime.eraseInactive();
      realtime.#retentionTimer = setInterval(() => {
        realtime.eraseInactive().catch((error: unknown) => {
          log().error({ err: error }, 'erasing inactive workshops failed; retried later');
        });
      }, RETENTION_CHECK_MS);
      realtime.#retentionTimer.unref();
    }
    if (realtime.idleUnloadMs !== null) {
      const every = Math.max(1000, Math.min(60_000, realtime.idleUnloadMs / 2));
      realtime.#idleTimer = setInterval(() => {
        realtime.unloadIdle().catch((error: unknown) => {
          log().error({ err: error }, 'putting idle workshops away failed; retried later');
        });
      }, every);
      realtime.#idleTimer.unref();
    }
    return realtime;
  }

  /**
   * After a rejoin elsewhere, a removal, a revoked or rotated link: disconnect every session of
   * the workshop whose credentials no longer hold, and close the replica connections they may
   * hold (consoles and phones still entitled reconnect with fresh tickets). After the ack has
   * gone out, so the sender hears the answer before anyone is let go.
   */
  credentialsChanged(workshopId: string): void {
    afterAck('letting sessions go', () => this.evictInvalidSessions(workshopId));
  }

  evictInvalidSessions(workshopId: string): void {
    const room = this.rooms.get(workshopId);
    if (!room) return;
    let facilitatorLost = false;
    for (const open of this.sessions.of(workshopId)) {
      const session = open.data;
      if (stillValid(session, room.decided)) continue;
      if (session.actor.role === 'participant') {
        const id = session.actor.participantId;
        this.#closeReplicas(workshopId, `me-${id}`, CLOSE.BAD_TICKET);
        // A participant removed loses the right to write at once.
        this.#closeWriters(room, `vision.p.${id}`);
      } else {
        facilitatorLost = true;
      }
      open.end();
    }
    if (facilitatorLost) {
      this.#closeReplicas(workshopId, 'facilitator', CLOSE.BAD_TICKET);
      this.#closeWriters(room, 'vision.f');
      this.#closeWriters(room, 'vision.c.');
    }
  }

  /** Withdraw the vision tickets of these writers and close their connections. */
  #closeWriters(room: WorkshopRoom, prefix: string): void {
    this.access.tickets.revoke(room.durable.id, prefix);
    room.openVision?.closeWriters(prefix, CLOSE.BAD_TICKET);
  }

  /**
   * After a new join code: the new one leads here too (the old ones keep leading here for
   * participants), and every visitor let in by the old code goes (a removed participant
   * watching the room, a stranger who kept the code). Public replica connections close (their
   * tickets are withdrawn); screens still entitled reconnect with fresh tickets.
   */
  joinCodeChanged(workshopId: string): void {
    afterAck('a join code change', () => {
      if (!this.rooms.has(workshopId)) return;
      this.rooms.codeChanged(workshopId);
      for (const open of this.sessions.of(workshopId)) {
        if (open.data.actor.role === 'nobody') open.end();
      }
      this.#closeReplicas(workshopId, 'public', CLOSE.BAD_TICKET);
    });
  }

  /** After the ack, so the console hears that it worked before its connection goes. */
  deleted(workshopId: string): void {
    setImmediate(() => {
      // If erasing the files fails, the next start finishes it (the deletion is on record).
      this.removeWorkshop(workshopId).catch((error: unknown) => {
        log().error(
          { err: error, workshopId },
          `erasing workshop ${workshopId} failed; retried at next start`,
        );
      });
    });
  }

  /** Withdraw the tickets of the audiences starting with `prefix` and close their connections. */
  #closeReplicas(workshopId: string, prefix: string, code: number): void {
    this.access.tickets.revoke(workshopId, prefix);
    this.yjs.closeRooms(prefix === '' ? `${workshopId}.` : `${workshopId}.${prefix}.`, code);
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
    const room = this.rooms.remove(workshopId);
    if (!room) return;
    this.#closeReplicas(workshopId, '', CLOSE.GONE);
    for (const open of this.sessions.of(workshopId)) {
      open.end({ code: reason, message: ERRORS[reason] });
    }
    if (room !== true) room.destroy();
    await this.store.erase(workshopId);
  }

  /**
   * Put away every workshop nobody has used for `idleUnloadMs`: no session open, no replica
   * connection, no write under way. Its tickets go (a screen coming back asks for new ones,
   * which loads it again). Returns the ids put away.
   */
  async unloadIdle(): Promise<string[]> {
    if (this.idleUnloadMs === null) return [];
    const before = this.now() - this.idleUnloadMs;
    const idle = [...this.rooms.values()]
      .filter((room) => room.lastUsedAt <= before && !room.inUse)
      .map((room) => room.durable.id)
      .filter((id) => this.sessions.of(id).length === 0);
    for (const id of idle) {
      this.access.tickets.revoke(id, '');
      await this.rooms.sleep(id);
    }
    if (idle.length > 0) {
      log().debug({ workshops: idle.length }, `put ${idle.length} idle workshops away`);
    }
    return idle;
  }

  /**
   * The retention period: erase every workshop without a command for longer than
   * `retentionDays` (open screens are told, as for a deletion). Returns the erased ids.
   */
  async eraseInactive(): Promise<string[]> {
    if (this.retentionDays === null) return [];
    const before = this.now() - this.retentionDays * DAY_MS;
    const expired = [...this.rooms.activity()]
      .filter(([, lastActivityAt]) => lastActivityAt < before)
      .map(([id]) => id);
    for (const id of expired) await this.removeWorkshop(id, 'WORKSHOP_EXPIRED');
    if (expired.length > 0) {
      log().info(
        { workshops: expired.length, retentionDays: this.retentionDays },
        `erased ${expired.length} workshops without activity for ${this.retentionDays} days`,
      );
    }
    return expired;
  }

  /** The address a request comes from, as limits count it (see clientAddress, addressKey). */
  addressOf(req: IncomingMessage): string {
    return this.access.addressOf(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for']);
  }

  #touch(workshopId: string | null): void {
    if (workshopId !== null) this.rooms.get(workshopId)?.touch(this.now());
  }

  /** HTTP requests the realtime side answers itself (downloads, imports); false: not ours. */
  serveHttp(req: IncomingMessage, res: ServerResponse): boolean {
    return (
      this.metrics.serve(req, res) || this.exports.serve(req, res) || this.imports.serve(req, res)
    );
  }

  /** What socket.io's handlers may ask of the server, and nothing more. */
  #socketServices(): SocketServices {
    return {
      addressOf: (remote, forwardedFor) => this.access.addressOf(remote, forwardedFor),
      admit: (auth, address) =>
        this.#draining ? Promise.resolve(refusal('RESTARTING')) : this.access.admit(auth, address),
      hello: (session) => (this.#draining ? restarting() : this.access.hello(session)),
      command: (session, payload) => {
        if (this.#draining) return Promise.resolve(restarting());
        const answer = this.commands.run(session, payload);
        this.#inFlight.add(answer);
        void answer.finally(() => this.#inFlight.delete(answer)).catch(() => {});
        return answer;
      },
      export: (session, payload) => {
        if (this.#draining) return restarting();
        if (!this.access.limits.commands.take(askerKey(session))) {
          return { ok: false, error: refusal('RATE_LIMITED') };
        }
        return this.exports.request(session, payload);
      },
      opened: (open: OpenSession) => {
        this.sessions.add(open);
        this.commands.opened(open.data);
        this.#touch(open.data.workshopId);
      },
      closed: (open: OpenSession) => {
        this.sessions.delete(open);
        this.commands.closed(open.data);
        this.#touch(open.data.workshopId);
      },
    };
  }

  /** Serve socket.io and the Yjs endpoint on this HTTP server, next to whatever else it serves. */
  attach(http: HttpServer): void {
    if (this.#http) throw new Error('realtime is already attached');
    this.#http = http;
    const { access } = this;
    this.#io = new SocketServer(http, {
      path: '/socket.io',
      serveClient: false,
      destroyUpgrade: false,
      maxHttpBufferSize: this.maxMessageBytes,
      // Asked for each new session (polling or WebSocket), before it costs anything.
      allowRequest: (req, callback) => {
        if (this.#draining) return callback('The server is restarting', false);
        if (!access.originAllowed(req.headers.origin)) return callback(null, false);
        if (!access.connections.allows(this.addressOf(req))) {
          return callback('Too many connections from this address', false);
        }
        callback(null, true);
      },
    });
    // Every session counts from its handshake until it closes, with or without a namespace.
    this.#io.engine.on('connection', (conn: { request: IncomingMessage; once: Duplex['once'] }) => {
      conn.once('close', access.connections.hold(this.addressOf(conn.request)));
    });
    registerSocketHandlers(this.#io, this.#socketServices());
    this.#upgrade = (req, socket, head) => {
      keepUpgradeErrorsLocal(socket);
      const url = req.url ?? '';
      if (!url.startsWith('/yjs/')) return;
      guarded(
        // The path only: the query carries a replica ticket, which no log line may hold.
        () => `an upgrade to ${printable(url.split('?')[0])}`,
        () => {
          if (this.#draining) return refuseUpgrade(socket, 503);
          if (!access.originAllowed(req.headers.origin)) return refuseUpgrade(socket, 403);
          const address = this.addressOf(req);
          if (!access.connections.allows(address)) return refuseUpgrade(socket, 429);
          // Counted until the connection is gone, closing handshake included.
          socket.once('close', access.connections.hold(address));
          this.yjs.handleUpgrade(req, socket, head);
        },
        () => refuseUpgrade(socket, 400),
      );
    };
    http.on('upgrade', this.#upgrade);
  }

  /**
   * The first half of a graceful stop. From now on nothing new is taken: a handshake, a hello,
   * a command or a download is refused with RESTARTING (the client sends it again once back), a
   * new connection or replica upgrade is refused. Replica and vision connections close with 1012
   * (service restart: the client reconnects by itself). Commands already taken reach the disk and
   * their answers go out; then every session hears `restarting` and is let go. `close` follows.
   */
  async drain(): Promise<{ commands: number; sessions: number; replicas: number }> {
    this.#draining = true;
    const commands = this.#inFlight.size;
    // First, so no keystroke of the vision room comes in after its room's writes are awaited.
    const replicas = this.yjs.closeAll(CLOSE.RESTART, 'service restart');
    await this.#settled();
    // The acks go out in callbacks of what was just awaited: let them run.
    await new Promise((resolve) => setImmediate(resolve));
    const sockets = this.#io ? [...this.#io.of('/').sockets.values()] : [];
    const notice = { code: 'RESTARTING', message: ERRORS.RESTARTING };
    for (const socket of sockets) {
      socket.emit('restarting', notice);
      socket.disconnect(true);
    }
    // Closing handshakes, briefly: whoever has not answered by then is cut by `close`.
    const deadline = Date.now() + GOODBYE_MS;
    while (Date.now() < deadline && this.#openConnections() > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { commands, sessions: sockets.length, replicas };
  }

  /** Every command taken is answered and every room's records are on disk. */
  async #settled(): Promise<void> {
    for (;;) {
      const tails = [...this.rooms.values()].map((room) => room.written);
      await Promise.all([...this.#inFlight, ...tails].map((p) => p.catch(() => undefined)));
      const again = [...this.rooms.values()].some((room, i) => room.written !== tails[i]);
      if (this.#inFlight.size === 0 && !again) return;
    }
  }

  #openConnections(): number {
    return (this.#io?.engine.clientsCount ?? 0) + this.yjs.connectionCount();
  }

  async close(): Promise<void> {
    this.#draining = true;
    if (this.#retentionTimer) clearInterval(this.#retentionTimer);
    if (this.#idleTimer) clearInterval(this.#idleTimer);
    this.yjs.close();
    if (this.#http && this.#upgrade) this.#http.off('upgrade', this.#upgrade);
    if (this.#io) {
      this.#io.disconnectSockets(true);
      // io.close() would also close the HTTP server; its owner does that.
      this.#io.engine.close();
      this.#io.removeAllListeners();
    }
    this.rooms.clear();
    this.metrics.close();
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

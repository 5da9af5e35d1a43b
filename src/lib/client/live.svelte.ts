import { io, type Socket } from 'socket.io-client';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { DomainError } from '../domain/errors';
import type { Ack } from '../protocol/ack';
import type { ClientCommand, Handshake } from '../protocol/commands';
import type { Audience, ReplicaSnapshot, RoomGrant, Welcome } from '../protocol/replica';
import { YJS_PATH } from '../protocol/replica';
import { PROTOCOL_VERSION } from '../protocol/version';
import { newOpId } from './opId';
import { Outbox, type OutboxEntry } from './outbox';
import { EMPTY_SNAPSHOT, SnapshotReader } from './snapshot';
import { Vision } from './vision.svelte';

export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'refused';

const ACK_TIMEOUT_MS = 8000;
const ATTEMPTS = 4;
/** How long `send` keeps trying a command the server asked to slow down. */
const RATE_LIMIT_PATIENCE_MS = 120_000;
/** The server closes a replica with this code when the workshop was deleted (CLOSE.GONE). */
const CLOSED_GONE = 4410;
/** Refusals that mean "later", not "no": the command keeps its place and is sent again. */
const RETRY_LATER = new Set(['RATE_LIMITED', 'TOO_MANY_ATTEMPTS', 'INTERNAL', 'RESTARTING']);
/** Refusals a command sent with `send` waits out and is sent again (same op id). */
const WAIT_OUT = new Set(['RATE_LIMITED', 'RESTARTING']);
/**
 * After the server said it restarts: how long the screen says "connecting" rather than
 * "offline" (a restart takes a few seconds; one that takes longer is an outage, and shows).
 */
const RESTART_GRACE_MS = 30_000;

/**
 * How long to wait after `failures` failures in a row: from a quarter second, doubling, up to
 * `maxMs`, with jitter so a room of phones refused at once does not come back at once.
 */
function backoff(failures: number, maxMs: number): number {
  const ms = Math.min(maxMs, 250 * 2 ** Math.max(0, failures));
  return ms / 2 + (Math.random() * ms) / 2;
}

type OutboxStorage = ConstructorParameters<typeof Outbox>[1];

export interface LiveOptions {
  /** The server (the page's own origin by default). */
  origin?: string;
  /** Where this device keeps unsent commands; without it, `queue` is not available. */
  outboxKey?: string;
  /** The outbox's storage (the browser's localStorage by default). */
  storage?: OutboxStorage;
  /** The WebSocket class for replicas (the browser's by default; Node 20 has none). */
  WebSocket?: typeof globalThis.WebSocket;
}

/** One read-only replica: a Y.Doc kept in sync by the y-websocket client. */
class Replica {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  snapshot = $state.raw<ReplicaSnapshot>(EMPTY_SNAPSHOT);
  synced = $state(false);

  constructor(
    base: string,
    readonly grant: RoomGrant,
    hooks: {
      refused: (code: number) => void;
      synced: () => void;
      changed?: (snapshot: ReplicaSnapshot) => void;
    },
    WebSocketClass: typeof globalThis.WebSocket | undefined,
  ) {
    this.provider = new WebsocketProvider(base, grant.room, this.doc, {
      params: { ticket: grant.ticket },
      disableBc: true,
      WebSocketPolyfill: WebSocketClass,
    });
    // Presence is a count the server publishes; nobody needs this client's awareness.
    this.provider.awareness.setLocalState(null);
    // Each update re-reads only the keys it changed (no toJSON of the whole replica per note).
    new SnapshotReader(this.doc, (snapshot) => {
      this.snapshot = snapshot;
      hooks.changed?.(snapshot);
    });
    // The stock client stops for good after a 44xx close (a refused or expired ticket): we ask
    // for a fresh ticket and `renew` starts it again. Other closes it retries by itself, with
    // the ticket it has; if that one expired meanwhile, the retry ends here too.
    this.provider.on('closed', (event) => hooks.refused(event.code));
    this.provider.on('sync', (synced: boolean) => {
      if (!synced) return;
      this.synced = true;
      hooks.synced();
    });
  }

  /** A fresh ticket for the next connection; starts it again if it had stopped after a refusal. */
  renew(ticket: string): void {
    this.provider.params = { ticket };
    if (!this.provider.shouldConnect) this.provider.connect();
  }

  destroy(): void {
    this.provider.awareness.destroy();
    this.provider.destroy();
    this.doc.destroy();
  }
}

/**
 * A live connection to a workshop: commands over socket.io, state from read-only replicas.
 * On every (re)connection it says hello; a new server epoch means fresh replicas, never a merge.
 */
export class LiveWorkshop {
  status = $state<ConnectionStatus>('connecting');
  welcome = $state.raw<Welcome | null>(null);
  refusal = $state.raw<DomainError | null>(null);
  /** The workshop was deleted or erased: nothing to reconnect to, nothing to keep. */
  gone = $state(false);
  /**
   * The server said it is restarting, and is not back yet (for at most RESTART_GRACE_MS): a
   * pause, not a lost connection, so pages show no warning meanwhile.
   */
  restarting = $state(false);
  /** Commands waiting on this device, and the ones the server refused. */
  outbox = $state.raw<readonly OutboxEntry[]>([]);
  /** How many outbox commands the server has acknowledged since the page opened. */
  delivered = $state(0);
  /** Server clock minus this device's clock, in ms, measured at each hello. */
  clockOffset = $state(0);
  /**
   * The writable vision room (Devenir's statements), for those the server lets write: null for
   * the projector and visitors, and for a participant once removed (editors turn read-only).
   */
  vision = $state.raw<Vision | null>(null);
  #visionGrant: Welcome['vision'] = null;
  /** The replica shown, per audience; a replacement waits in #next until it has synced. */
  #replicas = $state.raw<Partial<Record<Audience, Replica>>>({});
  #next: Partial<Record<Audience, Replica>> = {};
  readonly #socket: Socket;
  readonly #base: string;
  readonly #outbox: Outbox | null;
  readonly #WebSocket: typeof globalThis.WebSocket | undefined;
  #draining = false;
  #closed = false;
  #onStorage: ((event: StorageEvent) => void) | null = null;
  #helloTimer: ReturnType<typeof setTimeout> | null = null;
  #drainTimer: ReturnType<typeof setTimeout> | null = null;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Failures in a row, to space out the next attempt: hellos, sends, and refusals per room. */
  #helloFailures = 0;
  #drainFailures = 0;
  #refusals: Partial<Record<Audience, number>> = {};
  #visionRefusals = 0;
  #visionRefusedAt = 0;

  constructor(auth: Omit<Handshake, 'v'> | Record<string, never>, options: LiveOptions = {}) {
    const origin = options.origin ?? location.origin;
    this.#WebSocket = options.WebSocket;
    this.#outbox = options.outboxKey
      ? new Outbox(
          options.outboxKey,
          options.storage ?? localStorage,
          (entries) => (this.outbox = entries),
        )
      : null;
    this.outbox = this.#outbox?.entries ?? [];
    if (this.#outbox && !options.storage && typeof window !== 'undefined') {
      // Another tab of this phone queued or delivered something: show it, send what waits.
      const key = options.outboxKey;
      this.#onStorage = (event: StorageEvent) => {
        if (event.key !== key) return;
        this.#outbox?.refresh();
        void this.#drain();
      };
      window.addEventListener('storage', this.#onStorage);
    }
    this.#base = origin.replace(/^http/, 'ws') + YJS_PATH;
    this.#socket = io(origin, {
      path: '/socket.io',
      auth: { v: PROTOCOL_VERSION, ...auth },
      transports: ['websocket', 'polling'],
    });
    this.#socket.on('connect', () => {
      this.status = 'online';
      this.refusal = null;
      this.#restarted();
      void this.#hello();
    });
    // The server is stopping to restart (an upgrade, a new container): it answered every
    // command it took, and lets this session go next. Come back quietly once it is up again.
    this.#socket.on('restarting', () => {
      this.restarting = true;
      this.status = 'connecting';
      if (this.#restartTimer) clearTimeout(this.#restartTimer);
      this.#restartTimer = setTimeout(() => {
        this.#restartTimer = null;
        this.restarting = false;
        if (!this.#socket.connected && this.status === 'connecting') this.status = 'offline';
      }, RESTART_GRACE_MS);
    });
    this.#socket.on('gone', (notice: DomainError) => {
      this.gone = true;
      this.status = 'refused';
      this.refusal = notice;
      this.#outbox?.clear();
    });
    this.#socket.on('disconnect', (reason) => {
      if (this.gone) return;
      this.status = this.restarting ? 'connecting' : 'offline';
      // What is typed in a statement meanwhile stays in its document and goes once back. (After
      // a restart notice the server has closed the vision room itself; it reconnects alone.)
      if (!this.restarting) this.vision?.reconnect();
      // The server ended this session (its rights changed): connect again and learn who we are
      // now (a visitor, or refused), instead of staying silently disconnected. After a restart
      // notice, a little later: the server is still stopping, and a room of phones must not
      // come back all in the same instant.
      if (reason === 'io server disconnect') {
        if (this.restarting) this.#reconnectSoon();
        else this.#socket.connect();
      }
    });
    this.#socket.on('connect_error', (error: Error & { data?: DomainError }) => {
      if (error.data?.code === 'RESTARTING') {
        // Refused while it stops: not a refusal of this device. socket.io does not retry a
        // handshake the server refused, so this does.
        this.restarting = true;
        this.status = 'connecting';
        this.#reconnectSoon();
      } else if (error.data?.code) {
        this.status = 'refused';
        this.refusal = error.data;
        this.#socket.disconnect();
      } else {
        this.status = this.restarting ? 'connecting' : 'offline';
      }
    });
  }

  /** Connect again in 1 to 3 s (spread, so a room of phones does not come back at once). */
  #reconnectSoon(): void {
    if (this.#closed || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(
      () => {
        this.#reconnectTimer = null;
        if (!this.#closed && !this.#socket.connected) this.#socket.connect();
      },
      1000 + Math.random() * 2000,
    );
  }

  /** Back after a restart (or never gone): nothing to wait out any more. */
  #restarted(): void {
    this.restarting = false;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
  }

  /**
   * The workshop has a new join code: reconnect with it from now on (a former code lets only
   * participants with their token back in, so the projector follows the new one).
   */
  followJoinCode(code: string): void {
    const auth = this.#socket.auth as Record<string, unknown>;
    if (typeof auth.code === 'string' && auth.code !== code) this.#socket.auth = { ...auth, code };
  }

  /** The replica of one audience (the public one unless asked otherwise). */
  snapshot(audience: Audience = 'public'): ReplicaSnapshot {
    return this.#replicas[audience]?.snapshot ?? EMPTY_SNAPSHOT;
  }

  get synced(): boolean {
    return Object.keys(this.#replicas).length > 0;
  }

  async #hello(): Promise<void> {
    try {
      const sentAt = Date.now();
      const ack = (await this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('hello')) as Ack<Welcome>;
      // Throttled (or failed): ask again a little later; the screen keeps what it shows.
      if (!ack.ok) {
        this.#scheduleHello(backoff(++this.#helloFailures, 30_000));
        return;
      }
      this.#helloFailures = 0;
      // The server answered halfway through the round trip, give or take.
      this.clockOffset = ack.value.serverTime - (sentAt + Date.now()) / 2;
      this.welcome = ack.value;
      this.#useRooms(ack.value.rooms);
      this.#useVision(ack.value.vision ?? null);
      void this.#drain();
    } catch {
      this.#scheduleHello(backoff(++this.#helloFailures, 30_000));
    }
  }

  /** Say hello again soon; when the socket is down, its next `connect` says it anyway. */
  #scheduleHello(delayMs: number): void {
    if (this.#closed || this.#helloTimer || !this.#socket.connected) return;
    this.#helloTimer = setTimeout(() => {
      this.#helloTimer = null;
      void this.#hello();
    }, delayMs);
  }

  #useRooms(grants: RoomGrant[]): void {
    for (const grant of grants) {
      const current = this.#replicas[grant.audience];
      const pending = this.#next[grant.audience];
      if (current?.grant.room === grant.room) {
        current.renew(grant.ticket);
        continue;
      }
      if (pending?.grant.room === grant.room) {
        pending.renew(grant.ticket);
        continue;
      }
      pending?.destroy();
      // A new room (the server restarted: new epoch) is a new document, never merged into the
      // old one. The old replica stays on screen until the new one has synced.
      const replica: Replica = new Replica(
        this.#base,
        grant,
        {
          refused: (code) => this.#refreshRoom(replica, code),
          synced: () => {
            this.#refusals[grant.audience] = 0;
            this.#promote(grant.audience, replica);
          },
          changed: () => {
            if (grant.audience === 'public') this.#applyVision();
          },
        },
        this.#WebSocket,
      );
      if (current) this.#next = { ...this.#next, [grant.audience]: replica };
      else this.#replicas = { ...this.#replicas, [grant.audience]: replica };
    }
    for (const [audience, replica] of Object.entries(this.#replicas)) {
      if (!grants.some((g) => g.audience === audience)) {
        replica.destroy();
        const rest = { ...this.#replicas };
        delete rest[audience as Audience];
        this.#replicas = rest;
      }
    }
  }

  /**
   * The vision room keeps one document for as long as its name stays the same (it carries no
   * epoch): a new hello only brings a fresh ticket for the next connection.
   */
  #useVision(grant: Welcome['vision']): void {
    this.#visionGrant = grant;
    const current = this.vision;
    if (current && grant && current.room === grant.room) current.renew(grant.ticket);
    this.#applyVision();
  }

  /**
   * The vision room is open while the workshop is in Devenir (a connection a phone pays for in
   * the server's memory, and only Devenir writes there). Outside it, the room closes once what
   * was typed has gone out (an offline phone keeps it, and its document, until it has).
   */
  #applyVision(): void {
    const grant = this.#visionGrant;
    const current = this.vision;
    const devenir = this.snapshot('public').workshop?.currentStage === 'dream';
    if (current && (!grant || current.room !== grant.room)) {
      current.destroy();
      this.vision = null;
    } else if (current && !devenir && current.status === 'online') {
      current.destroy();
      this.vision = null;
    }
    if (!this.vision && grant && devenir) {
      this.vision = new Vision(this.#base, grant, (code) => this.#refreshVision(code), {
        WebSocket: this.#WebSocket,
      });
    }
  }

  /** The vision room was closed with a 44xx code: a hello brings a fresh ticket (renew). */
  #refreshVision(code: number): void {
    if (code === CLOSED_GONE) return;
    // Refusals in a row space out the hellos; one after a quiet minute starts over.
    const now = Date.now();
    if (now - this.#visionRefusedAt > 60_000) this.#visionRefusals = 0;
    this.#visionRefusedAt = now;
    this.#scheduleHello(backoff(++this.#visionRefusals, 30_000));
  }

  #promote(audience: Audience, replica: Replica): void {
    if (this.#next[audience] !== replica) return;
    const rest = { ...this.#next };
    delete rest[audience];
    this.#next = rest;
    this.#replicas[audience]?.destroy();
    this.#replicas = { ...this.#replicas, [audience]: replica };
  }

  /**
   * The server closed a room for good with this ticket (expired or withdrawn ticket, new epoch,
   * too many messages): ask for fresh grants, then `#useRooms` reconnects it. A screen never
   * stays frozen; repeated refusals space out the hellos (the server throttles them too).
   */
  #refreshRoom(replica: Replica, code: number): void {
    // The workshop is gone: socket.io says so, there is nothing to come back to.
    if (code === CLOSED_GONE) return;
    const audience = replica.grant.audience;
    const refusals = (this.#refusals[audience] ?? 0) + 1;
    this.#refusals[audience] = refusals;
    if (this.#next[audience] === replica) {
      const rest = { ...this.#next };
      delete rest[audience];
      this.#next = rest;
      replica.destroy();
    }
    // A shown replica stays on screen (stale but readable) until it syncs again or its
    // replacement does: its document is never cleared here.
    this.#scheduleHello(backoff(refusals, 30_000));
  }

  /** Keep a command on the device and send it when possible (phones use this for notes). */
  queue(cmd: ClientCommand): void {
    if (!this.#outbox) throw new Error('this connection has no outbox');
    this.#outbox.add(cmd);
    void this.#drain();
  }

  /** Forget a refused command once its text has been copied or is no longer wanted. */
  dismiss(op: string): void {
    this.#outbox?.dismiss(op);
  }

  /** Send waiting commands in order, each with its own op id, until one cannot be sent. */
  async #drain(): Promise<void> {
    if (!this.#outbox || this.#draining) return;
    this.#draining = true;
    try {
      for (let entry = this.#outbox.next(); entry; entry = this.#outbox.next()) {
        if (!this.#socket.connected || this.welcome?.role !== 'participant') return;
        let ack: Ack<Record<string, string>>;
        try {
          ack = (await this.#socket
            .timeout(ACK_TIMEOUT_MS)
            .emitWithAck('cmd', { v: PROTOCOL_VERSION, op: entry.op, cmd: entry.cmd })) as Ack<
            Record<string, string>
          >;
        } catch {
          this.#retryDrainLater();
          return;
        }
        if (ack.ok) {
          this.#drainFailures = 0;
          this.#outbox.done(entry.op);
          this.delivered++;
        } else if (RETRY_LATER.has(ack.error.code)) {
          // "Later", not "no": the entry keeps its place (and its op id) and waits its turn.
          this.#retryDrainLater();
          return;
        } else this.#outbox.reject(entry.op, ack.error);
      }
    } finally {
      this.#draining = false;
    }
  }

  #retryDrainLater(): void {
    if (this.#closed || this.#drainTimer) return;
    // 1 s, then up to 3 s: the command budget refills 10 a second
    const delay = Math.min(3000, 1000 * ++this.#drainFailures);
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = null;
      void this.#drain();
    }, delay);
  }

  /** Send a command; retried with the same op id until acknowledged, so it applies once. */
  /**
   * Ask for a download (consoles only): the server answers with a single-use link, good for a
   * minute, that the browser then opens like any file.
   */
  async exportLink(
    format: string,
    separator?: ';' | ',',
    options: { coarsenTimes?: 'day' } = {},
  ): Promise<Ack<{ path: string; filename: string }>> {
    try {
      return (await this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('export', {
        v: PROTOCOL_VERSION,
        format,
        ...(separator ? { separator } : {}),
        ...(options.coarsenTimes ? { coarsenTimes: options.coarsenTimes } : {}),
      })) as Ack<{ path: string; filename: string }>;
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: 'No answer from the server.' } };
    }
  }

  async send(cmd: ClientCommand): Promise<Ack<Record<string, string>>> {
    const envelope = { v: PROTOCOL_VERSION, op: newOpId(), cmd };
    const giveUpAt = Date.now() + RATE_LIMIT_PATIENCE_MS;
    for (let attempt = 1, limited = 0; ; attempt++) {
      try {
        const ack = (await this.#socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('cmd', envelope)) as Ack<Record<string, string>>;
        // "Later", not "no" (a busy venue joining at once behind one address, a fast console,
        // a server restarting): the same command, same op id, again after a pause, for a while.
        if (!ack.ok && WAIT_OUT.has(ack.error.code) && !this.#closed) {
          const pause = backoff(++limited, 4000);
          if (Date.now() + pause < giveUpAt) {
            attempt = 0;
            await new Promise((resolve) => setTimeout(resolve, pause));
            continue;
          }
        }
        const joining = cmd.type === 'joinWorkshop' || cmd.type === 'rejoinWorkshop';
        if (ack.ok && joining) void this.#hello();
        if (!ack.ok && joining && ack.error.code === 'ALREADY_JOINED' && !this.#closed) {
          // Another tab of this device joined first; this connection was opened before, as a
          // visitor. A new handshake with the same token is the participant (then a hello).
          if (this.welcome?.role !== 'participant') this.#socket.disconnect().connect();
        }
        return ack;
      } catch {
        if (attempt >= ATTEMPTS) {
          return {
            ok: false,
            error: { code: 'INTERNAL', message: 'No answer from the server.' },
          };
        }
      }
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#onStorage) window.removeEventListener('storage', this.#onStorage);
    if (this.#helloTimer) clearTimeout(this.#helloTimer);
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#restarted();
    this.#socket.disconnect();
    for (const replica of [...Object.values(this.#replicas), ...Object.values(this.#next)]) {
      replica.destroy();
    }
    this.#replicas = {};
    this.#next = {};
    this.vision?.destroy();
    this.vision = null;
  }
}

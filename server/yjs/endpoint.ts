import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { log } from '../log';
import {
  parseRoomName,
  VISION_HISTORY,
  YJS_PATH,
  type AudienceKey,
} from '../../src/lib/protocol/replica';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/** Close codes in 4400–4499 tell the client not to retry with the same room and ticket. */
export const CLOSE = {
  BAD_ROOM: 4400,
  BAD_TICKET: 4401,
  STALE_EPOCH: 4409,
  /** The workshop was deleted. */
  GONE: 4410,
  TOO_LARGE: 4413,
  /** The connection spent its message budget. */
  TOO_MANY_MESSAGES: 4429,
  /** The server failed on its own while taking the connection. */
  INTERNAL: 1011,
  /** The server is restarting (RFC 6455 "service restart"): the client reconnects by itself. */
  RESTART: 1012,
} as const;

/** How much one replica connection may cost the server (the README lists them). */
export interface EndpointLimits {
  /**
   * Bytes waiting to go out to one connection before it is cut. A full replica is about 2 MB at
   * the note caps; a client that stops reading must not make the server hold copies of it.
   */
  maxBufferedBytes: number;
  /** Messages one connection may send at once, then per second (a real client sends 2 or 3). */
  messageBurst: number;
  messagesPerSecond: number;
  /**
   * Sync requests (step 1) one connection may make. A real client makes one, when it opens; each
   * answer can be the whole replica (a few bytes in, a megabyte encoded and sent out).
   */
  syncRequests: number;
  /** The same budget for a writer's connection (a keystroke is an update, a caret move too). */
  writerBurst: number;
  writerPerSecond: number;
}

export const ENDPOINT_LIMITS: EndpointLimits = {
  maxBufferedBytes: 4 * 1024 * 1024,
  messageBurst: 50,
  messagesPerSecond: 20,
  syncRequests: 3,
  writerBurst: 100,
  writerPerSecond: 40,
};

/**
 * A room clients may write to (the vision room): the endpoint hands each connection's updates
 * and awareness to it, and sends everyone the updates of `doc` (what the room has accepted).
 */
export interface WritableRoom {
  doc: Y.Doc;
  join(link: {
    send(message: Uint8Array): void;
    close(code: number, reason: string): void;
  }): WriterConn;
}

export interface WriterConn {
  update(update: Uint8Array): void;
  awareness(update: Uint8Array): void;
  leave(): void;
}

/** Where the endpoint finds a room's document, after checking the ticket. */
export interface RoomResolver {
  epoch: string;
  /**
   * The doc for a valid ticket to this workshop and audience (a writable room for the vision
   * room), or a close code.
   */
  resolve(ticket: string, workshopId: string, audience: AudienceKey): Y.Doc | WritableRoom | number;
}

interface Room {
  name: string;
  doc: Y.Doc;
  conns: Set<WebSocket>;
  onUpdate: (update: Uint8Array, origin: unknown) => void;
  /**
   * The whole document as a sync step 2 message, until the next update changes it. Only for
   * rooms many screens read (public, facilitator): a private room has one reader, and would
   * keep a copy of its replica for nobody (a few hundred bytes a phone).
   */
  full: Uint8Array | null;
  /** Whose replica it is: a phone's own (`me-…`) is `private`. */
  audience: RoomAudience;
}

type RoomAudience = 'public' | 'facilitator' | 'private' | 'vision';

/** What the endpoint did, for tests and the benchmark. */
export interface EndpointStats {
  /** Connections let into a room (a valid ticket), since the start. */
  opened: number;
  /** How many times a whole replica was encoded (once per room and version, at most). */
  fullStateEncodes: number;
  /** Connections cut because too much was waiting to be sent to them. */
  cutForBuffer: number;
  /** Connections closed because they sent too many messages. */
  cutForMessages: number;
}

/**
 * What the endpoint keeps for one connection, in one small object: its room, its message budget
 * (`messageBurst` at once, refilled at `messagesPerSecond`) and the sync requests it made. The
 * listeners are shared by every connection (closures of its own cost a connection about 0.5 KB).
 */
interface Conn {
  room: Room;
  tokens: number;
  at: number;
  syncRequests: number;
  /** Set for a connection to a writable room. */
  writer?: WriterConn;
}

/** Listeners for every connection at once: the emitter passes the connection as `this`. */
function sharedListeners(
  onMessage: (ws: WebSocket, data: RawData, isBinary: boolean) => void,
  onClose: (ws: WebSocket) => void,
) {
  return {
    message(this: WebSocket, data: RawData, isBinary: boolean): void {
      onMessage(this, data, isBinary);
    },
    close(this: WebSocket): void {
      onClose(this);
    },
  };
}

/** Shared by every connection: an error on one ends it. */
function terminateOnError(this: WebSocket): void {
  this.terminate();
}

/**
 * A read-only y-websocket endpoint on y-protocols. It answers sync step 1 with the document,
 * drops every update a client sends (the server is the only writer), forwards the server's
 * updates, and sends an empty update every 15 s so clients see traffic (browsers never surface
 * WebSocket pings; the stock client reconnects after 30 s of silence).
 *
 * Nothing a client sends may throw out of a listener: a bad room name, frame or ticket closes
 * that connection with a code and the server carries on.
 */
export class YjsEndpoint {
  readonly #wss: WebSocketServer;
  readonly #rooms = new Map<string, Room>();
  readonly #conns = new Map<WebSocket, Conn>();
  /** One listener of each kind for every connection (`this` is the connection). */
  readonly #listeners: ReturnType<typeof sharedListeners>;
  readonly #keepAlive: NodeJS.Timeout;
  readonly #limits: EndpointLimits;
  readonly stats: EndpointStats = {
    opened: 0,
    fullStateEncodes: 0,
    cutForBuffer: 0,
    cutForMessages: 0,
  };

  constructor(
    private readonly resolver: RoomResolver,
    options: { maxPayload: number; keepAliveMs?: number } & Partial<EndpointLimits>,
  ) {
    const { maxPayload, keepAliveMs, ...limits } = options;
    this.#limits = { ...ENDPOINT_LIMITS, ...definedOnly(limits) };
    // Our rooms track the connections: the server's own set would hold each one a second time.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload, clientTracking: false });
    this.#listeners = sharedListeners(
      (ws, data, isBinary) => this.#message(ws, data, isBinary),
      (ws) => this.#closed(ws),
    );
    this.#keepAlive = setInterval(() => this.#ping(), keepAliveMs ?? 15_000);
    this.#keepAlive.unref();
  }

  /** Take the upgrade if the path is ours; return false to leave it to others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    // The raw target, not `new URL`: that throws on some inputs and resolves `..` segments.
    const target = typeof req.url === 'string' ? req.url : '/';
    const query = target.indexOf('?');
    const path = query === -1 ? target : target.slice(0, query);
    if (!path.startsWith(`${YJS_PATH}/`)) return false;
    const name = safeDecode(path.slice(YJS_PATH.length + 1));
    const ticket = new URLSearchParams(query === -1 ? '' : target.slice(query + 1)).get('ticket');
    try {
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          this.#accept(ws, name, ticket ?? '');
        } catch (error) {
          log().error({ err: error }, 'a replica connection failed on its way in');
          ws.close(CLOSE.INTERNAL, 'server error');
        }
      });
    } catch (error) {
      log().error({ err: error }, 'a replica upgrade failed');
      socket.destroy();
    }
    return true;
  }

  #accept(ws: WebSocket, name: string | null, ticket: string): void {
    ws.on('error', terminateOnError);
    const parsed = name === null ? null : parseRoomName(name);
    if (!parsed || name === null) return ws.close(CLOSE.BAD_ROOM, 'unknown room');
    // The vision room keeps its history across restarts: its name carries a fixed mark.
    const mark = parsed.key === 'vision' ? VISION_HISTORY : this.resolver.epoch;
    if (parsed.epoch !== mark) return ws.close(CLOSE.STALE_EPOCH, 'new epoch');
    const target = this.resolver.resolve(ticket, parsed.workshopId, parsed.key);
    if (typeof target === 'number') return ws.close(target, 'not allowed');
    const writable = target instanceof Y.Doc ? null : target;
    const doc = writable ? writable.doc : (target as Y.Doc);
    const room = this.#room(name, doc, parsed.key);
    room.conns.add(ws);
    const conn: Conn = {
      room,
      tokens: writable ? this.#limits.writerBurst : this.#limits.messageBurst,
      at: Date.now(),
      syncRequests: 0,
    };
    if (writable) {
      conn.writer = writable.join({
        send: (message) => this.#send(ws, message),
        close: (code, reason) => ws.close(code, reason),
      });
    }
    this.#conns.set(ws, conn);
    this.stats.opened++;
    ws.binaryType = 'nodebuffer';
    ws.on('message', this.#listeners.message);
    ws.on('close', this.#listeners.close);
    // Start the exchange: our state vector, so the client sends nothing we would drop anyway.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
    this.#send(ws, encoding.toUint8Array(encoder));
  }

  #message(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const conn = this.#conns.get(ws);
    if (!conn || ws.readyState !== ws.OPEN) return;
    if (!this.#takeMessage(conn)) {
      this.stats.cutForMessages++;
      ws.close(CLOSE.TOO_MANY_MESSAGES, 'too many messages');
      return;
    }
    if (!isBinary) return;
    this.#onMessage(ws, conn, new Uint8Array(data as Buffer));
  }

  /** One message out of the connection's budget, or false when it is spent. */
  #takeMessage(conn: Conn): boolean {
    const { messageBurst, messagesPerSecond } = conn.writer
      ? { messageBurst: this.#limits.writerBurst, messagesPerSecond: this.#limits.writerPerSecond }
      : this.#limits;
    const now = Date.now();
    conn.tokens = Math.min(
      messageBurst,
      conn.tokens + ((now - conn.at) / 1000) * messagesPerSecond,
    );
    conn.at = now;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  }

  #mayAnswer(ws: WebSocket, conn: Conn): boolean {
    if (++conn.syncRequests <= this.#limits.syncRequests) return true;
    this.stats.cutForMessages++;
    ws.close(CLOSE.TOO_MANY_MESSAGES, 'too many sync requests');
    return false;
  }

  #closed(ws: WebSocket): void {
    const conn = this.#conns.get(ws);
    if (!conn) return;
    this.#conns.delete(ws);
    conn.writer?.leave();
    const { room } = conn;
    room.conns.delete(ws);
    // A room replaced under the same name (a new doc) stays: only this one goes.
    if (room.conns.size === 0 && this.#rooms.get(room.name) === room) this.#dropRoom(room.name);
  }

  #onMessage(ws: WebSocket, conn: Conn, message: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC) {
        const syncType = decoding.readVarUint(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          if (this.#mayAnswer(ws, conn)) {
            this.#send(ws, this.#answerStep1(conn.room, decoding.readVarUint8Array(decoder)));
          }
        } else if (conn.writer) {
          // sync step 2 or an update: the writable room decides what it accepts
          conn.writer.update(decoding.readVarUint8Array(decoder));
        }
        // from read-only rooms, sync step 2 and updates are dropped: clients cannot write there.
      } else if (type === MESSAGE_AWARENESS) {
        conn.writer?.awareness(decoding.readVarUint8Array(decoder));
      } else {
        // unknown message types are ignored, like the stock server does
      }
    } catch {
      ws.close(CLOSE.BAD_ROOM, 'malformed message');
    }
  }

  /**
   * Sync step 2 for a client's state vector. A client that holds nothing of this document (a
   * new screen, the usual case) gets the whole of it, encoded once per version for everyone.
   */
  #answerStep1(room: Room, encodedVector: Uint8Array): Uint8Array {
    const theirs = Y.decodeStateVector(encodedVector);
    const holdsNothing = [...room.doc.store.clients.keys()].every(
      (client) => (theirs.get(client) ?? 0) === 0,
    );
    if (holdsNothing) {
      if (room.full) return room.full;
      this.stats.fullStateEncodes++;
      const full = step2(Y.encodeStateAsUpdate(room.doc));
      if (room.audience !== 'private') room.full = full;
      return full;
    }
    return step2(Y.encodeStateAsUpdate(room.doc, encodedVector));
  }

  #room(name: string, doc: Y.Doc, key: AudienceKey): Room {
    const existing = this.#rooms.get(name);
    if (existing && existing.doc === doc) return existing;
    if (existing) this.#dropRoom(name);
    const room: Room = {
      name,
      doc,
      conns: new Set(),
      full: null,
      audience: key.startsWith('me-') ? 'private' : (key as RoomAudience),
      onUpdate: (update) => {
        room.full = null;
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.writeUpdate(encoder, update);
        const message = encoding.toUint8Array(encoder);
        for (const conn of room.conns) this.#send(conn, message);
      },
    };
    doc.on('update', room.onUpdate);
    this.#rooms.set(name, room);
    return room;
  }

  #dropRoom(name: string): void {
    const room = this.#rooms.get(name);
    if (!room) return;
    room.doc.off('update', room.onUpdate);
    this.#rooms.delete(name);
  }

  #ping(): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, EMPTY_UPDATE);
    const message = encoding.toUint8Array(encoder);
    for (const room of this.#rooms.values())
      for (const conn of room.conns) this.#send(conn, message);
  }

  /**
   * Send, unless too much already waits for this connection: then cut it at once. A close frame
   * would queue behind the megabytes it is not reading; terminating frees them now. The client
   * sees an abnormal close (1006) and reconnects like after a network drop.
   */
  #send(ws: WebSocket, message: Uint8Array): void {
    if (ws.readyState !== ws.OPEN) return;
    // Checked before adding: one message always goes, however large the replica has grown.
    if (ws.bufferedAmount > this.#limits.maxBufferedBytes) {
      this.stats.cutForBuffer++;
      ws.terminate();
      return;
    }
    try {
      ws.send(message, (err) => {
        if (err) ws.terminate();
      });
    } catch {
      ws.terminate();
    }
  }

  /** Close every connection to rooms whose name starts with `prefix` (rights were withdrawn). */
  closeRooms(prefix: string, code: number): void {
    for (const [name, room] of this.#rooms) {
      if (!name.startsWith(prefix)) continue;
      for (const conn of room.conns) conn.close(code, 'access withdrawn');
    }
  }

  /** Close every connection with this code (a graceful stop); returns how many there were. */
  closeAll(code: number, reason: string): number {
    let n = 0;
    for (const room of this.#rooms.values()) {
      for (const conn of room.conns) {
        conn.close(code, reason);
        n++;
      }
    }
    return n;
  }

  /** Open connections by the audience of their room (the metrics). */
  connectionsByAudience(): Record<RoomAudience, number> {
    const counts = { public: 0, facilitator: 0, private: 0, vision: 0 };
    for (const room of this.#rooms.values()) counts[room.audience] += room.conns.size;
    return counts;
  }

  /** How many replica connections are open (for the benchmark and tests). */
  connectionCount(): number {
    let n = 0;
    for (const room of this.#rooms.values()) n += room.conns.size;
    return n;
  }

  /** How many rooms hold their whole document encoded, ready for the next screen (tests). */
  fullStatesHeld(): number {
    let n = 0;
    for (const room of this.#rooms.values()) if (room.full) n++;
    return n;
  }

  /** Bytes waiting to go out, over every connection (tests). */
  bufferedBytes(): number {
    let n = 0;
    for (const room of this.#rooms.values())
      for (const conn of room.conns) n += conn.bufferedAmount;
    return n;
  }

  close(): void {
    clearInterval(this.#keepAlive);
    for (const [name, room] of this.#rooms) {
      for (const conn of room.conns) conn.terminate();
      this.#dropRoom(name);
    }
    this.#wss.close();
  }
}

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

function step2(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A percent-decoded room name, or null when the encoding is broken (`%E0%A4%A`). */
function safeDecode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

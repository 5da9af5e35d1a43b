import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { parseRoomName, YJS_PATH, type AudienceKey } from '../../src/lib/protocol/replica';

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
} as const;

/** Where the endpoint finds a room's document, after checking the ticket. */
export interface RoomResolver {
  epoch: string;
  /** The doc for a valid ticket to this workshop and audience, or a close code. */
  resolve(ticket: string, workshopId: string, audience: AudienceKey): Y.Doc | number;
}

interface Room {
  doc: Y.Doc;
  conns: Set<WebSocket>;
  onUpdate: (update: Uint8Array, origin: unknown) => void;
}

/**
 * A read-only y-websocket endpoint on y-protocols. It answers sync step 1 with the document,
 * drops every update a client sends (the server is the only writer), forwards the server's
 * updates, and sends an empty update every 15 s so clients see traffic (browsers never surface
 * WebSocket pings; the stock client reconnects after 30 s of silence).
 */
export class YjsEndpoint {
  readonly #wss: WebSocketServer;
  readonly #rooms = new Map<string, Room>();
  readonly #keepAlive: NodeJS.Timeout;

  constructor(
    private readonly resolver: RoomResolver,
    options: { maxPayload: number; keepAliveMs?: number },
  ) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
    this.#keepAlive = setInterval(() => this.#ping(), options.keepAliveMs ?? 15_000);
    this.#keepAlive.unref();
  }

  /** Take the upgrade if the path is ours; return false to leave it to others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(`${YJS_PATH}/`)) return false;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const name = decodeURIComponent(url.pathname.slice(YJS_PATH.length + 1));
      const ticket = url.searchParams.get('ticket') ?? '';
      this.#accept(ws, name, ticket);
    });
    return true;
  }

  #accept(ws: WebSocket, name: string, ticket: string): void {
    const parsed = parseRoomName(name);
    if (!parsed) return ws.close(CLOSE.BAD_ROOM, 'unknown room');
    if (parsed.epoch !== this.resolver.epoch) return ws.close(CLOSE.STALE_EPOCH, 'new epoch');
    const doc = this.resolver.resolve(ticket, parsed.workshopId, parsed.key);
    if (typeof doc === 'number') return ws.close(doc, 'not allowed');
    const room = this.#room(name, doc);
    room.conns.add(ws);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return;
      this.#onMessage(ws, room, new Uint8Array(data as Buffer));
    });
    ws.on('close', () => {
      room.conns.delete(ws);
      if (room.conns.size === 0) this.#dropRoom(name);
    });
    ws.on('error', () => ws.terminate());
    // Start the exchange: our state vector, so the client sends nothing we would drop anyway.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
    send(ws, encoding.toUint8Array(encoder));
  }

  #onMessage(ws: WebSocket, room: Room, message: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC) {
        const syncType = decoding.readVarUint(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          const encoder = encoding.createEncoder();
          encoding.writeVarUint(encoder, MESSAGE_SYNC);
          syncProtocol.readSyncStep1(decoder, encoder, room.doc);
          send(ws, encoding.toUint8Array(encoder));
        }
        // sync step 2 and updates from a client are dropped: clients cannot write here.
      } else if (type !== MESSAGE_AWARENESS) {
        // unknown message types are ignored, like the stock server does
      }
    } catch {
      ws.close(CLOSE.BAD_ROOM, 'malformed message');
    }
  }

  #room(name: string, doc: Y.Doc): Room {
    const existing = this.#rooms.get(name);
    if (existing && existing.doc === doc) return existing;
    if (existing) this.#dropRoom(name);
    const room: Room = {
      doc,
      conns: new Set(),
      onUpdate: (update) => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.writeUpdate(encoder, update);
        const message = encoding.toUint8Array(encoder);
        for (const conn of room.conns) send(conn, message);
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
    for (const room of this.#rooms.values()) for (const conn of room.conns) send(conn, message);
  }

  /** Close every connection to rooms whose name starts with `prefix` (rights were withdrawn). */
  closeRooms(prefix: string, code: number): void {
    for (const [name, room] of this.#rooms) {
      if (!name.startsWith(prefix)) continue;
      for (const conn of room.conns) conn.close(code, 'access withdrawn');
    }
  }

  /** How many replica connections are open (for the benchmark and tests). */
  connectionCount(): number {
    let n = 0;
    for (const room of this.#rooms.values()) n += room.conns.size;
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

function send(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(message, (err) => {
    if (err) ws.terminate();
  });
}

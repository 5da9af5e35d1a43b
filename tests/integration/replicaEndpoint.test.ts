import http from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { RunningServer } from '../../server/app';
import { CLOSE, ENDPOINT_LIMITS, YjsEndpoint } from '../../server/yjs/endpoint';
import type { RoomGrant } from '../../src/lib/protocol/replica';
import {
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  sendOk,
  TestReplica,
  useTestServer,
} from './helpers';

/*
 * The Yjs endpoint under pressure, against the real server: what one connection may cost it
 * (buffered bytes, messages), what many connections cost it (one encode per version), and
 * hostile upgrade paths.
 */

/** Sync step 1 with an empty state vector: 4 bytes that ask for the whole document. */
const ASK_FOR_EVERYTHING = Uint8Array.from([0, 0, 1, 0]);
/** An awareness message with an empty update: harmless, and ignored by the server. */
const AWARENESS = Uint8Array.from([1, 1, 0]);

const wsUrl = (url: string, path: string) => `${url.replace(/^http/, 'ws')}${path}`;

/** A raw client on a replica room; resolves once open. */
async function rawClient(url: string, grant: Pick<RoomGrant, 'room' | 'ticket'>) {
  const ws = new WebSocket(wsUrl(url, `/yjs/${grant.room}?ticket=${grant.ticket}`));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, closed };
}

/** A room with a participant's notes; returns the public grant and what to post with. */
async function roomWithNotes(server: RunningServer, count: number, size = 280) {
  const { url } = server;
  const { joinCode } = await createWorkshop(url);
  const author = await joinAs(url, joinCode, 'Ana');
  const welcome = await hello(author.socket);
  const room = server.realtime.rooms.get(welcome.workshopId!)!;
  const boardId = room.durable.stages.define.boardIds[0]!;
  const columnId = room.durable.boards[boardId]!.columns[0]!.id;
  for (let i = 0; i < count; i++) {
    const text = `${i} `.padEnd(size, 'x');
    await sendOk(author.socket, { type: 'addNote', boardId, columnId, text });
  }
  const grant = welcome.rooms.find((r) => r.audience === 'public')!;
  return { author, boardId, columnId, grant, welcome, room };
}

describe('a client that stops reading', () => {
  const CAP = 64 * 1024;
  const server = useTestServer({
    limits: { commands: { capacity: 1_000_000, perSecond: 1_000_000 } },
    // the message budgets out of the way: this test is about bytes
    replicaLimits: {
      maxBufferedBytes: CAP,
      messageBurst: 1e9,
      messagesPerSecond: 1e9,
      syncRequests: 1e9,
    },
  });

  it('[R3] is cut once more than the cap waits for it; the server holds no more; others carry on', async () => {
    const { url, realtime } = server.current;
    const { author, boardId, columnId, grant } = await roomWithNotes(server.current, 80);
    const normal = new TestReplica(url, grant);
    await normal.waitFor((s) => Object.keys(s.notes).length === 80);
    const full = Y.encodeStateAsUpdate(normal.doc).byteLength;
    // one message over the cap at most, plus the normal client's small share
    const bound = CAP + full + 1024;

    const { ws: stalled } = await rawClient(url, grant);
    const socket = (stalled as unknown as { _socket: NetSocket })._socket;
    socket.pause();
    let peak = 0;
    let sent = 0;
    // ~36 KB asked for per 4 bytes sent: 1000 asks would be 36 MB without the cap
    while (realtime.yjs.stats.cutForBuffer === 0 && sent < 1000) {
      for (let i = 0; i < 20; i++, sent++) stalled.send(ASK_FOR_EVERYTHING);
      await new Promise((r) => setTimeout(r, 5));
      peak = Math.max(peak, realtime.yjs.bufferedBytes());
    }
    expect(realtime.yjs.stats.cutForBuffer).toBe(1);
    expect(peak).toBeLessThanOrEqual(bound);
    await expect.poll(() => realtime.yjs.connectionCount()).toBe(1);
    stalled.terminate();

    // the reader who keeps up is still served
    const { noteId } = await sendOk(author.socket, {
      type: 'addNote',
      boardId,
      columnId,
      text: 'après',
    });
    await normal.waitFor((s) => s.notes[noteId!] !== undefined);
    expect(normal.provider.wsconnected).toBe(true);
  });
});

describe('the message budget', () => {
  const server = useTestServer();

  it('[R4] a connection past its burst of messages is closed with 4429; within it, it is served; others carry on', async () => {
    const { url, realtime } = server.current;
    const { joinCode } = await createWorkshop(url);
    const welcome = await hello(await connect(url, { code: joinCode, as: 'projector' }));
    const grant = welcome.rooms[0]!;
    const normal = openReplica(url, welcome);
    await normal.waitFor((s) => s.workshop !== null);

    // 40 messages at once: within the burst of 50, and the answer to the last one comes
    const polite = await rawClient(url, grant);
    const answers: Buffer[] = [];
    polite.ws.on('message', (data) => answers.push(data as Buffer));
    for (let i = 0; i < 39; i++) polite.ws.send(AWARENESS);
    polite.ws.send(ASK_FOR_EVERYTHING);
    // the server's own sync step 1, then the answer to ours (sync step 2)
    await expect.poll(() => answers.some((a) => a[0] === 0 && a[1] === 1)).toBe(true);
    expect(polite.ws.readyState).toBe(WebSocket.OPEN);

    const flood = await rawClient(url, grant);
    for (let i = 0; i < 200; i++) flood.ws.send(AWARENESS);
    expect(await flood.closed).toBe(4429);
    expect(realtime.yjs.stats.cutForMessages).toBe(1);

    expect(polite.ws.readyState).toBe(WebSocket.OPEN);
    polite.ws.close();
    expect(normal.provider.wsconnected).toBe(true);
  });
});

describe('many screens on one replica', () => {
  const server = useTestServer();

  it('[R5] the whole replica is encoded once per version, however many screens connect; a partial holder gets a diff', async () => {
    const { url, realtime } = server.current;
    const { joinCode, workshopId, facilitatorKey } = await createWorkshop(url);
    const console_ = await connect(url, { workshopId, key: facilitatorKey });
    const welcome = await hello(await connect(url, { code: joinCode, as: 'projector' }));
    const grant = welcome.rooms[0]!;
    const before = realtime.yjs.stats.fullStateEncodes;

    const first = Array.from({ length: 5 }, () => new TestReplica(url, grant));
    for (const r of first) await r.waitFor((s) => s.workshop !== null);
    expect(realtime.yjs.stats.fullStateEncodes - before).toBe(1);
    const older = Y.encodeStateAsUpdate(first[0]!.doc);

    await sendOk(console_, { type: 'setQuestion', question: 'Une autre question ?' });
    for (const r of first) await r.waitFor((s) => s.workshop?.question === 'Une autre question ?');
    const more = Array.from({ length: 5 }, () => new TestReplica(url, grant));
    for (const r of more) await r.waitFor((s) => s.workshop?.question === 'Une autre question ?');
    expect(realtime.yjs.stats.fullStateEncodes - before).toBe(2);

    // a screen that holds the older version asks with its state vector: it gets only what it
    // lacks (a diff, not counted as a whole encode), and ends up with the same document
    const stale = new Y.Doc();
    Y.applyUpdate(stale, older);
    const raw = await rawClient(url, grant);
    const replies: Uint8Array[] = [];
    raw.ws.on('message', (data) => replies.push(new Uint8Array(data as Buffer)));
    const ask = encoding.createEncoder();
    encoding.writeVarUint(ask, 0);
    syncProtocol.writeSyncStep1(ask, stale);
    raw.ws.send(encoding.toUint8Array(ask));
    await expect.poll(() => replies.some((r) => r[0] === 0 && r[1] === 1)).toBe(true);
    const decoder = decoding.createDecoder(replies.find((r) => r[0] === 0 && r[1] === 1)!);
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    const diff = decoding.readVarUint8Array(decoder);
    expect(diff.byteLength).toBeLessThan(Y.encodeStateAsUpdate(more[0]!.doc).byteLength);
    Y.applyUpdate(stale, diff);
    expect(stale.getMap('meta').toJSON()).toEqual(more[0]!.doc.getMap('meta').toJSON());
    expect(realtime.yjs.stats.fullStateEncodes - before).toBe(2);
    raw.ws.close();
    stale.destroy();
  });

  it('[R5] a phone’s own replica keeps no whole copy for a next reader (it has one): each new connection to it is encoded afresh', async () => {
    const { url, realtime } = server.current;
    const { joinCode } = await createWorkshop(url);
    const ana = await joinAs(url, joinCode, 'Ana');
    const grant = (await hello(ana.socket)).rooms.find((r) => r.audience === 'private')!;
    const before = realtime.yjs.stats.fullStateEncodes;
    const first = new TestReplica(url, grant);
    await first.waitFor((s) => s.me !== null);
    expect(realtime.yjs.stats.fullStateEncodes - before).toBe(1);
    // the same room still open (the first stays): a public room would hand its copy over
    const second = new TestReplica(url, grant);
    await second.waitFor((s) => s.me !== null);
    expect(realtime.yjs.stats.fullStateEncodes - before).toBe(2);
  });
});

/** Room names no client would send: broken percent-encodings, NUL, a very long name. */
const HOSTILE_PATHS = [
  '/yjs/%E0%A4%A',
  '/yjs/%',
  '/yjs/%ZZ?ticket=%E0%A4%A',
  '/yjs/%C0%AF.public.x',
  '/yjs/%00',
  `/yjs/${'%F0'.repeat(2000)}`,
];

/** How an upgrade ends: the close code, or the HTTP status of a refused handshake. */
function upgradeOutcome(url: string): Promise<string> {
  const ws = new WebSocket(url);
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(`HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.once('close', (code) => resolve(`close ${code}`));
    ws.on('error', () => {});
  });
}

describe('hostile upgrade paths', () => {
  const server = useTestServer();

  it('[R6] a room name that does not decode is refused (4400, or HTTP 400 before the endpoint); the server keeps serving', async () => {
    const { url } = server.current;
    const { joinCode } = await createWorkshop(url);
    for (const path of HOSTILE_PATHS) {
      expect(['close 4400', 'HTTP 400'], path).toContain(await upgradeOutcome(wsUrl(url, path)));
    }
    // a well-formed name from another epoch, with a broken ticket
    expect(await upgradeOutcome(wsUrl(url, '/yjs/a.public.b?ticket=%'))).toBe('close 4409');
    // still serving: a screen connects and syncs
    const replica = openReplica(
      url,
      await hello(await connect(url, { code: joinCode, as: 'projector' })),
    );
    const snap = await replica.waitFor((s) => s.workshop !== null);
    expect(snap.workshop!.joinCode).toBe(joinCode);
  });

  it('[R6] the endpoint on its own closes them with 4400 and carries on, whatever routes upgrades to it', async () => {
    const endpoint = new YjsEndpoint(
      { epoch: 'e1', resolve: () => CLOSE.BAD_TICKET },
      { maxPayload: 16 * 1024 },
    );
    const bare = http.createServer((_req, res) => res.end());
    bare.on('upgrade', (req, socket, head) => {
      if (!endpoint.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const base = `ws://127.0.0.1:${(bare.address() as AddressInfo).port}`;
    try {
      for (const path of HOSTILE_PATHS) {
        expect(await upgradeOutcome(`${base}${path}`), path).toBe('close 4400');
      }
      expect(await upgradeOutcome(`${base}/yjs/w1.public.e1?ticket=x`)).toBe('close 4401');
    } finally {
      endpoint.close();
      bare.closeAllConnections();
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});

describe('a room replaced under the same name', () => {
  it('[R14] when the last connection of the replaced room closes, the new room keeps sending its updates', async () => {
    let current = new Y.Doc();
    const first = current;
    const endpoint = new YjsEndpoint(
      { epoch: 'e1', resolve: () => current },
      { maxPayload: 16 * 1024 },
    );
    const bare = http.createServer((_req, res) => res.end());
    bare.on('upgrade', (req, socket, head) => {
      if (!endpoint.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(bare.address() as AddressInfo).port}/yjs/w1.public.e1?ticket=x`;
    const open = async () => {
      const ws = new WebSocket(url);
      const messages: Buffer[] = [];
      ws.on('message', (data: Buffer) => messages.push(data));
      await new Promise((resolve) => ws.once('open', resolve));
      return { ws, messages };
    };
    try {
      const old = await open();
      // the document behind the name changes (a replica rebuilt): a new connection gets it
      current = new Y.Doc();
      const fresh = await open();
      await expect.poll(() => fresh.messages.length).toBeGreaterThan(0);
      const closed = new Promise((resolve) => old.ws.once('close', resolve));
      old.ws.close();
      await closed;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(endpoint.connectionCount()).toBe(1);
      const before = fresh.messages.length;
      current.getMap('meta').set('k', 'v');
      await expect.poll(() => fresh.messages.length).toBeGreaterThan(before);
      expect(first).not.toBe(current);
      fresh.ws.close();
    } finally {
      endpoint.close();
      bare.closeAllConnections();
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});

describe('sync requests on one connection', () => {
  const server = useTestServer({ limits: { commands: { capacity: 1e6, perSecond: 1e6 } } });

  it('[R12] a connection gets 3 sync answers (a real client asks once); the next request closes it with 4429; others carry on', async () => {
    const { url, realtime } = server.current;
    const { grant, room } = await roomWithNotes(server.current, 30);
    const normal = new TestReplica(url, grant);
    await normal.waitFor((s) => Object.keys(s.notes).length === 30);
    // It claims to hold the first item: each answer is a diff encoded for it alone.
    const client = room.replicas.public.doc.clientID;
    const vector = encoding.createEncoder();
    encoding.writeVarUint(vector, 1);
    encoding.writeVarUint(vector, client);
    encoding.writeVarUint(vector, 1);
    const ask = encoding.createEncoder();
    encoding.writeVarUint(ask, 0);
    encoding.writeVarUint(ask, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(ask, encoding.toUint8Array(vector));
    const { ws, closed } = await rawClient(url, grant);
    let answers = 0;
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data[1] === syncProtocol.messageYjsSyncStep2) answers++;
    });
    for (let i = 0; i < 10; i++) ws.send(encoding.toUint8Array(ask));
    expect(await closed).toBe(4429);
    expect(answers).toBe(3);
    expect(ENDPOINT_LIMITS.syncRequests).toBe(3);
    expect(normal.provider.wsconnected).toBe(true);
    await expect.poll(() => realtime.yjs.connectionCount()).toBe(1);
  });
});

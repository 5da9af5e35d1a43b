import type { Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { RunningServer } from '../../server/app';
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
  const boardId = room.state.stages.define.boardIds[0]!;
  const columnId = room.state.boards[boardId]!.columns[0]!.id;
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
    // the message budget out of the way: this test is about bytes
    replicaLimits: { maxBufferedBytes: CAP, messageBurst: 1e9, messagesPerSecond: 1e9 },
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

  it('[R5] the whole replica is encoded once per version, however many screens connect', async () => {
    const { url, realtime } = server.current;
    const { joinCode, workshopId, facilitatorKey } = await createWorkshop(url);
    const console_ = await connect(url, { workshopId, key: facilitatorKey });
    const welcome = await hello(await connect(url, { code: joinCode, as: 'projector' }));
    const grant = welcome.rooms[0]!;
    const before = realtime.yjs.stats.fullStateEncodes;

    const first = Array.from({ length: 5 }, () => new TestReplica(url, grant));
    for (const r of first) await r.waitFor((s) => s.workshop !== null);
    expect(realtime.yjs.stats.fullStateEncodes - before).toBe(1);

    await sendOk(console_, { type: 'setQuestion', question: 'Une autre question ?' });
    for (const r of first) await r.waitFor((s) => s.workshop?.question === 'Une autre question ?');
    const more = Array.from({ length: 5 }, () => new TestReplica(url, grant));
    for (const r of more) await r.waitFor((s) => s.workshop?.question === 'Une autre question ?');
    expect(realtime.yjs.stats.fullStateEncodes - before).toBe(2);

    // a screen that already holds part of it gets only what it lacks, and the same content
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first[0]!.doc));
    expect(doc.getMap('meta').toJSON()).toEqual(more[4]!.doc.getMap('meta').toJSON());
    doc.destroy();
  });
});

describe('hostile upgrade paths', () => {
  const server = useTestServer();

  it('[R6] a room name with broken percent-encoding, or none at all, is closed with 4400; the server keeps serving', async () => {
    const { url } = server.current;
    const { joinCode } = await createWorkshop(url);
    const paths: [string, number][] = [
      ['/yjs/%E0%A4%A', 4400],
      ['/yjs/%', 4400],
      ['/yjs/%ZZ?ticket=%E0%A4%A', 4400],
      ['/yjs/%C0%AF.public.x', 4400],
      ['/yjs/%00', 4400],
      [`/yjs/${'%F0'.repeat(2000)}`, 4400],
      // a well-formed name from another epoch, with a broken ticket
      ['/yjs/a.public.b?ticket=%', 4409],
    ];
    for (const [path, expected] of paths) {
      const ws = new WebSocket(wsUrl(url, path));
      ws.on('error', () => {});
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
      expect(code, path).toBe(expected);
    }
    // still serving: a screen connects and syncs
    const replica = openReplica(
      url,
      await hello(await connect(url, { code: joinCode, as: 'projector' })),
    );
    const snap = await replica.waitFor((s) => s.workshop !== null);
    expect(snap.workshop!.joinCode).toBe(joinCode);
  });
});

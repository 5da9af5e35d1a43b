import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../server/app';
import { log } from '../../server/log';
import { RATE_LIMITS } from '../../server/rateLimit';
import { newRejoinCode } from '../../src/lib/client/opId';
import type { Ack } from '../../src/lib/protocol/ack';
import type { Welcome } from '../../src/lib/protocol/replica';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { closeClients, connect, createWorkshop, hello, sendOk } from './helpers';
import { newToken, startTrustServer, until } from './scene';

/*
 * What a stranger can make the server keep or write: log lines, connections, tickets. Each test
 * runs its own server on 127.0.0.1 and stays within a few hundred requests.
 */

let server: RunningServer | null = null;
const mine = new Set<Socket>();
afterEach(async () => {
  vi.restoreAllMocks();
  for (const socket of mine) socket.disconnect();
  mine.clear();
  for (const ws of sockets) ws.terminate();
  sockets.clear();
  closeClients();
  await server?.close();
  server = null;
});

async function start(options: Parameters<typeof startTrustServer>[0] = {}) {
  server = await startTrustServer(options);
  return server;
}

describe('what a stranger sends is not written to the log', () => {
  it('[X43] when handling a replica upgrade fails, the log line names the path, never the ticket', async () => {
    const { url, realtime } = await start();
    realtime.yjs.handleUpgrade = () => {
      throw new Error('boom');
    };
    const logged = vi.spyOn(log(), 'warn');
    const secret = 'T1cketThatMustNotBeLogged';
    const ws = new WebSocket(`${url.replace('http', 'ws')}/yjs/room.public.x?ticket=${secret}`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(400);
    expect(logged).toHaveBeenCalledTimes(1);
    const line = JSON.stringify(logged.mock.calls);
    expect(line).toContain('/yjs/room.public.x');
    expect(line).not.toContain(secret);
  });

  it('[X36] events named "error" from a client write no log line; the connection is kept and served', async () => {
    const { url } = await start();
    const { joinCode } = await createWorkshop(url);
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    const logged = vi.spyOn(log(), 'warn');
    for (let i = 0; i < 200; i++) {
      projector.emit('error', { name: 'Error', message: `line ${i}` });
      projector.emit('error', `line ${i}`, () => {});
    }
    // A hello after them: the server has read every one of them by the time it answers.
    expect((await hello(projector)).role).toBe('projector');
    expect(projector.connected).toBe(true);
    expect(logged).not.toHaveBeenCalled();

    // A packet the connection cannot decode is logged, once, and ends that connection.
    const sid = (await pollingSession(url)) as string;
    const endpoint = `${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    await fetch(endpoint, { method: 'POST', body: `40${JSON.stringify({ v: PROTOCOL_VERSION })}` });
    await fetch(endpoint, {
      method: 'POST',
      body: '4599999999-["cmd",{"_placeholder":true,"num":0}]',
    });
    await until(() => logged.mock.calls.length > 0, 'the bad packet logged');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logged.mock.calls[0])).toMatch(/refused a socket\.io packet/);
    expect((await hello(projector)).role).toBe('projector');
  });
});

/** A socket.io client over WebSocket that says it comes from `from` (behind a trusted proxy). */
function connectFrom(
  url: string,
  from: string,
  auth: Record<string, unknown> = {},
): Promise<Socket> {
  const socket = io(url, {
    auth: { v: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { 'x-forwarded-for': from },
  });
  mine.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Open an engine.io polling session by hand (a handshake and nothing else): its sid, or the status. */
async function pollingSession(url: string, from?: string): Promise<string | number> {
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, {
    headers: from ? { 'x-forwarded-for': from } : {},
  });
  const body = await response.text();
  if (response.status !== 200) return response.status;
  return (JSON.parse(body.slice(1)) as { sid: string }).sid;
}

/** Close a polling session the way a client does (a close packet). */
async function closeSession(url: string, sid: string): Promise<void> {
  await fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
    method: 'POST',
    body: '1',
  });
}

/** The status line a Yjs upgrade gets, or 101 when it opens (it then stays open until the end). */
function upgradeStatus(url: string, path: string, from: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, {
      headers: { 'x-forwarded-for': from },
    });
    sockets.add(ws);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('upgrade', () => resolve(101));
    ws.on('error', (error) => reject(error));
  });
}
const sockets = new Set<WebSocket>();

describe('connections one address may hold', () => {
  it('[X37] socket.io sessions and replica connections of one address are capped together; others and later ones get in; nothing is left counted', async () => {
    const cap = 12;
    const { url, realtime } = await start({ trustProxy: 1, connectionsPerAddress: cap });
    const { joinCode } = await createWorkshop(url);
    const stranger = '203.0.113.7';
    // Sessions that never say who they are, and a visitor's socket.io connection.
    const sids: string[] = [];
    for (let i = 0; i < cap - 2; i++) sids.push((await pollingSession(url, stranger)) as string);
    const visitor = await connectFrom(url, stranger);
    const welcome = await hello(visitor);
    expect(welcome.rooms).toEqual([]);
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    const grant = (await hello(projector)).rooms[0]!;
    const replicaPath = `/yjs/${grant.room}?ticket=${grant.ticket}`;
    expect(await upgradeStatus(url, replicaPath, stranger)).toBe(101);
    expect(realtime.access.connections.count(stranger)).toBe(cap);

    // Full: a new session, a WebSocket session and a replica connection are all refused.
    expect(await pollingSession(url, stranger)).toBe(403);
    await expect(connectFrom(url, stranger)).rejects.toThrow();
    expect(await upgradeStatus(url, replicaPath, stranger)).toBe(429);
    // Another address is not affected; the room still works end to end.
    expect(typeof (await pollingSession(url, '198.51.100.1'))).toBe('string');
    expect((await hello(projector)).role).toBe('projector');

    // One closed, one more opens.
    await closeSession(url, sids.pop()!);
    await until(
      () => realtime.access.connections.count(stranger) < cap,
      'a closed session uncounted',
    );
    const last = await pollingSession(url, stranger);
    expect(typeof last).toBe('string');

    // Everything closed: nothing of the address stays counted.
    for (const sid of [...sids, last as string]) await closeSession(url, sid);
    visitor.disconnect();
    for (const ws of sockets) ws.close();
    await until(
      () => realtime.access.connections.count(stranger) === 0,
      'every connection uncounted',
    );
  });
});

describe('a fresh device token is not a fresh budget', () => {
  const ask = (socket: Socket) =>
    socket.timeout(5000).emitWithAck('hello') as Promise<Ack<Welcome>>;

  it('[X39] visitors of one address share a hello budget, whatever tokens they make up; other addresses and participants are served', async () => {
    let clock = Date.now();
    const { url, realtime } = await start({
      trustProxy: 1,
      now: () => clock,
      limits: { visitorHellosPerAddress: { capacity: 6, perSecond: 1 } },
    });
    const { joinCode } = await createWorkshop(url);
    const visitor = (from: string) =>
      connectFrom(url, from, { code: joinCode, as: 'participant', token: newToken() });
    const stranger = '203.0.113.9';
    for (let i = 0; i < 6; i++) expect((await ask(await visitor(stranger))).ok).toBe(true);
    const tickets = realtime.access.tickets.size;
    const refused = await ask(await visitor(stranger));
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!refused.ok && refused.error.message).toMatch(/try again in 1 s/);
    expect(realtime.access.tickets.size).toBe(tickets);
    // Another address, and someone who joined at this one, are served.
    expect((await ask(await visitor('198.51.100.2'))).ok).toBe(true);
    const phone = await visitor(stranger);
    await sendOk(phone, {
      type: 'joinWorkshop',
      name: 'Iris',
      sector: null,
      rejoinCode: newRejoinCode(),
    });
    expect((await ask(phone)).ok).toBe(true);
    // Time refills it.
    clock += 1000;
    expect((await ask(await visitor(stranger))).ok).toBe(true);
    expect(RATE_LIMITS.visitorHellosPerAddress).toEqual({ capacity: 500, perSecond: 5 });
  });
});

describe('one machine, many IPv6 addresses', () => {
  it('[X40] join codes guessed from every address of one /64 share one budget; another /64 has its own', async () => {
    const { url } = await start({
      trustProxy: 1,
      limits: { failuresPerAddress: { capacity: 4, perSecond: 0.001 } },
    });
    const { joinCode } = await createWorkshop(url);
    const guess = (from: string, code = 'ZZZZZZ') =>
      connectFrom(url, from, { code, as: 'participant', token: newToken() }).then(
        () => 'connected',
        (error: Error & { data?: { code?: string } }) => error.data?.code ?? error.message,
      );
    // A privacy address per guess, all in one /64, each with a fresh device token.
    for (let i = 1; i <= 4; i++) expect(await guess(`2001:db8:77:1::${i}`)).toBe('NOT_FOUND');
    expect(await guess('2001:db8:77:1:abcd::9', joinCode)).toBe('TOO_MANY_ATTEMPTS');
    expect(await guess('2001:db8:77:2::1', joinCode)).toBe('connected');
  });
});

describe('one transport, one session', () => {
  it('[X41] many CONNECT packets in one polling request open one session; the others are refused with a code', async () => {
    const { url, realtime } = await start();
    const { joinCode, workshopId } = await createWorkshop(url);
    const sid = (await pollingSession(url)) as string;
    const auth = JSON.stringify({ v: PROTOCOL_VERSION, code: joinCode, as: 'projector' });
    const connects = Array.from({ length: 50 }, () => `40${auth}`).join('\x1e');
    const endpoint = `${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    expect((await fetch(endpoint, { method: 'POST', body: connects })).status).toBe(200);
    const answers: string[] = [];
    while (answers.length < 50) {
      const response = await fetch(endpoint);
      expect(response.status).toBe(200);
      answers.push(...(await response.text()).split('\x1e').filter((p) => p.startsWith('4')));
    }
    expect(answers.filter((p) => p.startsWith('40'))).toHaveLength(1);
    const refused = answers.filter((p) => p.startsWith('44'));
    expect(refused).toHaveLength(49);
    expect(JSON.parse(refused[0]!.slice(2))).toMatchObject({ data: { code: 'BAD_REQUEST' } });
    // Once that session ends, the same transport may carry a new one.
    expect((await fetch(endpoint, { method: 'POST', body: '41' })).status).toBe(200);
    expect((await fetch(endpoint, { method: 'POST', body: `40${auth}` })).status).toBe(200);
    const after = await (await fetch(endpoint)).text();
    expect(after.split('\x1e').filter((p) => p.startsWith('40{"sid"'))).toHaveLength(1);
    // The room still serves others.
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    expect((await hello(projector)).workshopId).toBe(workshopId);
    await closeSession(url, sid);
    expect(realtime.rooms.has(workshopId)).toBe(true);
  });
});

describe('coming and going in a loop', () => {
  it('[X42] a participant connecting and leaving (or rejoining) in a loop updates the screens at most once a second; the last presence shows', async () => {
    const { url, realtime } = await start();
    const { joinCode, workshopId } = await createWorkshop(url);
    const token = newToken();
    const rejoinCode = newRejoinCode();
    const phone = await connect(url, { code: joinCode, as: 'participant', token });
    await sendOk(phone, { type: 'joinWorkshop', name: 'Eve', sector: null, rejoinCode });
    const room = realtime.rooms.get(workshopId)!;
    const meta = room.replicas.public.doc.getMap('meta');
    const shownConnected = () => (meta.get('workshop') as { connected: number }).connected;
    await until(() => shownConnected() === 1, 'Eve shown as connected');
    phone.disconnect();
    await until(() => shownConnected() === 0, 'Eve shown as gone');

    let updates = 0;
    room.replicas.public.doc.on('update', () => updates++);
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      const again = await connect(url, { code: joinCode, as: 'participant', token });
      again.disconnect();
    }
    let last = phone;
    for (let i = 0; i < 10; i++) {
      last = await connect(url, { code: joinCode, as: 'participant', token: newToken() });
      await sendOk(last, { type: 'rejoinWorkshop', rejoinCode });
    }
    const seconds = Math.ceil((Date.now() - started) / 1000);
    // Once at once, then at most once per second of the loop (and one for what was left over).
    expect(updates).toBeLessThanOrEqual(seconds + 2);
    // The last device stays: the screens end up showing it, connected.
    await until(() => shownConnected() === 1, 'the last device shown as connected');
    expect(last.connected).toBe(true);
  });
});

import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../server/app';
import { RATE_LIMITS } from '../../server/rateLimit';
import { newRejoinCode } from '../../src/lib/client/opId';
import type { ClientCommand } from '../../src/lib/protocol/commands';
import type { Ack } from '../../src/lib/protocol/ack';
import type { RoomGrant, Welcome } from '../../src/lib/protocol/replica';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import {
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  send,
  sendOk,
  startTestServer,
  TestReplica,
} from './helpers';
import { disconnected, newKey, newOp, newToken, rawCmd, startTrustServer, until } from './scene';

/*
 * The limits of trust over the real transports: where browsers may come from, how long a replica
 * ticket lasts, how guessing and flooding are throttled, and how rights end (revocation,
 * rotation, removal, closing joining). Each test runs its own server with the options it needs.
 */

let server: RunningServer | null = null;
const extraSockets: Socket[] = [];
async function start(options: Parameters<typeof startTrustServer>[0] = {}) {
  server = await startTrustServer(options);
  return server;
}
afterEach(async () => {
  for (const socket of extraSockets.splice(0)) socket.disconnect();
  closeClients();
  await server?.close();
  server = null;
});

/** A socket.io client with options the shared helper does not take (headers, transports). */
function connectWith(
  url: string,
  auth: Record<string, unknown>,
  options: { transport?: 'websocket' | 'polling'; headers?: Record<string, string> } = {},
): Promise<Socket> {
  const socket = io(url, {
    auth: { v: PROTOCOL_VERSION, ...auth },
    transports: [options.transport ?? 'websocket'],
    extraHeaders: options.headers ?? {},
    reconnection: false,
  });
  extraSockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown; description?: unknown }) =>
      reject(
        Object.assign(new Error(error.message), {
          data: error.data,
          description: error.description,
        }),
      ),
    );
  });
}

/** The code a refused handshake carried (or the transport's message when there is none). */
async function refusal(attempt: Promise<Socket>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    const data = (error as { data?: { code?: string } }).data;
    return data?.code ?? (error as Error).message;
  }
  return 'connected';
}

const wsUrl = (url: string, grant: Pick<RoomGrant, 'room' | 'ticket'>) =>
  `${url.replace('http', 'ws')}/yjs/${grant.room}?ticket=${grant.ticket}`;

/** Open a raw WebSocket; resolves with 'open' or the HTTP status of a refused upgrade. */
function upgrade(url: string, headers: Record<string, string>): Promise<'open' | number> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

async function closedWith(replica: TestReplica): Promise<number> {
  await until(() => replica.closedWith !== null, 'the replica to be closed');
  return replica.closedWith!;
}

describe('origin', () => {
  const GOOD = 'https://cocrea.example';
  const EVIL = 'https://evil.example';

  it('[X11] socket.io refuses another Origin on websocket and polling, and accepts the configured one', async () => {
    const { url } = await start({ origin: GOOD });
    for (const transport of ['websocket', 'polling'] as const) {
      const evil = connectWith(url, {}, { transport, headers: { Origin: EVIL } });
      await expect(evil, transport).rejects.toThrow(/error/);
      const good = await connectWith(url, {}, { transport, headers: { Origin: GOOD } });
      expect((await hello(good)).role, transport).toBe('nobody');
    }
    // polling shows the HTTP status of the refusal
    const polled = connectWith(url, {}, { transport: 'polling', headers: { Origin: EVIL } });
    await expect(polled).rejects.toMatchObject({ description: 403 });
    // a client that sends no Origin (not a browser) is not subject to it
    expect((await hello(await connect(url))).role).toBe('nobody');
  });

  it('[X11] a Yjs upgrade from another Origin gets HTTP 403; the configured one opens', async () => {
    const { url } = await start({ origin: GOOD });
    const { joinCode } = await createWorkshop(url);
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    const grant = (await hello(projector)).rooms[0]!;
    expect(await upgrade(wsUrl(url, grant), { Origin: EVIL })).toBe(403);
    expect(
      await upgrade(wsUrl(url, grant), { Origin: 'https://cocrea.example.evil.example' }),
    ).toBe(403);
    expect(await upgrade(wsUrl(url, grant), { Origin: GOOD })).toBe('open');
  });

  it('[X22] origin, createToken and trustProxy given in startServer’s realtime options are applied', async () => {
    server = await startTestServer({ origin: GOOD, createToken: 'sesame', trustProxy: true });
    expect(server.realtime.access.origin).toBe(GOOD);
    expect(server.realtime.access.createToken).toBe('sesame');
    // `true` is one proxy hop
    expect(server.realtime.access.trustProxy).toBe(1);
  });
});

describe('replica tickets', () => {
  it('[X12] an expired ticket is refused with 4401; a fresh hello grants a working one', async () => {
    const { url } = await start({ ticketTtlMs: 500 });
    const { joinCode } = await createWorkshop(url);
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    const old = await hello(projector);
    await new Promise((r) => setTimeout(r, 600));
    const stale = openReplica(url, old);
    expect(await closedWith(stale)).toBe(4401);
    expect(stale.snapshot.workshop).toBeNull();
    stale.destroy();

    const fresh = openReplica(url, await hello(projector));
    await fresh.waitFor((s) => s.workshop?.joinCode === joinCode);
    expect(fresh.closedWith).toBeNull();
  });
});

describe('guessing is throttled', () => {
  it('[X13] failed handshakes are budgeted per device: the 6th gets TOO_MANY_ATTEMPTS, another device at the same address does not', async () => {
    const { url } = await start();
    const { joinCode } = await createWorkshop(url);
    const device = newToken();
    const guess = (token: string, code = 'ZZZZZZ') =>
      refusal(connect(url, { code, as: 'participant', token }));
    const budget = RATE_LIMITS.failuresPerDevice.capacity;
    expect(budget).toBe(5);
    for (let i = 0; i < budget; i++) expect(await guess(device)).toBe('NOT_FOUND');
    expect(await guess(device)).toBe('TOO_MANY_ATTEMPTS');
    // the blocked device waits, even with the right code
    expect(await guess(device, joinCode)).toBe('TOO_MANY_ATTEMPTS');
    // not a plain per-address limit: another device from 127.0.0.1 has its own budget
    const neighbour = newToken();
    expect(await guess(neighbour)).toBe('NOT_FOUND');
    expect(await guess(neighbour, joinCode)).toBe('connected');
  });

  it('[X13] failed handshakes are also budgeted per address, whatever tokens they present', async () => {
    const { url } = await start({
      limits: { failuresPerAddress: { capacity: 3, perSecond: 0.001 } },
    });
    const { joinCode } = await createWorkshop(url);
    for (let i = 0; i < 3; i++) {
      expect(
        await refusal(connect(url, { code: 'ZZZZZZ', as: 'participant', token: newToken() })),
      ).toBe('NOT_FOUND');
    }
    expect(
      await refusal(connect(url, { code: joinCode, as: 'participant', token: newToken() })),
    ).toBe('TOO_MANY_ATTEMPTS');
  });

  it('[X13] X-Forwarded-For is ignored unless the proxy is trusted', async () => {
    const limits = { failuresPerAddress: { capacity: 2, perSecond: 0.001 } };
    const guess = (url: string, from: string) =>
      refusal(
        connectWith(
          url,
          { code: 'ZZZZZZ', as: 'participant', token: newToken() },
          { headers: { 'X-Forwarded-For': from } },
        ),
      );
    const direct = await start({ limits });
    expect(await guess(direct.url, '10.0.0.1')).toBe('NOT_FOUND');
    expect(await guess(direct.url, '10.0.0.2')).toBe('NOT_FOUND');
    // spoofing the header gives no fresh budget
    expect(await guess(direct.url, '10.0.0.3')).toBe('TOO_MANY_ATTEMPTS');
    await direct.close();

    const proxied = await start({ limits, trustProxy: true });
    expect(await guess(proxied.url, '10.0.0.1')).toBe('NOT_FOUND');
    // the proxy appended what it saw: the rightmost entry is the client
    expect(await guess(proxied.url, '192.168.0.1, 10.0.0.1')).toBe('NOT_FOUND');
    expect(await guess(proxied.url, '10.0.0.1')).toBe('TOO_MANY_ATTEMPTS');
    // behind the proxy, each client address has its own budget
    expect(await guess(proxied.url, '10.0.0.2')).toBe('NOT_FOUND');
  });

  it('[X33] behind one trusted proxy, a made-up leftmost X-Forwarded-For entry does not escape the address budget', async () => {
    const { url } = await start({
      limits: { failuresPerAddress: { capacity: 3, perSecond: 0.001 } },
      trustProxy: 1,
    });
    // what a proxy that appends sends for a client at 203.0.113.7 who wrote its own header
    const guess = (spoofed: string) =>
      refusal(
        connectWith(
          url,
          { code: 'ZZZZZZ', as: 'participant', token: newToken() },
          { headers: { 'X-Forwarded-For': `${spoofed}, 203.0.113.7` } },
        ),
      );
    for (let i = 1; i <= 3; i++) expect(await guess(`10.9.9.${i}`)).toBe('NOT_FOUND');
    expect(await guess('10.9.9.4')).toBe('TOO_MANY_ATTEMPTS');
    expect(await guess('garbage, 10.9.9.5')).toBe('TOO_MANY_ATTEMPTS');
    // another client behind the same proxy has its own budget
    expect(
      await refusal(
        connectWith(
          url,
          { code: 'ZZZZZZ', as: 'participant', token: newToken() },
          { headers: { 'X-Forwarded-For': '10.9.9.1, 203.0.113.8' } },
        ),
      ),
    ).toBe('NOT_FOUND');
  });

  it('[X33] behind two trusted proxies, the address the nearer one saw counts', async () => {
    const { url } = await start({
      limits: { failuresPerAddress: { capacity: 2, perSecond: 0.001 } },
      trustProxy: 2,
    });
    const guess = (header: string) =>
      refusal(
        connectWith(
          url,
          { code: 'ZZZZZZ', as: 'participant', token: newToken() },
          { headers: { 'X-Forwarded-For': header } },
        ),
      );
    // client, then the outer proxy's address as the inner proxy saw it
    expect(await guess('1.1.1.1, 198.51.100.9, 10.0.0.254')).toBe('NOT_FOUND');
    expect(await guess('2.2.2.2, 198.51.100.9, 10.0.0.254')).toBe('NOT_FOUND');
    expect(await guess('3.3.3.3, 198.51.100.9, 10.0.0.254')).toBe('TOO_MANY_ATTEMPTS');
    expect(await guess('198.51.100.10, 10.0.0.254')).toBe('NOT_FOUND');
  });

  it('[X14] wrong rejoin codes are budgeted per device, per address and per workshop, then TOO_MANY_ATTEMPTS', async () => {
    const { url } = await start({ trustProxy: 1 });
    const { workshopId, joinCode } = await createWorkshop(url);
    const noor = await joinAs(url, joinCode, 'Noor');
    const room = server!.realtime.rooms.get(workshopId)!;
    const before = JSON.stringify(room.decided);
    const visitor = (from: string) =>
      connectWith(
        url,
        { code: joinCode, as: 'participant', token: newToken() },
        { headers: { 'X-Forwarded-For': from } },
      );
    const rejoin = (socket: Socket, rejoinCode = newRejoinCode()) =>
      send(socket, { type: 'rejoinWorkshop', rejoinCode });
    const unknown = { ok: false, error: { code: 'UNKNOWN_REJOIN_CODE' } };
    const tooMany = { ok: false, error: { code: 'TOO_MANY_ATTEMPTS' } };

    const first = await visitor('10.1.0.1');
    for (let i = 0; i < RATE_LIMITS.failuresPerDevice.capacity; i++) {
      expect(await rejoin(first)).toMatchObject(unknown);
    }
    // this device is done guessing, even with the right code
    expect(await rejoin(first, noor.rejoinCode)).toMatchObject(tooMany);
    // and so is its address, whatever device it presents
    expect(RATE_LIMITS.rejoinFailuresPerAddress.capacity).toBe(5);
    expect(await rejoin(await visitor('10.1.0.1'))).toMatchObject(tooMany);

    // another address has its own budgets, until the workshop's (10) is spent
    const second = await visitor('10.2.0.1');
    const perWorkshop = RATE_LIMITS.failuresPerWorkshop.capacity;
    for (let i = RATE_LIMITS.failuresPerDevice.capacity; i < perWorkshop; i++) {
      expect(await rejoin(second)).toMatchObject(unknown);
    }
    const third = await visitor('10.3.0.1');
    expect(await rejoin(third, noor.rejoinCode)).toMatchObject(tooMany);
    expect(JSON.stringify(room.decided)).toBe(before);
    expect(noor.socket.connected).toBe(true);

    // the third address still has budget left: guesses in another workshop are answered
    const other = await createWorkshop(url);
    const elsewhere = await connectWith(
      url,
      { code: other.joinCode, as: 'participant', token: newToken() },
      { headers: { 'X-Forwarded-For': '10.3.0.1' } },
    );
    expect(await rejoin(elsewhere)).toMatchObject(unknown);
  });

  it('[X32] one address hammering wrong rejoin codes cannot lock a workshop: another address’s right code gets in', async () => {
    let clock = Date.now();
    const { url } = await start({ trustProxy: 1, now: () => clock });
    const { joinCode } = await createWorkshop(url);
    const noor = await joinAs(url, joinCode, 'Noor');
    const from = (address: string) =>
      connectWith(
        url,
        { code: joinCode, as: 'participant', token: newToken() },
        { headers: { 'X-Forwarded-For': address } },
      );
    // one attacker, a fresh device every few tries, one wrong code every 2 s (the per-address
    // failure budget's own pace) for ten minutes of the server's clock
    const outcomes = new Map<string, number>();
    let attacker = await from('198.51.100.66');
    for (let t = 0; t < 300; t++) {
      if (t % 4 === 0) attacker = await from('198.51.100.66');
      const ack = await send(attacker, { type: 'rejoinWorkshop', rejoinCode: newRejoinCode() });
      const code = ack.ok ? 'ok' : ack.error.code;
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      clock += 2000;
    }
    // it guessed, and was throttled
    expect(outcomes.get('UNKNOWN_REJOIN_CODE')).toBeGreaterThan(0);
    expect(outcomes.get('TOO_MANY_ATTEMPTS')).toBeGreaterThan(0);
    expect(outcomes.get('ok')).toBeUndefined();
    // Noor, on her laptop at another address, still gets in with her code, at once
    const laptop = await from('203.0.113.20');
    expect(
      await send(laptop, { type: 'rejoinWorkshop', rejoinCode: noor.rejoinCode }),
    ).toMatchObject({ ok: true, value: { participantId: noor.participantId } });
  });
});

describe('flooding is throttled', () => {
  it('[X15] commands beyond the burst get RATE_LIMITED and change nothing; another participant is not affected', async () => {
    const { url } = await start();
    const { workshopId, joinCode } = await createWorkshop(url);
    const room = server!.realtime.rooms.get(workshopId)!;
    const boardId = room.decided.stages.define.boardIds[0]!;
    const columnId = room.decided.boards[boardId]!.columns[0]!.id;
    const flooder = await joinAs(url, joinCode, 'Flo');
    const neighbour = await joinAs(url, joinCode, 'Nina');
    const burst = RATE_LIMITS.commands.capacity;
    const acks = await Promise.all(
      Array.from({ length: burst + 10 }, (_, i) =>
        send(flooder.socket, { type: 'addNote', boardId, columnId, text: `n${i}` }),
      ),
    );
    const accepted = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
    // joining spent one token; a few may trickle back (10 a second) while the burst arrives
    expect(accepted).toBeGreaterThanOrEqual(burst - 1);
    expect(accepted).toBeLessThanOrEqual(burst + 3);
    expect(accepted + limited).toBe(burst + 10);
    expect(Object.keys(room.decided.notes)).toHaveLength(accepted);
    // the limit is the participant's: another participant is served
    expect(
      await send(neighbour.socket, { type: 'addNote', boardId, columnId, text: 'ok' }),
    ).toMatchObject({ ok: true });
    // and the flooder gets tokens back with time (10 a second)
    await new Promise((r) => setTimeout(r, 250));
    expect(
      await send(flooder.socket, { type: 'addNote', boardId, columnId, text: 'later' }),
    ).toMatchObject({ ok: true });
  });

  it('[X30] limits follow who is asking: a reconnect or a second tab refills nothing', async () => {
    let clock = Date.now();
    const { url } = await start({ now: () => clock });
    const { workshopId, joinCode, facilitatorKey } = await createWorkshop(url);
    const room = server!.realtime.rooms.get(workshopId)!;
    const boardId = room.decided.stages.define.boardIds[0]!;
    const columnId = room.decided.boards[boardId]!.columns[0]!.id;
    const note = { type: 'addNote', boardId, columnId, text: 'x' } as const;
    const drain = async (socket: Socket) => {
      for (let i = 0; i < RATE_LIMITS.commands.capacity; i++) await send(socket, note);
      expect(await send(socket, note)).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
    };

    // a participant: a new connection with the same token, then a second one at once
    const flo = await joinAs(url, joinCode, 'Flo');
    await drain(flo.socket);
    flo.socket.disconnect();
    const again = await connect(url, { code: joinCode, as: 'participant', token: flo.token });
    expect(await send(again, note)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const tab = await connect(url, { code: joinCode, as: 'participant', token: flo.token });
    expect(await send(tab, note)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });

    // a console, by its key
    const console_ = await connect(url, { workshopId, key: facilitatorKey });
    await drain(console_);
    const console2 = await connect(url, { workshopId, key: facilitatorKey });
    expect(await send(console2, note)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });

    // a visitor, by its device token
    const token = newToken();
    const visitor = await connect(url, { code: joinCode, as: 'participant', token });
    await drain(visitor);
    const visitor2 = await connect(url, { code: joinCode, as: 'participant', token });
    expect(await send(visitor2, note)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });

    // time refills the budget (10 a second), for every connection of the asker
    clock += 1000;
    expect(await send(again, note)).toMatchObject({ ok: true });
    expect(await send(console2, note)).toMatchObject({ ok: true });
  });

  it('[X16] creations beyond the per-address budget get RATE_LIMITED and create nothing', async () => {
    const { url } = await start();
    const budget = RATE_LIMITS.creations.capacity;
    for (let i = 0; i < budget - 1; i++) await createWorkshop(url);
    const creator = await connect(url);
    const create = (title: string, op?: string) =>
      send(
        creator,
        { type: 'createWorkshop', title, question: '', language: 'fr', sectors: [] },
        op,
      );
    const last = await create('La dernière', 'op-last-creation');
    expect(last.ok).toBe(true);
    const rooms = server!.realtime.rooms.size;
    expect(await create('Encore')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(server!.realtime.rooms.size).toBe(rooms);
    // The last creation retried (its answer lost on the way) still gets its answer, key included.
    expect(await create('La dernière', 'op-last-creation')).toEqual(last);
    expect(server!.realtime.rooms.size).toBe(rooms);
  });

  it('[X16] with a creation token, creating needs it: CREATE_TOKEN_REQUIRED without or wrong', async () => {
    const { url } = await start({ createToken: 'sesame' });
    const creator = await connect(url);
    const cmd: Extract<ClientCommand, { type: 'createWorkshop' }> = {
      type: 'createWorkshop',
      title: 'Atelier',
      question: '',
      language: 'fr',
      sectors: [],
    };
    for (const createToken of [undefined, '', 'open-sesame', 'SESAME', 'sesame ']) {
      const attempt = createToken === undefined ? cmd : { ...cmd, createToken };
      expect(await send(creator, attempt), String(createToken)).toMatchObject({
        ok: false,
        error: { code: 'CREATE_TOKEN_REQUIRED' },
      });
    }
    expect(server!.realtime.rooms.size).toBe(0);
    const { workshopId } = await sendOk(creator, { ...cmd, createToken: 'sesame' });
    expect(server!.realtime.rooms.has(workshopId!)).toBe(true);
  });
});

describe('rights end at once', () => {
  it('[X17] a revoked co-facilitator link disconnects its console, closes its replica, and is refused after', async () => {
    const { url } = await start();
    const { workshopId, facilitatorKey } = await createWorkshop(url);
    const main = await connect(url, { workshopId, key: facilitatorKey });
    const key = newKey();
    const { linkId } = await sendOk(main, { type: 'createCoFacilitatorLink', label: 'Sam', key });
    const co = await connect(url, { workshopId, key });
    const welcome = await hello(co);
    expect(welcome.role).toBe('cofacilitator');
    const coReplica = openReplica(url, welcome, 'facilitator');
    await coReplica.waitFor((s) => s.links.some((l) => l.id === linkId));
    await sendOk(co, { type: 'setStage', stage: 'discover' });

    const gone = disconnected(co);
    await sendOk(main, { type: 'revokeCoFacilitatorLink', linkId: linkId! });
    expect(await gone).toBe('io server disconnect');
    expect(await closedWith(coReplica)).toBe(4401);
    expect(await refusal(connect(url, { workshopId, key }))).toBe('NOT_FOUND');
    // its old ticket no longer opens the console replica
    const stolen = openReplica(url, welcome, 'facilitator');
    expect(await closedWith(stolen)).toBe(4401);

    // the main console stays, and a fresh hello gives it a working replica
    expect(main.connected).toBe(true);
    const mainReplica = openReplica(url, await hello(main), 'facilitator');
    const snap = await mainReplica.waitFor((s) => s.links.length === 1);
    expect(snap.links[0]!.revokedAt).not.toBeNull();
    await sendOk(main, { type: 'setStage', stage: 'dream' });
  });

  it('[X18] rotating the main key lets go of every console on the old key; the new key works, co-facilitators stay', async () => {
    const { url } = await start();
    const { workshopId, facilitatorKey } = await createWorkshop(url);
    const rotating = await connect(url, { workshopId, key: facilitatorKey });
    const otherTab = await connect(url, { workshopId, key: facilitatorKey });
    const otherReplica = openReplica(url, await hello(otherTab), 'facilitator');
    await otherReplica.waitFor((s) => s.workshop !== null);
    const coKey = newKey();
    await sendOk(rotating, { type: 'createCoFacilitatorLink', label: 'Sam', key: coKey });
    const co = await connect(url, { workshopId, key: coKey });

    const newMainKey = newKey();
    const otherGone = disconnected(otherTab);
    // the console that rotates gets its answer and keeps its session (it holds the new key)
    expect(await send(rotating, { type: 'rotateFacilitatorKey', key: newMainKey })).toEqual({
      ok: true,
      value: {},
    });
    expect(await otherGone).toBe('io server disconnect');
    expect(await closedWith(otherReplica)).toBe(4401);
    expect(rotating.connected).toBe(true);
    await sendOk(rotating, { type: 'setStage', stage: 'define' });
    expect(await refusal(connect(url, { workshopId, key: facilitatorKey }))).toBe('NOT_FOUND');

    const renewed = await connect(url, { workshopId, key: newMainKey });
    expect((await hello(renewed)).role).toBe('facilitator');
    await sendOk(renewed, { type: 'setStage', stage: 'discover' });
    // co-facilitator links are separate secrets: they keep working
    expect(co.connected).toBe(true);
    await sendOk(co, { type: 'setStage', stage: 'dream' });
  });

  it('[X23] wrong facilitator keys do not lock the console out of the venue address', async () => {
    const { url } = await start();
    const { workshopId, facilitatorKey } = await createWorkshop(url);
    for (let i = 0; i < 12; i++) {
      expect(await refusal(connect(url, { workshopId, key: newKey() }))).toBe('NOT_FOUND');
    }
    const console_ = await connect(url, { workshopId, key: facilitatorKey });
    expect((await hello(console_)).role).toBe('facilitator');
  });

  it('[X19] the console that rotates the main key gets its ack and stays connected', async () => {
    const { url } = await start();
    const { workshopId, facilitatorKey } = await createWorkshop(url);
    const console_ = await connect(url, { workshopId, key: facilitatorKey });
    const ack = await send(console_, { type: 'rotateFacilitatorKey', key: newKey() });
    expect(ack).toEqual({ ok: true, value: {} });
    await new Promise((r) => setTimeout(r, 50));
    expect(console_.connected).toBe(true);
  });

  it('[X20] a removed participant is let go: disconnected, private replica closed, a visitor after; their notes stay', async () => {
    const { url } = await start();
    const { workshopId, joinCode, facilitatorKey } = await createWorkshop(url);
    const main = await connect(url, { workshopId, key: facilitatorKey });
    const projectorReplica = openReplica(
      url,
      await hello(await connect(url, { code: joinCode, as: 'projector' })),
    );
    const snap = await projectorReplica.waitFor((s) => s.workshop !== null);
    const boardId = snap.workshop!.stages.define.boardIds[0]!;
    const columnId = snap.boards[boardId]!.columns[0]!.id;

    const rami = await joinAs(url, joinCode, 'Rami');
    const staying = await joinAs(url, joinCode, 'Lina');
    const welcome = await hello(rami.socket);
    const ramiPrivate = openReplica(url, welcome, 'private');
    const ramiPublic = openReplica(url, welcome, 'public');
    const { noteId } = await sendOk(rami.socket, {
      type: 'addNote',
      boardId,
      columnId,
      text: 'reste après moi',
    });
    await ramiPrivate.waitFor((s) => s.notes[noteId!] !== undefined);
    await projectorReplica.waitFor((s) => s.workshop?.connected === 2);

    const gone = disconnected(rami.socket);
    await sendOk(main, { type: 'removeParticipant', participantId: rami.participantId });
    expect(await gone).toBe('io server disconnect');
    expect(await closedWith(ramiPrivate)).toBe(4401);
    // the private room's ticket is withdrawn too
    const reopened = openReplica(url, welcome, 'private');
    expect(await closedWith(reopened)).toBe(4401);
    expect(staying.socket.connected).toBe(true);

    // back with the same token: a visitor, who can do nothing a participant could
    const back = await connect(url, { code: joinCode, as: 'participant', token: rami.token });
    const visitor = await hello(back);
    expect(visitor).toMatchObject({ role: 'nobody', participantId: null });
    expect(visitor.rooms.map((r) => r.audience)).toEqual(['public']);
    expect(await send(back, { type: 'editNote', noteId: noteId!, text: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });
    expect(await send(back, { type: 'rejoinWorkshop', rejoinCode: rami.rejoinCode })).toMatchObject(
      { ok: false, error: { code: 'UNKNOWN_REJOIN_CODE' } },
    );

    // the note stays in the room, with no name attached
    const after = await projectorReplica.waitFor((s) => s.workshop?.connected === 1);
    expect(after.notes[noteId!]).toMatchObject({ text: 'reste après moi' });
    expect(after.workshop!.participantCount).toBe(1);
    expect(ramiPublic.snapshot.notes[noteId!]).toBeDefined();
  });

  it('[X21] with joining closed, a newcomer gets JOINING_CLOSED; people who joined before come back', async () => {
    const { url } = await start();
    const { workshopId, joinCode, facilitatorKey } = await createWorkshop(url);
    const main = await connect(url, { workshopId, key: facilitatorKey });
    const early = await joinAs(url, joinCode, 'Eve');
    await sendOk(main, { type: 'setJoining', open: false });
    const room = server!.realtime.rooms.get(workshopId)!;
    const before = JSON.stringify(room.decided);

    const newcomer = await connect(url, { code: joinCode, as: 'participant', token: newToken() });
    const join = { type: 'joinWorkshop', name: 'Tard', sector: null } as const;
    expect(await send(newcomer, { ...join, rejoinCode: newRejoinCode() })).toMatchObject({
      ok: false,
      error: { code: 'JOINING_CLOSED' },
    });
    expect(JSON.stringify(room.decided)).toBe(before);

    // with the device token
    early.socket.disconnect();
    const sameDevice = await connect(url, {
      code: joinCode,
      as: 'participant',
      token: early.token,
    });
    expect(await hello(sameDevice)).toMatchObject({
      role: 'participant',
      participantId: early.participantId,
    });
    // and with the personal code, on another device
    const laptop = await connect(url, { code: joinCode, as: 'participant', token: newToken() });
    expect(await sendOk(laptop, { type: 'rejoinWorkshop', rejoinCode: early.rejoinCode })).toEqual({
      participantId: early.participantId,
    });

    // reopened: the newcomer may join
    await sendOk(main, { type: 'setJoining', open: true });
    const ack = await rawCmd(newcomer, {
      v: 1,
      op: newOp(),
      cmd: { ...join, rejoinCode: newRejoinCode() },
    });
    expect(ack).toMatchObject({ ok: true });
  });
});

describe('hellos and joins are throttled', () => {
  const ask = (socket: Socket) =>
    socket.timeout(5000).emitWithAck('hello') as Promise<Ack<Welcome>>;

  it('[X29] hellos beyond the burst get RATE_LIMITED with the wait; reconnecting refills nothing, time does', async () => {
    let clock = Date.now();
    const { url } = await start({ now: () => clock });
    const { joinCode } = await createWorkshop(url);
    const phone = await joinAs(url, joinCode, 'Hana');
    for (let i = 0; i < 10; i++) {
      expect((await ask(phone.socket)).ok).toBe(true);
    }
    const tickets = server!.realtime.access.tickets.size;
    const refused = await ask(phone.socket);
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!refused.ok && refused.error.message).toMatch(/try again in 1 s/);
    // the same phone on a new connection is the same asker
    const again = await connect(url, { code: joinCode, as: 'participant', token: phone.token });
    expect(await ask(again)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // refused hellos grant nothing
    expect(server!.realtime.access.tickets.size).toBe(tickets);
    // someone else is served, and a second later so is the phone
    expect((await ask(await connect(url, { code: joinCode, as: 'projector' }))).ok).toBe(true);
    clock += 1000;
    expect((await ask(again)).ok).toBe(true);
    expect(await ask(again)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(RATE_LIMITS.hellos).toEqual({ capacity: 10, perSecond: 1 });
  });

  it('[X31] new participants per address: the budget, then RATE_LIMITED; refusals spend nothing; other addresses and returning people get in', async () => {
    let clock = Date.now();
    const { url } = await start({
      trustProxy: 1,
      now: () => clock,
      limits: { joinsPerAddress: { capacity: 5, perSecond: 1 } },
    });
    const { workshopId, joinCode } = await createWorkshop(url);
    const room = server!.realtime.rooms.get(workshopId)!;
    const phone = (address: string) =>
      connectWith(
        url,
        { code: joinCode, as: 'participant', token: newToken() },
        { headers: { 'X-Forwarded-For': address } },
      );
    const join = async (address: string, sector: string | null = null) =>
      send(await phone(address), {
        type: 'joinWorkshop',
        name: 'Script',
        sector,
        rejoinCode: newRejoinCode(),
      });
    const rejoinCodes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = await phone('10.5.0.1');
      const rejoinCode = newRejoinCode();
      rejoinCodes.push(rejoinCode);
      const ack = await send(socket, {
        type: 'joinWorkshop',
        name: `P${i}`,
        sector: null,
        rejoinCode,
      });
      expect(ack.ok).toBe(true);
    }
    const limited = await join('10.5.0.1');
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!limited.ok && limited.error.message).toMatch(/try again in 1 s/);
    expect(Object.keys(room.decided.participants)).toHaveLength(5);
    // another address joins; someone who joined before comes back on a new device
    expect((await join('10.6.0.1')).ok).toBe(true);
    expect(
      await send(await phone('10.5.0.1'), { type: 'rejoinWorkshop', rejoinCode: rejoinCodes[0]! }),
    ).toMatchObject({ ok: true });
    // a second later: one more; a join the room refuses does not spend it
    clock += 1000;
    expect(await join('10.5.0.1', 'no-such-sector')).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_SECTOR' },
    });
    expect((await join('10.5.0.1')).ok).toBe(true);
    expect(await join('10.5.0.1')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(Object.keys(room.decided.participants)).toHaveLength(7);
    // the real budget: a venue's hundred phones behind one address join at once
    expect(RATE_LIMITS.joinsPerAddress).toEqual({ capacity: 100, perSecond: 1 });
  });
});

describe('odd input on socket.io is answered, never fatal', () => {
  it('[X28] a hello with arguments is answered (the ack is the last one); an event without an ack is ignored and the connection kept', async () => {
    const { url } = await start();
    const { joinCode } = await createWorkshop(url);
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    const answered = (await projector
      .timeout(5000)
      .emitWithAck('hello', 1, { x: 2 }, [3])) as Ack<Welcome>;
    expect(answered).toMatchObject({ ok: true, value: { role: 'projector' } });
    projector.emit('cmd', { v: 1 }, 5);
    projector.emit('hello', 'no ack');
    projector.emit('no-such-event', () => {});
    // a payload that is a function, and a deep array within the size limit
    expect(await projector.timeout(5000).emitWithAck('cmd')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(
      await rawCmd(
        projector,
        Array.from({ length: 3000 }, () => [1]),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(projector.connected).toBe(true);
    expect((await hello(projector)).role).toBe('projector');
  });

  it('[X28] handshake auth of any shape is refused with a code or taken as a visitor; nothing else', async () => {
    const { url } = await start();
    const { joinCode } = await createWorkshop(url);
    const shapes: Record<string, unknown>[] = [
      { code: {} },
      { code: joinCode, as: 'participant', token: ['a'] },
      { code: joinCode, as: 'participant', token: 'x'.repeat(5000) },
      { workshopId: [], key: {} },
      { workshopId: '__proto__', key: 'x' },
      { code: '%E0%A4%A', as: 'projector' },
      { ['__proto__']: { polluted: true } },
      { v: '1' },
      { v: null },
    ];
    for (const auth of shapes) {
      const outcome = await refusal(connectWith(url, auth));
      expect(
        ['BAD_REQUEST', 'NOT_FOUND', 'UNSUPPORTED_PROTOCOL', 'connected'],
        JSON.stringify(auth),
      ).toContain(outcome);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await hello(await connect(url, { code: joinCode, as: 'projector' }))).role).toBe(
      'projector',
    );
  });

  it('[X28] behind a trusted proxy, a giant or malformed X-Forwarded-For counts as the socket’s address', async () => {
    const { url } = await start({
      trustProxy: 1,
      limits: { failuresPerAddress: { capacity: 3, perSecond: 0.001 } },
    });
    const guess = (forwarded: string) =>
      refusal(
        connectWith(
          url,
          { code: 'ZZZZZZ', as: 'participant', token: newToken() },
          { headers: { 'X-Forwarded-For': forwarded } },
        ),
      );
    // three made-up headers, one budget: the socket's own address
    expect(await guess('1.1.1.1, '.repeat(1000) + 'not-an-address')).toBe('NOT_FOUND');
    expect(await guess(',,,')).toBe('NOT_FOUND');
    expect(await guess('"><script>')).toBe('NOT_FOUND');
    expect(await guess('[')).toBe('TOO_MANY_ATTEMPTS');
  });

  it('[X28] Origin: null is a foreign origin when ORIGIN is set, and nothing special otherwise', async () => {
    const strict = await start({ origin: 'https://cocrea.example' });
    await expect(
      connectWith(strict.url, {}, { transport: 'polling', headers: { Origin: 'null' } }),
    ).rejects.toMatchObject({ description: 403 });
    await strict.close();
    const open = await start();
    const socket = await connectWith(open.url, {}, { headers: { Origin: 'null' } });
    expect((await hello(socket)).role).toBe('nobody');
  });
});

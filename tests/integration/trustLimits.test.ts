import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../server/app';
import { RATE_LIMITS } from '../../server/rateLimit';
import { newRejoinCode } from '../../src/lib/client/opId';
import type { ClientCommand } from '../../src/lib/protocol/commands';
import type { RoomGrant } from '../../src/lib/protocol/replica';
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
    expect(server.realtime.origin).toBe(GOOD);
    expect(server.realtime.createToken).toBe('sesame');
    expect(server.realtime.trustProxy).toBe(true);
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
    expect(await guess(proxied.url, '10.0.0.1, 192.168.0.1')).toBe('NOT_FOUND');
    expect(await guess(proxied.url, '10.0.0.1')).toBe('TOO_MANY_ATTEMPTS');
    // behind the proxy, each client address has its own budget
    expect(await guess(proxied.url, '10.0.0.2')).toBe('NOT_FOUND');
  });

  it('[X14] wrong rejoin codes are budgeted per device and per workshop, then TOO_MANY_ATTEMPTS', async () => {
    const { url } = await start();
    const { workshopId, joinCode } = await createWorkshop(url);
    const noor = await joinAs(url, joinCode, 'Noor');
    const room = server!.realtime.rooms.get(workshopId)!;
    const before = JSON.stringify(room.latest);
    const visitor = () => connect(url, { code: joinCode, as: 'participant', token: newToken() });
    const wrong = () => newRejoinCode();

    const first = await visitor();
    for (let i = 0; i < RATE_LIMITS.failuresPerDevice.capacity; i++) {
      expect(await send(first, { type: 'rejoinWorkshop', rejoinCode: wrong() })).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_REJOIN_CODE' },
      });
    }
    // this device is done guessing, even with the right code
    expect(
      await send(first, { type: 'rejoinWorkshop', rejoinCode: noor.rejoinCode }),
    ).toMatchObject({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS' } });

    // another device has its own budget, until the workshop's (10) is spent
    const second = await visitor();
    const perWorkshop = RATE_LIMITS.failuresPerWorkshop.capacity;
    for (let i = RATE_LIMITS.failuresPerDevice.capacity; i < perWorkshop; i++) {
      expect(await send(second, { type: 'rejoinWorkshop', rejoinCode: wrong() })).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_REJOIN_CODE' },
      });
    }
    const third = await visitor();
    expect(
      await send(third, { type: 'rejoinWorkshop', rejoinCode: noor.rejoinCode }),
    ).toMatchObject({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS' } });
    expect(JSON.stringify(room.latest)).toBe(before);
    expect(noor.socket.connected).toBe(true);

    // the address still has budget left: guesses in another workshop are answered normally
    const other = await createWorkshop(url);
    const elsewhere = await connect(url, {
      code: other.joinCode,
      as: 'participant',
      token: newToken(),
    });
    expect(await send(elsewhere, { type: 'rejoinWorkshop', rejoinCode: wrong() })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_REJOIN_CODE' },
    });
  });
});

describe('flooding is throttled', () => {
  it('[X15] commands beyond the per-connection burst get RATE_LIMITED and change nothing', async () => {
    const { url } = await start();
    const { workshopId, joinCode } = await createWorkshop(url);
    const room = server!.realtime.rooms.get(workshopId)!;
    const boardId = room.latest.stages.define.boardIds[0]!;
    const columnId = room.latest.boards[boardId]!.columns[0]!.id;
    const flooder = await joinAs(url, joinCode, 'Flo');
    const burst = RATE_LIMITS.commands.capacity;
    const acks = await Promise.all(
      Array.from({ length: burst + 10 }, (_, i) =>
        send(flooder.socket, { type: 'addNote', boardId, columnId, text: `n${i}` }),
      ),
    );
    const accepted = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
    // joinAs spent one token; a few may trickle back (10 a second) while the burst arrives
    expect(accepted).toBeGreaterThanOrEqual(burst - 1);
    expect(accepted).toBeLessThanOrEqual(burst + 3);
    expect(accepted + limited).toBe(burst + 10);
    expect(Object.keys(room.latest.notes)).toHaveLength(accepted);
    // the limit is per connection: the same participant on another connection is served
    const again = await connect(url, { code: joinCode, as: 'participant', token: flooder.token });
    expect(await send(again, { type: 'addNote', boardId, columnId, text: 'ok' })).toMatchObject({
      ok: true,
    });
    // and the flooder gets tokens back with time (10 a second)
    await new Promise((r) => setTimeout(r, 250));
    expect(
      await send(flooder.socket, { type: 'addNote', boardId, columnId, text: 'later' }),
    ).toMatchObject({ ok: true });
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
    const before = JSON.stringify(room.latest);

    const newcomer = await connect(url, { code: joinCode, as: 'participant', token: newToken() });
    const join = { type: 'joinWorkshop', name: 'Tard', sector: null } as const;
    expect(await send(newcomer, { ...join, rejoinCode: newRejoinCode() })).toMatchObject({
      ok: false,
      error: { code: 'JOINING_CLOSED' },
    });
    expect(JSON.stringify(room.latest)).toBe(before);

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

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app';
import { DurableStore } from '../../server/store/durable';
import { joinPageData } from '../../src/lib/server/joinPage';
import {
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  sendOk,
} from './helpers';
import { until } from './scene';

/*
 * Workshops at rest: one nobody uses is put away (room, replicas and state leave memory) and
 * loaded again, from the durable store, for whoever comes back by any door.
 */

const IDLE = 60_000;
const DAY = 24 * 60 * 60 * 1000;
let dataDir: string;
let server: RunningServer;
/** The server's clock, moved by the tests. */
let clock = Date.now();

async function start(retentionDays: number | null = null): Promise<RunningServer> {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    store: await DurableStore.open(dataDir),
    realtime: { idleUnloadMs: IDLE, retentionDays, now: () => clock },
  });
  return server;
}

/** A workshop with a participant's note, everyone gone, the clock past the idle time. */
async function restingWorkshop(url: string) {
  const created = await createWorkshop(url);
  const console_ = await connect(url, {
    workshopId: created.workshopId,
    key: created.facilitatorKey,
  });
  const welcome = await hello(console_);
  const facilitator = openReplica(url, welcome, 'facilitator');
  const first = await facilitator.waitFor((s) => s.workshop !== null);
  const boardId = first.workshop!.stages.define.boardIds[0]!;
  const columnId = first.boards[boardId]!.columns[0]!.id;
  const phone = await joinAs(url, created.joinCode, 'Aline');
  await sendOk(phone.socket, { type: 'addNote', boardId, columnId, text: 'Le café du lundi' });
  closeClients();
  const room = server.realtime.rooms.get(created.workshopId)!;
  await until(() => !room.inUse && server.realtime.sessions.size === 0, 'everyone gone');
  clock += IDLE + 1;
  return { ...created, phone, boardId };
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-idle-'));
  clock = Date.now();
});
afterEach(async () => {
  closeClients();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('workshops at rest', () => {
  it('[WR1] a workshop nobody has used for the idle time is put away, and whoever comes back (console, phone, projector, join page) finds it as it was', async () => {
    const { url, realtime } = await start();
    const w = await restingWorkshop(url);
    expect(await realtime.unloadIdle()).toEqual([w.workshopId]);
    expect(realtime.rooms.has(w.workshopId)).toBe(false);
    expect(realtime.rooms.asleep).toBe(1);

    // the join page wakes it by its code
    expect((await joinPageData(w.joinCode, '127.0.0.1', null)).status).toBe('found');
    expect(realtime.rooms.has(w.workshopId)).toBe(true);
    clock += IDLE + 1;
    expect(await realtime.unloadIdle()).toEqual([w.workshopId]);

    // the phone, by its code and device token: the same participant, their note there
    const back = await connect(url, { code: w.joinCode, as: 'participant', token: w.phone.token });
    const welcome = await hello(back);
    expect(welcome.participantId).toBe(w.phone.participantId);
    const room = openReplica(url, welcome, 'public');
    const seen = await room.waitFor((s) => Object.keys(s.notes).length === 1);
    expect(Object.values(seen.notes)[0]!.text).toBe('Le café du lundi');
    closeClients();
    await until(() => realtime.sessions.size === 0, 'the phone gone');
    clock += IDLE + 1;
    await until(() => !realtime.rooms.get(w.workshopId)!.inUse, 'replicas closed');
    expect(await realtime.unloadIdle()).toEqual([w.workshopId]);

    // the console, by the workshop id and key, can work at once
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    expect((await hello(console_)).role).toBe('facilitator');
    await sendOk(console_, { type: 'setStage', stage: 'discover' });
    expect(realtime.rooms.get(w.workshopId)!.durable.currentStage).toBe('discover');
  });

  it('[WR2] a workshop with a session open or a replica connection open stays loaded, however long', async () => {
    const { url, realtime } = await start();
    const w = await restingWorkshop(url);
    // a projector connected: its session keeps the workshop, however long it stays
    const projector = await connect(url, { code: w.joinCode, as: 'projector' });
    clock += 10 * IDLE;
    expect(await realtime.unloadIdle()).toEqual([]);
    // its replica connection alone keeps it too (the socket went, the screen still reads)
    const replica = openReplica(url, await hello(projector), 'public');
    await replica.waitFor((s) => s.workshop !== null);
    projector.disconnect();
    await until(() => realtime.sessions.size === 0, 'the socket gone');
    clock += 10 * IDLE;
    expect(await realtime.unloadIdle()).toEqual([]);
    replica.destroy();
    await until(() => !realtime.rooms.get(w.workshopId)!.inUse, 'the replica closed');
    // nothing holds it any more, and nobody came for longer than the idle time
    expect(await realtime.unloadIdle()).toEqual([w.workshopId]);
  });

  it('[WR3] many phones coming back at once load the workshop once, and all get in', async () => {
    const { url, realtime } = await start();
    const w = await restingWorkshop(url);
    await realtime.unloadIdle();
    let loads = 0;
    const load = realtime.store.load.bind(realtime.store);
    realtime.store.load = (id) => {
      loads++;
      return load(id);
    };
    const phones = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i === 0
          ? connect(url, { code: w.joinCode, as: 'participant', token: w.phone.token })
          : connect(url, { code: w.joinCode, as: 'projector' }),
      ),
    );
    // every handshake was admitted (a refused one rejects), the phone as itself
    expect(phones.every((socket) => socket.connected)).toBe(true);
    expect((await hello(phones[0]!)).participantId).toBe(w.phone.participantId);
    expect(loads).toBe(1);
    expect(realtime.rooms.size).toBe(1);
    expect(realtime.rooms.asleep).toBe(0);
  });

  it('[WR4] the retention period erases a workshop put away too; its codes then lead nowhere', async () => {
    const { url, realtime } = await start(30);
    const w = await restingWorkshop(url);
    await realtime.unloadIdle();
    clock += 31 * DAY;
    expect(await realtime.eraseInactive()).toEqual([w.workshopId]);
    expect(realtime.rooms.asleep).toBe(0);
    expect((await joinPageData(w.joinCode, '127.0.0.2', null)).status).toBe('notFound');
    await expect(connect(url, { workshopId: w.workshopId, key: w.facilitatorKey })).rejects.toThrow(
      'NOT_FOUND',
    );
  });

  it('[WR5] a restart finds a workshop put away as it was (putting away loses nothing on disk)', async () => {
    const { url, realtime } = await start();
    const w = await restingWorkshop(url);
    await realtime.unloadIdle();
    await server.close();
    const again = await start();
    const room = again.realtime.rooms.get(w.workshopId)!;
    expect(Object.values(room.durable.notes).map((n) => n.text)).toEqual(['Le café du lundi']);
  });
});

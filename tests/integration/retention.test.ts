import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app';
import { DurableStore } from '../../server/store/durable';
import { closeClients, connect, createWorkshop, joinAs, sendOk } from './helpers';

/*
 * The retention period (RETENTION_DAYS), against the real server and the durable store: a
 * workshop without a command for longer is erased, at start-up and while the server runs.
 */

const DAY = 24 * 60 * 60 * 1000;
let dataDir: string;
let server: RunningServer | null = null;
/** The server's clock, moved by the tests. */
let clock = Date.now();

async function start(retentionDays: number | null): Promise<RunningServer> {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    store: await DurableStore.open(dataDir),
    realtime: { retentionDays, now: () => clock },
  });
  return server;
}

async function restart(retentionDays: number | null): Promise<RunningServer> {
  closeClients();
  await server!.close();
  return start(retentionDays);
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-retention-'));
  clock = Date.now();
});
afterEach(async () => {
  closeClients();
  await server?.close();
  server = null;
  await rm(dataDir, { recursive: true, force: true });
});

describe('the retention period', () => {
  it('[X25] a workshop without a command for longer than RETENTION_DAYS is erased; an active one, however old, stays', async () => {
    const { url } = await start(null);
    const old = await createWorkshop(url, { title: 'Ancien' });
    const active = await createWorkshop(url, { title: 'Toujours actif' });
    // 40 days later, someone works in the second one
    clock += 40 * DAY;
    const console_ = await connect(url, {
      workshopId: active.workshopId,
      key: active.facilitatorKey,
    });
    await sendOk(console_, { type: 'setStage', stage: 'discover' });

    // without a retention period, nothing is erased
    await restart(null);
    expect(server!.realtime.rooms.size).toBe(2);

    // with 30 days, the idle one goes at start-up, files and all
    await restart(30);
    expect([...server!.realtime.rooms.keys()]).toEqual([active.workshopId]);
    expect(await readdir(path.join(dataDir, 'workshops'))).toEqual([active.workshopId]);
    await expect(
      connect(server!.url, { code: old.joinCode, as: 'projector' }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('[X25] while the server runs, an idle workshop is erased and its open screens are told why', async () => {
    const { url } = await start(30);
    const idle = await createWorkshop(url);
    const phone = await joinAs(url, idle.joinCode, 'Dora');
    const told = new Promise((resolve) => phone.socket.once('gone', resolve));
    clock += 29 * DAY;
    expect(await server!.realtime.eraseInactive()).toEqual([]);
    clock += 2 * DAY;
    expect(await server!.realtime.eraseInactive()).toEqual([idle.workshopId]);
    expect(await told).toEqual({
      code: 'WORKSHOP_EXPIRED',
      message:
        'This workshop was erased: it had been inactive longer than this server keeps workshops.',
    });
    expect(server!.realtime.rooms.size).toBe(0);
    expect(await readdir(path.join(dataDir, 'workshops'))).toEqual([]);
  });
});

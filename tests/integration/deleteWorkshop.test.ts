import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../server/app';
import { DurableStore } from '../../server/store/durable';
import {
  closeClients,
  connect,
  hello,
  joinAs,
  openReplica,
  openRoom,
  send,
  sendOk,
} from './helpers';

/*
 * Deleting a workshop, against the real server with the durable store on a temporary DATA_DIR:
 * every open screen is told and let go, and nothing about the workshop stays on disk.
 */

let dataDir: string;
let server: RunningServer | null = null;

async function start(): Promise<RunningServer> {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    store: await DurableStore.open(dataDir),
  });
  return server;
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-delete-'));
});
afterEach(async () => {
  closeClients();
  await server?.close();
  server = null;
  await rm(dataDir, { recursive: true, force: true });
});

/** Every file under DATA_DIR, read as text. */
async function everythingOnDisk(): Promise<string> {
  let all = '';
  for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) all += await readFile(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return all;
}

const goneNotice = (socket: Socket) =>
  new Promise<{ code: string; message: string }>((resolve) => socket.once('gone', resolve));

describe('deleting a workshop', () => {
  it('[X24] the main facilitator deletes it: screens are told and let go, its files and index entry are erased, a restart does not bring it back', async () => {
    const { url } = await start();
    const room = await openRoom(url);
    const ana = await joinAs(url, room.joinCode, 'Ana Tremblay-Unique');
    await sendOk(ana.socket, {
      type: 'addNote',
      boardId: room.boardId,
      columnId: room.columnId,
      text: 'Une note très personnelle',
    });
    const mine = openReplica(url, await hello(ana.socket), 'private');
    await mine.waitFor((s) => s.me !== null);
    const kept = await openRoom(url); // another workshop on the same server stays
    expect(await everythingOnDisk()).toContain('Ana Tremblay-Unique');

    const told = [goneNotice(ana.socket)];
    const ack = await send(room.console_, { type: 'deleteWorkshop' });
    expect(ack).toEqual({ ok: true, value: {} });
    expect(await Promise.all(told)).toEqual([
      { code: 'WORKSHOP_DELETED', message: 'This workshop was deleted by its facilitator.' },
    ]);
    await vi.waitFor(() => {
      expect(ana.socket.connected).toBe(false);
      expect(room.console_.connected).toBe(false);
      for (const replica of [room.facilitator, room.projector, mine]) {
        expect(replica.closedWith).toBe(4410);
      }
    });
    await vi.waitFor(async () => {
      expect(await readdir(path.join(dataDir, 'workshops'))).toEqual([kept.workshopId]);
    });
    const disk = await everythingOnDisk();
    for (const secret of [room.workshopId, 'Ana Tremblay-Unique', 'Une note très personnelle']) {
      expect(disk).not.toContain(secret);
    }
    // the code and the link now lead nowhere
    await expect(connect(url, { code: room.joinCode, as: 'participant' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(
      connect(url, { workshopId: room.workshopId, key: room.facilitatorKey }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    // the other workshop carries on
    expect(kept.console_.connected).toBe(true);
    await sendOk(kept.console_, { type: 'setStage', stage: 'discover' });

    closeClients();
    await server!.close();
    const { url: again } = await start();
    expect([...server!.realtime.rooms.keys()]).toEqual([kept.workshopId]);
    await expect(connect(again, { code: room.joinCode, as: 'projector' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
  });

  it('[X24] a deletion on record but not yet erased (the server stopped in between) is finished at the next start', async () => {
    const { url } = await start();
    const room = await openRoom(url);
    await joinAs(url, room.joinCode, 'Ben Arrêté-Net');
    // Stop the server the moment the deletion is durable, before it erases anything.
    const realtime = server!.realtime;
    const erase = vi.spyOn(realtime, 'removeWorkshop').mockResolvedValue(undefined);
    expect(await send(room.console_, { type: 'deleteWorkshop' })).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(erase).toHaveBeenCalledWith(room.workshopId));
    closeClients();
    await server!.close();
    expect(await everythingOnDisk()).toContain('Ben Arrêté-Net');

    await start();
    expect(server!.realtime.rooms.size).toBe(0);
    expect(await readdir(path.join(dataDir, 'workshops'))).toEqual([]);
    expect(await everythingOnDisk()).not.toContain('Ben Arrêté-Net');
  });
});

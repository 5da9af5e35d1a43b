import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, Command, Workshop } from '../../../src/lib/domain/index';
import { readSnapshot } from '../../../src/lib/client/snapshot';
import { DurableStore } from '../../../server/store/durable';
import { decodeRecords, encodeRecord } from '../../../server/store/logCodec';
import { WorkshopRoom } from '../../../server/workshopRoom';
import { errno, faultyFs, type Call } from './faultyFs';
import { ctx, scenario } from './scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-faults-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A live room on a durable store whose file system fails when told to. */
async function roomOnFaultyDisk() {
  const { records, state, sender } = scenario(2);
  const disk = faultyFs();
  const fatal: unknown[] = [];
  const store = await DurableStore.open(dir, { fs: disk.fs, onFatal: (e) => fatal.push(e) });
  for (const record of records) await store.append(state.id, record);
  const [loaded] = await store.loadAll();
  const room = new WorkshopRoom(loaded!, store, ctx, (e) => fatal.push(e));
  const participantId = sender.slice('p:'.length);
  const actor = { role: 'participant', participantId } as Actor;
  const boardId = state.stages.define.boardIds[0]!;
  const columnId = state.boards[boardId]!.columns[0]!.id;
  const note = (text: string) => ({ type: 'addNote', boardId, columnId, text }) as Command;
  return { room, store, disk, fatal, actor, note, state };
}

const texts = (state: Workshop | null) => Object.values(state?.notes ?? {}).map((n) => n.text);

describe('failures of the disk', () => {
  for (const failing of ['write', 'datasync'] as const) {
    it(`[D22] a failed log ${failing}: the command is refused with INTERNAL, fail-stop is called, no replica shows it, and a reopen has everything acknowledged before and not it`, async () => {
      const { room, store, disk, fatal, actor, note, state } = await roomOnFaultyDisk();
      expect((await room.run(actor, note('avant'), 'op-before')).ok).toBe(true);
      disk.set((call: Call, file) => {
        if (call === failing && file.endsWith('log')) throw errno('EIO', failing);
      });
      const ack = await room.run(actor, note('perdue'), 'op-lost');
      expect(ack).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(fatal).toHaveLength(1);
      expect((fatal[0] as NodeJS.ErrnoException).code).toBe('EIO');
      // the room takes nothing more, and what it shows never included the lost note
      expect((await room.run(actor, note('après'), 'op-after')).ok).toBe(false);
      await Promise.resolve();
      expect(
        Object.values(readSnapshot(room.replicas.public.doc).notes).map((n) => n.text),
      ).toEqual(expect.arrayContaining(['avant']));
      expect(JSON.stringify(readSnapshot(room.replicas.public.doc))).not.toContain('perdue');
      expect(texts(room.durable)).not.toContain('perdue');
      room.destroy();
      disk.set(() => {});
      await store.close();

      const reopened = await DurableStore.open(dir);
      const [loaded] = await reopened.loadAll();
      expect(texts(loaded!.state)).toContain('avant');
      expect(texts(loaded!.state)).not.toContain('perdue');
      expect(texts(loaded!.state)).toHaveLength(Object.keys(state.notes).length + 1);
      await reopened.close();
    });
  }

  it('[D23] a failed rename of the snapshot: the log is not cut, fail-stop is called, and a reopen loses nothing', async () => {
    const { records, state } = scenario(40);
    const disk = faultyFs((call, file) => {
      if (call === 'rename' && file.endsWith('snapshot.json')) throw errno('EIO', 'rename');
    });
    let failed!: (error: unknown) => void;
    const fatal = new Promise<unknown>((resolve) => (failed = resolve));
    const store = await DurableStore.open(dir, {
      compactBytes: 1500,
      fs: disk.fs,
      onFatal: failed,
    });
    for (const record of records) await store.append(state.id, record);
    expect(((await fatal) as NodeJS.ErrnoException).code).toBe('EIO');
    await store.close();
    const workshopDir = path.join(dir, 'workshops', state.id);
    const inLog = decodeRecords(await readFile(path.join(workshopDir, 'log'))).records;
    expect(inLog).toHaveLength(records.length);
    expect(disk.calls.filter(([call]) => call === 'truncate')).toEqual([]);

    const reopened = await DurableStore.open(dir);
    const [loaded] = await reopened.loadAll();
    expect(loaded!.state).toEqual(state);
    await reopened.close();
  });

  it('[D23] a failed truncation of the log after the snapshot: fail-stop, later appends are refused, a reopen loses nothing', async () => {
    const { records, state } = scenario(40);
    const disk = faultyFs((call, file) => {
      if (call === 'truncate' && file.endsWith('log')) throw errno('EIO', call);
    });
    let failed!: (error: unknown) => void;
    const fatal = new Promise<unknown>((resolve) => (failed = resolve));
    // The threshold is crossed by the last append exactly, so the compaction cuts the whole log
    // (a truncation) while nothing else is appended.
    const appended = 30;
    const compactBytes = records
      .slice(0, appended)
      .reduce((sum, r, i) => sum + encodeRecord({ ...r, seq: i + 1 }).length, 0);
    const store = await DurableStore.open(dir, { compactBytes, fs: disk.fs, onFatal: failed });
    for (const record of records.slice(0, appended)) await store.append(state.id, record);
    expect(((await fatal) as NodeJS.ErrnoException).code).toBe('EIO');
    // what the log holds is unknown now: nothing more goes into it
    const refused = records[appended]!;
    await expect(store.append(state.id, refused)).rejects.toMatchObject({ code: 'EIO' });
    await store.close();

    const reopened = await DurableStore.open(dir);
    const [loaded] = await reopened.loadAll();
    const ops = loaded!.acks.map(([key]) => key.slice(key.lastIndexOf(':') + 1));
    expect(ops).toEqual(records.slice(0, appended).map((r) => r.op));
    await reopened.close();
  });

  it('[D17] a full disk while writing the index at a creation: the creation is refused', async () => {
    const { records, state } = scenario(0);
    const disk = faultyFs((call, file) => {
      if (call === 'write' && file.includes('index.json')) throw errno('ENOSPC', 'write');
    });
    const store = await DurableStore.open(dir, { fs: disk.fs });
    await expect(store.append(state.id, records[0]!)).rejects.toMatchObject({ code: 'ENOSPC' });
    await store.close();
    const reopened = await DurableStore.open(dir);
    expect(await reopened.loadAll()).toEqual([]);
    await reopened.close();
  });
});

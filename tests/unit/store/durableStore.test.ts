import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apply, type Workshop } from '../../../src/lib/domain/index';
import { DurableStore } from '../../../server/store/durable';
import { decodeRecords, encodeRecord } from '../../../server/store/logCodec';
import { MemoryStore } from '../../../server/store/memory';
import { scenario } from './scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the durable store', () => {
  it('[D9] what was appended is loaded again after a reopen, with the answers to its op ids', async () => {
    const { records, state } = scenario(5);
    const store = await DurableStore.open(dir);
    for (const record of records) await store.append(state.id, record);
    await store.close();

    const reopened = await DurableStore.open(dir);
    const [loaded, ...others] = await reopened.loadAll();
    expect(others).toEqual([]);
    expect(loaded!.state).toEqual(state);
    expect(loaded!.acks.map(([key]) => key)).toContain(
      'p:' + Object.keys(state.participants)[0] + ':op-note-4',
    );
    await reopened.close();
  });

  it('[D10] snapshot + replay of the tail equals the state; compaction drops from the log what the snapshot holds', async () => {
    const { records, state } = scenario(60);
    const store = await DurableStore.open(dir, { compactBytes: 2000 });
    for (const record of records) await store.append(state.id, record);
    await store.close();
    const workshopDir = path.join(dir, 'workshops', state.id);
    expect((await readdir(workshopDir)).sort()).toEqual(['log', 'snapshot.json']);
    const snapshot = JSON.parse(await readFile(path.join(workshopDir, 'snapshot.json'), 'utf8'));
    const inLog = decodeRecords(await readFile(path.join(workshopDir, 'log'))).records as Array<{
      seq: number;
    }>;
    expect(inLog.length).toBeLessThan(records.length);
    expect(inLog.every((r) => r.seq > snapshot.seq)).toBe(true);
    expect(snapshot.seq + inLog.length).toBe(records.length);

    const reopened = await DurableStore.open(dir, { compactBytes: 2000 });
    const [loaded] = await reopened.loadAll();
    expect(loaded!.state).toEqual(state);
    let replayed: Workshop | null = null;
    for (const r of records) for (const e of r.events) replayed = apply(replayed, e);
    expect(loaded!.state).toEqual(replayed);
    expect(loaded!.acks).toHaveLength(records.length);
    await reopened.close();
  });

  it('[D11] appends from many commands at once share flushes and all land in order', async () => {
    const { records, state } = scenario(40);
    const store = await DurableStore.open(dir);
    await store.append(state.id, records[0]!);
    await Promise.all(records.slice(1).map((r) => store.append(state.id, r)));
    await store.close();
    const reopened = await DurableStore.open(dir);
    const [loaded] = await reopened.loadAll();
    expect(loaded!.state).toEqual(state);
    await reopened.close();
  });

  it('[D13] erasing a workshop removes its files and index entry; a reopen does not bring it back', async () => {
    const { records, state } = scenario(3);
    const kept = scenario(1);
    const otherId = 'other-workshop';
    const store = await DurableStore.open(dir);
    for (const record of records) await store.append(state.id, record);
    for (const record of kept.records) await store.append(otherId, record);
    await store.erase(state.id);
    expect(await readdir(path.join(dir, 'workshops'))).toEqual([otherId]);
    const index = await readFile(path.join(dir, 'index.json'), 'utf8');
    expect(index).not.toContain(state.id);
    expect(index).toContain(otherId);
    await store.close();

    const reopened = await DurableStore.open(dir);
    const loaded = await reopened.loadAll();
    expect(loaded.map((l) => l.state.title)).toEqual([kept.state.title]);
    await reopened.close();
  });

  it('[D14] files of a workshop whose erase was cut short (no index entry) go at start-up; without an index nothing is touched', async () => {
    const { records, state } = scenario(2);
    const store = await DurableStore.open(dir);
    for (const record of records) await store.append(state.id, record);
    await store.close();
    // a stop between the index update and the removal of the files
    await mkdir(path.join(dir, 'workshops', 'half-erased'));
    await writeFile(path.join(dir, 'workshops', 'half-erased', 'log'), 'Ana, Ben');
    const reopened = await DurableStore.open(dir);
    expect(await readdir(path.join(dir, 'workshops'))).toEqual([state.id]);
    expect(await reopened.loadAll()).toHaveLength(1);
    await reopened.close();

    await rm(path.join(dir, 'index.json'));
    const withoutIndex = await DurableStore.open(dir);
    expect(await readdir(path.join(dir, 'workshops'))).toEqual([state.id]);
    await withoutIndex.close();
  });

  it('[D13] the memory store forgets an erased workshop too', async () => {
    const { records, state } = scenario(1);
    const store = new MemoryStore();
    for (const record of records) await store.append(state.id, record);
    expect(await store.loadAll()).toHaveLength(1);
    await store.erase(state.id);
    expect(await store.loadAll()).toEqual([]);
  });

  it('[D15] each loaded workshop says when its last command was stored, after a compaction too', async () => {
    const { records, state } = scenario(60);
    const dated = records.map((r, i) => ({ ...r, at: 1_000 + i }));
    const store = await DurableStore.open(dir, { compactBytes: 2000 });
    for (const record of dated.slice(0, 40)) await store.append(state.id, record);
    // one record carries a later time than the ones after it: the latest time counts
    await store.append(state.id, { ...dated[40]!, at: 5_000 });
    for (const record of dated.slice(41)) await store.append(state.id, record);
    await store.close();
    const reopened = await DurableStore.open(dir, { compactBytes: 2000 });
    const [loaded] = await reopened.loadAll();
    expect(loaded!.lastActivityAt).toBe(5_000);
    await reopened.close();
    // and from the snapshot alone, once the log is empty
    const snapshotOnly = await DurableStore.open(dir, { compactBytes: 1 });
    await snapshotOnly.append(state.id, { ...dated[0]!, op: 'op-late', at: 4_000, events: [] });
    await snapshotOnly.close();
    const again = await DurableStore.open(dir);
    expect((await again.loadAll())[0]!.lastActivityAt).toBe(5_000);
    await again.close();
  });

  it('[D16] eight workshops created at once all land, and all are there after a reopen', async () => {
    const workshops = Array.from({ length: 8 }, () => scenario(1));
    const store = await DurableStore.open(dir);
    await Promise.all(workshops.map(({ records, state }) => store.append(state.id, records[0]!)));
    await Promise.all(
      workshops.flatMap(({ records, state }) =>
        records.slice(1).map((r) => store.append(state.id, r)),
      ),
    );
    await store.close();
    const reopened = await DurableStore.open(dir);
    const loaded = await reopened.loadAll();
    expect(loaded.map((l) => l.state.id).sort()).toEqual(workshops.map((w) => w.state.id).sort());
    for (const { state } of workshops) {
      expect(loaded.find((l) => l.state.id === state.id)!.state).toEqual(state);
    }
    await reopened.close();
  });

  it('[D3] a log damaged before its end stops the load with an error naming the file and the offset', async () => {
    const { records, state } = scenario(5);
    const store = await DurableStore.open(dir);
    for (const record of records) await store.append(state.id, record);
    await store.close();
    const file = path.join(dir, 'workshops', state.id, 'log');
    const bytes = await readFile(file);
    const second = firstFrameLength(bytes);
    bytes[second + 12] = bytes[second + 12]! ^ 0xff;
    await writeFile(file, bytes);

    const reopened = await DurableStore.open(dir);
    await expect(reopened.loadAll()).rejects.toThrow(
      `the log ${file} is damaged at byte ${second} and acknowledged records follow it`,
    );
    await expect(reopened.loadAll()).rejects.toThrow(/restore it from a backup, or move it aside/);
    // nothing was cut: the acknowledged records after the damage are still in the file
    expect(await readFile(file)).toEqual(bytes);
  });

  it('[D21] a torn or zero-filled tail is dropped at start-up, and the records before it are kept', async () => {
    const { records, state } = scenario(3);
    const store = await DurableStore.open(dir);
    for (const record of records) await store.append(state.id, record);
    await store.close();
    const file = path.join(dir, 'workshops', state.id, 'log');
    const whole = await readFile(file);
    for (const tail of [
      encodeRecord({ seq: 99, torn: true }).subarray(0, 20),
      Buffer.alloc(4096),
    ]) {
      await writeFile(file, whole);
      await appendFile(file, tail);
      const reopened = await DurableStore.open(dir);
      const [loaded] = await reopened.loadAll();
      expect(loaded!.state).toEqual(state);
      await reopened.close();
      expect(await readFile(file)).toEqual(whole);
    }
  });
});

function firstFrameLength(bytes: Buffer): number {
  return 8 + bytes.readUInt32LE(0);
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../server/config';
import { DurableStore } from '../../../server/store/durable';
import { decodeRecords } from '../../../server/store/logCodec';
import { scenario } from './scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-records-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function onDisk(workshopId: string): Promise<{ snapshotSeq: number; logSeqs: number[] }> {
  const workshopDir = path.join(dir, 'workshops', workshopId);
  const snapshot = JSON.parse(await readFile(path.join(workshopDir, 'snapshot.json'), 'utf8'));
  const log = decodeRecords(await readFile(path.join(workshopDir, 'log'))).records as Array<{
    seq: number;
  }>;
  return { snapshotSeq: snapshot.seq, logSeqs: log.map((r) => r.seq) };
}

describe('compaction by number of records', () => {
  it('[D27] a log of small records passing the record threshold (far under the byte threshold) is compacted: the snapshot holds the state, the log only the records after it', async () => {
    const { records, state } = scenario(40);
    const fatal: unknown[] = [];
    const store = await DurableStore.open(dir, {
      compactRecords: 10,
      onFatal: (e) => fatal.push(e),
    });
    for (const record of records) await store.append(state.id, record);
    await store.close();
    expect(fatal).toEqual([]);

    const { snapshotSeq, logSeqs } = await onDisk(state.id);
    expect(snapshotSeq).toBeGreaterThan(10);
    expect(logSeqs.length).toBeLessThan(records.length - 10);
    expect(logSeqs).toEqual(Array.from({ length: logSeqs.length }, (_, i) => snapshotSeq + 1 + i));
    expect(snapshotSeq + logSeqs.length).toBe(records.length);
    const reopened = await DurableStore.open(dir, { compactRecords: 10 });
    const [loaded] = await reopened.loadAll();
    expect(loaded!.state).toEqual(state);
    expect(loaded!.acks).toHaveLength(records.length);
    await reopened.close();
  });

  it('[D28] a start-up that replays more records than the threshold compacts right after loading, so the next start replays at most the threshold', async () => {
    const { records, state } = scenario(60);
    // Written under a threshold it never reached: the whole log is there.
    const writer = await DurableStore.open(dir, { compactRecords: 1_000 });
    for (const record of records) await writer.append(state.id, record);
    await writer.close();
    const workshopDir = path.join(dir, 'workshops', state.id);
    const written = decodeRecords(await readFile(path.join(workshopDir, 'log'))).records;
    expect(written).toHaveLength(records.length);

    const fatal: unknown[] = [];
    const first = await DurableStore.open(dir, {
      compactRecords: 10,
      onFatal: (e) => fatal.push(e),
    });
    const [loaded] = await first.loadAll();
    expect(loaded!.state).toEqual(state);
    await first.close();
    expect(fatal).toEqual([]);

    const { snapshotSeq, logSeqs } = await onDisk(state.id);
    expect(snapshotSeq).toBe(records.length);
    expect(logSeqs.length).toBeLessThanOrEqual(10);
    const second = await DurableStore.open(dir, { compactRecords: 10 });
    const [again] = await second.loadAll();
    expect(again!.state).toEqual(state);
    expect(again!.acks).toHaveLength(records.length);
    // A later command still lands after the snapshot.
    await second.append(state.id, { ...records[0]!, op: 'op-after', events: [] });
    await second.close();
    expect((await onDisk(state.id)).logSeqs).toEqual([records.length + 1]);
  });

  it('[D29] COMPACT_RECORDS sets the record threshold (500 when unset); anything but a whole number of records stops the start with a clear message', () => {
    expect(configFromEnv({}).compactRecords).toBe(500);
    expect(configFromEnv({ COMPACT_RECORDS: '' }).compactRecords).toBe(500);
    expect(configFromEnv({ COMPACT_RECORDS: '1000' }).compactRecords).toBe(1000);
    expect(configFromEnv({ COMPACT_RECORDS: '1' }).compactRecords).toBe(1);
    for (const bad of ['0', '-1', '2.5', '250 records', 'beaucoup']) {
      expect(() => configFromEnv({ COMPACT_RECORDS: bad }), bad).toThrow(
        `COMPACT_RECORDS must be a whole number of records (1 or more), not "${bad}"`,
      );
    }
  });
});

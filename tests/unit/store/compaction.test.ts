import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableStore } from '../../../server/store/durable';
import { decodeRecords } from '../../../server/store/logCodec';
import { faultyFs } from './faultyFs';
import { scenario } from './scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-compact-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('compaction off the ack path', () => {
  it('[D18] appends resolve while a compaction is held back writing its snapshot; then the log keeps only what came after the cut', async () => {
    const { records, state } = scenario(40);
    const snapshotWrite = gate();
    let held = false;
    const { fs } = faultyFs(async (call, file) => {
      if (call === 'sync' && file.includes('snapshot.json')) {
        held = true;
        await snapshotWrite.opened;
      }
    });
    const fatal: unknown[] = [];
    const store = await DurableStore.open(dir, {
      compactBytes: 1500,
      fs,
      onFatal: (e) => fatal.push(e),
    });
    const order: string[] = [];
    // Without the fix the append that crosses the threshold waits for the snapshot: this
    // backstop then opens the gate, and the order below shows it.
    const backstop = setTimeout(() => {
      order.push('snapshot released by the backstop');
      snapshotWrite.open();
    }, 4_000);
    let whileHeld = 0;
    for (const record of records) {
      await store.append(state.id, record);
      if (held) whileHeld++;
    }
    order.push('every append resolved');
    clearTimeout(backstop);
    snapshotWrite.open();
    expect(order).toEqual(['every append resolved']);
    expect(whileHeld).toBeGreaterThan(5);
    await store.close();
    expect(fatal).toEqual([]);

    // The snapshot holds the records up to the cut; the log, rewritten, only those after it.
    const workshopDir = path.join(dir, 'workshops', state.id);
    const snapshot = JSON.parse(await readFile(path.join(workshopDir, 'snapshot.json'), 'utf8'));
    const inLog = decodeRecords(await readFile(path.join(workshopDir, 'log'))).records as Array<{
      seq: number;
    }>;
    expect(inLog.length).toBeGreaterThan(0);
    expect(inLog.map((r) => r.seq)).toEqual(
      Array.from({ length: inLog.length }, (_, i) => snapshot.seq + 1 + i),
    );
    expect(snapshot.seq + inLog.length).toBe(records.length);
    const reopened = await DurableStore.open(dir);
    const [loaded] = await reopened.loadAll();
    expect(loaded!.state).toEqual(state);
    expect(loaded!.acks).toHaveLength(records.length);
    await reopened.close();
  }, 15_000);
});

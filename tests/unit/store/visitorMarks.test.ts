import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/lib/domain/index';
import { sequencedOp } from '../../../src/lib/protocol/opIds';
import { DurableStore } from '../../../server/store/durable';
import { SenderMarks } from '../../../server/store/marks';
import { WorkshopRoom } from '../../../server/workshopRoom';
import { ctx, scenario } from './scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-visitor-marks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stream = (i: number) => i.toString(16).padStart(16, '0');

describe('marks of visitors', () => {
  it('[D26] a visitor (t:<token hash>) gets no mark; participants keep theirs', () => {
    const marks = new SenderMarks([['t:old', stream(1), 3]]);
    marks.note('t:abc', sequencedOp(stream(2), 1));
    marks.note('p:ana', sequencedOp(stream(3), 1));
    expect(marks.list()).toEqual([['p:ana', stream(3), 1]]);
    expect(marks.covers('t:abc', sequencedOp(stream(2), 1))).toBe(false);
  });

  it('[D26] rejoins from fresh device tokens in a loop leave the marks (and the snapshot) as they were', async () => {
    const { records, state } = scenario(1);
    const store = await DurableStore.open(dir, { compactBytes: 64 * 1024 });
    for (const record of records) await store.append(state.id, record);
    const [loaded] = await store.loadAll();
    const fatal: unknown[] = [];
    const room = new WorkshopRoom(loaded!, store, ctx, (e) => fatal.push(e));
    // The scenario's participant knows her rejoin code; each attempt comes with a fresh token.
    const rejoins = 400;
    for (let i = 0; i < rejoins; i++) {
      const token = `${i}`.padStart(64, 'b');
      const rejoin = {
        type: 'rejoinWorkshop',
        tokenHash: token,
        rejoinCodeHash: 'r'.repeat(64),
      } as Command;
      const ack = await room.run(
        { role: 'nobody' },
        rejoin,
        sequencedOp(stream(i), 1),
        `t:${token}`,
      );
      expect(ack.ok).toBe(true);
    }
    expect(fatal).toEqual([]);
    room.destroy();
    await store.close();

    const reopened = await DurableStore.open(dir);
    const marks = (await reopened.loadAll())[0]!.marks ?? [];
    await reopened.close();
    expect(marks.filter(([sender]) => sender.startsWith('t:'))).toEqual([]);
    // A compaction ran (the log passed 64 KB): the snapshot holds no visitor either.
    const snapshot = JSON.parse(
      await readFile(path.join(dir, 'workshops', state.id, 'snapshot.json'), 'utf8'),
    ) as { marks: [string, string, number][] };
    expect(snapshot.marks.filter(([sender]) => sender.startsWith('t:'))).toEqual([]);
  });
});

import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendLog } from '../../../server/store/appendLog';
import { decodeRecords, encodeRecord } from '../../../server/store/logCodec';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the append-only log', () => {
  it('[D5] group commit: N records appended in one tick go out in one flush', async () => {
    const { log } = await AppendLog.open(path.join(dir, 'log'));
    const n = 50;
    await Promise.all(Array.from({ length: n }, (_, i) => log.append({ i })));
    expect(log.flushes).toBe(1);
    const decoded = decodeRecords(await readFile(path.join(dir, 'log')));
    expect(decoded.records).toEqual(Array.from({ length: n }, (_, i) => ({ i })));
    await log.close();
  });

  it('[D6] records arriving during a flush share the next one, and keep their order', async () => {
    const { log } = await AppendLog.open(path.join(dir, 'log'));
    const order: number[] = [];
    const first = log.append({ i: 0 }, () => order.push(0));
    await Promise.resolve(); // the first flush has started
    await Promise.resolve();
    const rest = Array.from({ length: 9 }, (_, i) =>
      log.append({ i: i + 1 }, () => order.push(i + 1)),
    );
    await Promise.all([first, ...rest]);
    expect(log.flushes).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await log.close();
  });

  it('[D7] opening a log with a torn tail cuts it back to the last whole record', async () => {
    const file = path.join(dir, 'log');
    await writeFile(file, Buffer.concat([encodeRecord({ a: 1 }), encodeRecord({ b: 2 })]));
    await appendFile(file, encodeRecord({ c: 3 }).subarray(0, 7));
    const { log, decoded } = await AppendLog.open(file);
    expect(decoded.records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(decoded.torn).toBe(true);
    await log.append({ d: 4 });
    await log.close();
    expect(decodeRecords(await readFile(file)).records).toEqual([{ a: 1 }, { b: 2 }, { d: 4 }]);
  });

  it('[D8] an exclusive section runs between flushes; appends made meanwhile wait for it', async () => {
    const { log } = await AppendLog.open(path.join(dir, 'log'));
    const events: string[] = [];
    const a = log.append({ a: 1 }, () => events.push('a durable'));
    let b: Promise<void> | undefined;
    const section = log.exclusive(async () => {
      events.push('section start');
      b = log.append({ b: 2 }, () => events.push('b durable'));
      await new Promise((r) => setTimeout(r, 20));
      events.push('section end');
    });
    await a;
    await section;
    await b;
    expect(events).toEqual(['a durable', 'section start', 'section end', 'b durable']);
    await log.close();
  });
});

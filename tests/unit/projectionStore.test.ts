import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableStore } from '../../server/store/durable';
import { apply, type Workshop } from '../../src/lib/domain/index';
import { scenario } from './store/scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-after-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the store takes the room’s state', () => {
  it('[P7] given the state each record leads to, the durable store keeps that state (no second copy of the workshop per command), compacts it, and a restart replays the same workshop', async () => {
    const { records, state } = scenario(40);
    const afters: Workshop[] = [];
    let current: Workshop | null = null;
    for (const record of records) {
      for (const event of record.events) current = apply(current, event);
      afters.push(current!);
    }
    const store = await DurableStore.open(dir, { compactBytes: 1500 });
    for (const [i, record] of records.entries()) await store.append(state.id, record, afters[i]);
    // The very object it was given: nothing was applied again.
    const [kept] = await store.loadAll();
    expect(kept!.state).toBe(afters.at(-1));
    await store.close();
    const reopened = await DurableStore.open(dir, { compactBytes: 1500 });
    const [loaded] = await reopened.loadAll();
    expect(loaded!.state).toEqual(state);
    expect(loaded!.acks).toHaveLength(records.length);
    await reopened.close();
  });
});

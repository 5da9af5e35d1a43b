import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apply,
  execute,
  type Actor,
  type Command,
  type Workshop,
} from '../../../src/lib/domain/index';
import { DurableStore } from '../../../server/store/durable';
import { MemoryStore } from '../../../server/store/memory';
import type { LogRecord } from '../../../server/store/types';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let ids = 0;
const ctx = () => ({ now: 1_700_000_000_000 + ids, newId: () => `id${++ids}` });

/** Run commands through the domain, returning the records a server would store. */
function scenario(noteCount: number): { records: LogRecord[]; state: Workshop } {
  const records: LogRecord[] = [];
  let state: Workshop | null = null;
  const run = (actor: Actor, command: Command, op: string, sender: string = actor.role) => {
    const result = execute(state, actor, command, ctx());
    if (!result.ok) throw new Error(result.error.code);
    state = result.value.state;
    records.push({
      op,
      actor: sender,
      at: 0,
      events: result.value.decision.events,
      reply: result.value.decision.reply ?? {},
    });
    return result.value.decision.reply ?? {};
  };
  run(
    { role: 'nobody' },
    {
      type: 'createWorkshop',
      title: 'Atelier',
      question: 'Qu’est-ce qui marche ?',
      language: 'fr',
      sectors: ['Clinique'],
      joinCode: 'ACDEFG',
      facilitatorKeyHash: 'f'.repeat(64),
    },
    'op-create',
  );
  const { participantId } = run(
    { role: 'nobody' },
    {
      type: 'joinWorkshop',
      name: 'Ana',
      sector: null,
      tokenHash: 'a'.repeat(64),
      rejoinCodeHash: 'r'.repeat(64),
    },
    'op-join',
    't:a',
  );
  const ws = state as unknown as Workshop;
  const boardId = ws.stages.define.boardIds[0]!;
  const columnId = ws.boards[boardId]!.columns[0]!.id;
  const actor = { role: 'participant', participantId } as Actor;
  for (let i = 0; i < noteCount; i++) {
    run(
      actor,
      { type: 'addNote', boardId, columnId, text: `note ${i} ${'x'.repeat(100)}` } as Command,
      `op-note-${i}`,
      `p:${participantId}`,
    );
  }
  return { records, state: state as unknown as Workshop };
}

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

  it('[D10] snapshot + replay of the tail equals the state, and compaction empties the log', async () => {
    const { records, state } = scenario(60);
    const store = await DurableStore.open(dir, { compactBytes: 2000 });
    for (const record of records) await store.append(state.id, record);
    await store.close();
    const files = await readdir(path.join(dir, 'workshops', state.id));
    expect(files.sort()).toEqual(['log', 'snapshot.json']);
    expect((await stat(path.join(dir, 'workshops', state.id, 'log'))).size).toBeLessThan(
      2000 + 400,
    );

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
});

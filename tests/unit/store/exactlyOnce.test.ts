import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, Command } from '../../../src/lib/domain/index';
import { parseSequencedOp, sequencedOp } from '../../../src/lib/protocol/opIds';
import { DurableStore } from '../../../server/store/durable';
import { SenderMarks, STREAMS_PER_SENDER } from '../../../server/store/marks';
import { MemoryStore } from '../../../server/store/memory';
import { REMEMBERED_ACKS, type LoadedWorkshop } from '../../../server/store/types';
import { WorkshopRoom } from '../../../server/workshopRoom';
import { ctx, scenario } from './scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-once-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const STREAM = '0123456789abcdef';

describe('exactly once, however long a phone was away', () => {
  it('[D24] sequenced op ids: a stream and a counter, told apart from random op ids', () => {
    expect(sequencedOp(STREAM, 42)).toBe('0123456789abcdef-42');
    expect(parseSequencedOp('0123456789abcdef-42')).toEqual({ stream: STREAM, seq: 42 });
    for (const other of ['9f3a1c0e5b7d2468ace13579', 'op-note-1', '0123456789abcdef-0', 'x-1']) {
      expect(parseSequencedOp(other), other).toBeNull();
    }
    expect(() => sequencedOp('short', 1)).toThrow();
  });

  it('[D24] a mark per sender and stream; at most 32 streams per sender, the least recently used forgotten', () => {
    const marks = new SenderMarks();
    marks.note('p:ana', sequencedOp(STREAM, 5));
    marks.note('p:ana', sequencedOp(STREAM, 3));
    expect(marks.covers('p:ana', sequencedOp(STREAM, 5))).toBe(true);
    expect(marks.covers('p:ana', sequencedOp(STREAM, 1))).toBe(true);
    expect(marks.covers('p:ana', sequencedOp(STREAM, 6))).toBe(false);
    expect(marks.covers('p:ben', sequencedOp(STREAM, 1))).toBe(false);
    marks.note('p:ana', 'a-random-op-id');
    expect(marks.covers('p:ana', 'a-random-op-id')).toBe(false);
    const streams = Array.from({ length: STREAMS_PER_SENDER }, (_, i) =>
      i.toString(16).padStart(16, 'a'),
    );
    for (const stream of streams) marks.note('p:ana', sequencedOp(stream, 1));
    expect(marks.covers('p:ana', sequencedOp(STREAM, 1))).toBe(false);
    expect(marks.covers('p:ana', sequencedOp(streams[0]!, 1))).toBe(true);
    expect(new SenderMarks(marks.list()).list()).toEqual(marks.list());
  });

  it('[D24] marks survive a reopen, and a compaction that empties the log', async () => {
    const { records, state, sender } = scenario(30, (i) => sequencedOp(STREAM, i + 1));
    const store = await DurableStore.open(dir);
    for (const record of records) await store.append(state.id, record);
    await store.close();
    const reopened = await DurableStore.open(dir);
    expect((await reopened.loadAll())[0]!.marks).toEqual([[sender, STREAM, 30]]);
    await reopened.close();

    // Everything goes into the snapshot: the marks must come from there.
    const compacting = await DurableStore.open(dir, { compactBytes: 1 });
    await compacting.loadAll();
    await compacting.append(state.id, { ...records[0]!, op: 'op-last', events: [] });
    await compacting.close();
    const workshopDir = path.join(dir, 'workshops', state.id);
    expect((await stat(path.join(workshopDir, 'log'))).size).toBe(0);
    const snapshot = JSON.parse(await readFile(path.join(workshopDir, 'snapshot.json'), 'utf8'));
    expect(snapshot.marks).toEqual([[sender, STREAM, 30]]);
    const again = await DurableStore.open(dir);
    expect((await again.loadAll())[0]!.marks).toEqual([[sender, STREAM, 30]]);
    await again.close();
    // the memory store rebuilds them from its records too
    const memory = new MemoryStore();
    for (const record of records) await memory.append(state.id, record);
    expect((await memory.loadAll())[0]!.marks).toEqual([[sender, STREAM, 30]]);
  });

  it(`[D24] a resend after more than ${REMEMBERED_ACKS} other commands is answered as done and not applied again, also after a reload`, async () => {
    const { records, state, sender } = scenario(1);
    const store = new MemoryStore();
    for (const record of records) await store.append(state.id, record);
    const fatal: unknown[] = [];
    const load = async () => (await store.loadAll())[0]!;
    const room = new WorkshopRoom(await load(), store, ctx, (e) => fatal.push(e));
    const actor = { role: 'participant', participantId: sender.slice(2) } as Actor;
    const boardId = state.stages.define.boardIds[0]!;
    const columnId = state.boards[boardId]!.columns[0]!.id;
    const noteId = Object.keys(state.notes)[0]!;
    const first = sequencedOp(STREAM, 1);
    const post = { type: 'addNote', boardId, columnId, text: 'une seule fois' } as Command;
    expect(await room.run(actor, post, first)).toMatchObject({ ok: true });
    // The same phone goes on: more commands than answers are remembered.
    const edits = Array.from({ length: REMEMBERED_ACKS + 10 }, (_, i) =>
      room.run(
        actor,
        { type: 'editNote', noteId, text: `version ${i}` } as Command,
        sequencedOp(STREAM, i + 2),
      ),
    );
    expect((await Promise.all(edits)).every((ack) => ack.ok)).toBe(true);
    const count = (s: { notes: object }) =>
      Object.values(s.notes).filter((n: { text: string }) => n.text === 'une seule fois').length;

    const resend = await room.run(actor, post, first);
    expect(resend).toEqual({ ok: true, value: { duplicate: 'true' } });
    expect(count(room.durable)).toBe(1);

    // After a reload (a restart) as well.
    const loaded = await load();
    const reloaded = new WorkshopRoom(loaded, store, ctx, (e) => fatal.push(e));
    expect(await reloaded.run(actor, post, first)).toEqual({
      ok: true,
      value: { duplicate: 'true' },
    });
    expect(count(reloaded.durable)).toBe(1);
    expect(fatal).toEqual([]);

    // The recent answers alone would have applied it twice.
    const withoutMarks: LoadedWorkshop = { ...loaded, marks: [] };
    const forgetful = new WorkshopRoom(withoutMarks, new MemoryStore(), ctx, () => {});
    expect(await forgetful.run(actor, post, first)).toMatchObject({ ok: true });
    expect(count(forgetful.durable)).toBe(2);
    for (const r of [room, reloaded, forgetful]) r.destroy();
  });
});

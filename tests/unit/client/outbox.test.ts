import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/lib/client/outbox';
import { parseSequencedOp } from '../../../src/lib/protocol/opIds';
import { envelopeSchema } from '../../../src/lib/protocol/commands';
import { PROTOCOL_VERSION } from '../../../src/lib/protocol/version';
import * as v from 'valibot';

/** A stand-in for localStorage: the same three calls, kept in a Map. */
function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

const note = (text: string) => ({ type: 'addNote', boardId: 'b1', columnId: 'c1', text }) as const;

describe('the phone outbox', () => {
  it('[O1] keeps commands in order, each with its own op id, across a reload', () => {
    const storage = memoryStorage();
    const first = new Outbox('k', storage);
    const a = first.add(note('une'));
    const b = first.add(note('deux'));
    expect(a.op).not.toBe(b.op);
    const reloaded = new Outbox('k', storage);
    expect(reloaded.entries.map((e) => e.cmd)).toEqual([note('une'), note('deux')]);
    expect(reloaded.next()?.op).toBe(a.op);
  });

  it('[O2] an acknowledged command is forgotten; the storage is emptied with the last one', () => {
    const storage = memoryStorage();
    const outbox = new Outbox('k', storage);
    const a = outbox.add(note('une'));
    const b = outbox.add(note('deux'));
    outbox.done(a.op);
    expect(outbox.next()?.op).toBe(b.op);
    outbox.done(b.op);
    expect(outbox.next()).toBeUndefined();
    expect(storage.map.has('k')).toBe(false);
  });

  it('[O3] a refused command keeps its text and reason until dismissed, and is not resent', () => {
    const storage = memoryStorage();
    const outbox = new Outbox('k', storage);
    const a = outbox.add(note('gardée'));
    const b = outbox.add(note('suivante'));
    outbox.reject(a.op, { code: 'BOARD_NOT_ACTIVE', message: 'not active' });
    expect(outbox.next()?.op).toBe(b.op);
    const reloaded = new Outbox('k', storage);
    expect(reloaded.entries[0]).toMatchObject({
      status: 'rejected',
      cmd: note('gardée'),
      error: { code: 'BOARD_NOT_ACTIVE' },
    });
    reloaded.dismiss(a.op);
    expect(reloaded.entries.map((e) => e.op)).toEqual([b.op]);
  });

  it('[O4] unreadable storage starts an empty outbox instead of failing', () => {
    const storage = memoryStorage();
    storage.setItem('k', '{not json');
    expect(new Outbox('k', storage).entries).toEqual([]);
    storage.setItem('k', '{"a":1}');
    expect(new Outbox('k', storage).entries).toEqual([]);
  });

  it('[O5] every change is reported, for the page to show', () => {
    const seen: number[] = [];
    const outbox = new Outbox('k', memoryStorage(), (entries) => seen.push(entries.length));
    const a = outbox.add(note('x'));
    outbox.add(note('y'));
    outbox.done(a.op);
    expect(seen).toEqual([1, 2, 1]);
  });

  it('[O6] clear forgets every entry, waiting or refused, and empties the storage', () => {
    const storage = memoryStorage();
    const outbox = new Outbox('k', storage);
    const a = outbox.add(note('une'));
    outbox.add(note('deux'));
    outbox.reject(a.op, { code: 'BOARD_LOCKED', message: 'locked' });
    outbox.clear();
    expect(outbox.entries).toEqual([]);
    expect(storage.map.has('k')).toBe(false);
    expect(new Outbox('k', storage).entries).toEqual([]);
  });

  it('[O7] op ids are sequenced: one random stream per outbox, counting up from 1; stored entries keep theirs', () => {
    const storage = memoryStorage();
    const first = new Outbox('k', storage);
    const ops = [first.add(note('une')), first.add(note('deux')), first.add(note('trois'))].map(
      (e) => parseSequencedOp(e.op),
    );
    expect(ops.map((o) => o?.seq)).toEqual([1, 2, 3]);
    expect(new Set(ops.map((o) => o?.stream)).size).toBe(1);
    for (const entry of first.entries) {
      expect(v.is(envelopeSchema, { v: PROTOCOL_VERSION, op: entry.op, cmd: entry.cmd })).toBe(
        true,
      );
    }
    // A reload (or a second tab) starts a stream of its own; what was stored keeps its op ids.
    const reloaded = new Outbox('k', storage);
    const added = parseSequencedOp(reloaded.add(note('quatre')).op);
    expect(added?.seq).toBe(1);
    expect(added?.stream).not.toBe(ops[0]?.stream);
    expect(reloaded.entries.slice(0, 3).map((e) => e.op)).toEqual(first.entries.map((e) => e.op));
  });
});

describe('two tabs of one phone', () => {
  it('[O8] neither tab writes over what the other queued, and a refresh shows the other tab’s notes', () => {
    const storage = memoryStorage();
    const tabA = new Outbox('k', storage);
    const tabB = new Outbox('k', storage);
    const a = tabA.add(note('de l’onglet A'));
    const b = tabB.add(note('de l’onglet B'));
    // Both are stored, whichever tab wrote last.
    expect(new Outbox('k', storage).entries.map((e) => e.op)).toEqual([a.op, b.op]);
    // Tab A delivers its note: tab B's stays stored.
    tabA.done(a.op);
    expect(new Outbox('k', storage).entries.map((e) => e.op)).toEqual([b.op]);
    // Tab A learns of tab B's note (the browser's storage event) and would send it too.
    tabA.refresh();
    expect(tabA.next()?.op).toBe(b.op);
    tabA.reject(b.op, { code: 'BOARD_LOCKED', message: 'locked' });
    expect(new Outbox('k', storage).entries).toMatchObject([{ op: b.op, status: 'rejected' }]);
  });
});

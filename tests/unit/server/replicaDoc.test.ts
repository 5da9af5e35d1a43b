import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { emptyPatch, type AudienceView } from '../../../server/projection';
import { ReplicaDoc, sameJson } from '../../../server/yjs/replicaDoc';
import { MAPS } from '../../../src/lib/protocol/replica';

/** A private view: the participant's own record, and their notes when they have some. */
function privateView(notes: Record<string, unknown> = {}): AudienceView {
  return { ...nothing(), meta: { me: { id: 'p1', name: 'Awa' } }, notes } as AudienceView;
}

/** Every map of a replica, empty. */
function nothing(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.values(MAPS).map((name) => [name, {}]));
}

/** What a screen that syncs from scratch reads, map by map. */
function screenReads(replica: ReplicaDoc): Record<string, unknown> {
  const screen = new Y.Doc();
  Y.applyUpdate(screen, Y.encodeStateAsUpdate(replica.doc));
  const out: Record<string, unknown> = {};
  for (const name of Object.values(MAPS)) out[name] = screen.getMap(name).toJSON();
  return out;
}

const made = (replica: ReplicaDoc) => [...replica.doc.share.keys()].sort();

describe('what a replica holds in memory', () => {
  it('[P9] a private replica makes only the maps it writes; a screen reads the same document', () => {
    const replica = new ReplicaDoc();
    replica.write(privateView());
    expect(made(replica)).toEqual(['meta']);
    expect(screenReads(replica)).toEqual({ ...nothing(), meta: { me: { id: 'p1', name: 'Awa' } } });

    // deleting from a map never written makes nothing either
    const deletions = emptyPatch();
    deletions.themes.set('t1', undefined);
    deletions.boards.set('b1', undefined);
    replica.patch(deletions);
    expect(made(replica)).toEqual(['meta']);

    // the first note makes the notes map; taking it away again leaves the map empty
    const added = emptyPatch();
    added.notes.set('n1', { id: 'n1', text: 'Une idée' });
    replica.patch(added);
    expect(made(replica)).toEqual(['meta', 'notes']);
    expect(screenReads(replica).notes).toEqual({ n1: { id: 'n1', text: 'Une idée' } });
    replica.write(privateView());
    expect(screenReads(replica).notes).toEqual({});
    replica.destroy();
  });

  it('[P9] a replica brought back from its history makes only the maps that history holds, and goes on from it', () => {
    const first = new ReplicaDoc();
    first.write(privateView({ n1: { id: 'n1', text: 'Une idée' } }));
    const saved = first.save();
    first.destroy();

    const back = ReplicaDoc.restore(saved);
    expect(made(back)).toEqual(['meta', 'notes']);
    // an unchanged write changes nothing: the shadow was rebuilt from the history
    const before = Y.encodeStateVector(back.doc);
    back.write(privateView({ n1: { id: 'n1', text: 'Une idée' } }));
    expect(Y.encodeStateVector(back.doc)).toEqual(before);
    back.write(privateView());
    expect(screenReads(back).notes).toEqual({});
    expect(made(back)).toEqual(['meta', 'notes']);
    back.destroy();
  });
});

describe('when a replica writes a key', () => {
  it('[P10] a value whose JSON is the last one written is not written again, whatever its identity or key order; one that differs is', () => {
    const replica = new ReplicaDoc();
    const updates: Uint8Array[] = [];
    replica.doc.on('update', (u: Uint8Array) => updates.push(u));
    const me = { id: 'p1', name: 'Awa', sector: null, tags: [1, { a: 2 }] };
    replica.write(privateView());
    const set = (value: unknown) => {
      const patch = emptyPatch();
      patch.meta.set('me', value);
      replica.patch(patch);
    };
    set(me);
    expect(updates).toHaveLength(2);
    set({ ...me });
    set({ tags: [1, { a: 2 }], sector: null, name: 'Awa', id: 'p1' });
    set({ ...me, gone: undefined });
    expect(updates).toHaveLength(2);
    set({ ...me, tags: [1, { a: 3 }] });
    set({ ...me, tags: [1, { a: 3 }], sector: 's1' });
    set({ id: 'p1' });
    expect(updates).toHaveLength(5);
    expect(screenReads(replica).meta).toEqual({ me: { id: 'p1' } });
    replica.destroy();
  });

  it('[P10] sameJson sees what JSON.stringify sees, but for the order of keys', () => {
    const cases: [unknown, unknown][] = [
      [
        { a: 1, b: [1, 2] },
        { b: [1, 2], a: 1 },
      ],
      [{ a: undefined }, {}],
      [[undefined], [null]],
      [{ a: { b: null } }, { a: { b: null } }],
      [{ a: 1 }, { a: '1' }],
      [{ a: [] }, { a: {} }],
      [
        [1, 2],
        [2, 1],
      ],
      [{ a: null }, {}],
      [null, {}],
      ['x', 'x'],
      [0, -0],
      [{ a: 1 }, { a: 1, b: 2 }],
    ];
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([x], [y]) => (x < y ? -1 : 1))
                .map(([k, x]) => [k, sorted(x)]),
            )
          : v;
    for (const [a, b] of cases) {
      const json = JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
      expect(sameJson(a, b), `${JSON.stringify(a)} / ${JSON.stringify(b)}`).toBe(json);
      expect(sameJson(b, a)).toBe(json);
    }
  });
});

describe('what a replica doc listens to', () => {
  it('[P11] a replica keeps no listener for a provider it will never have (load, sync); its own update listeners work as before', () => {
    const replica = new ReplicaDoc();
    expect(replica.doc._observers.has('load')).toBe(false);
    expect(replica.doc._observers.has('sync')).toBe(false);
    const updates: Uint8Array[] = [];
    replica.doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(replica.watched).toBe(true);
    replica.write(privateView());
    expect(updates).toHaveLength(1);
    const back = ReplicaDoc.restore(replica.save());
    expect(back.doc._observers.has('load')).toBe(false);
    expect(screenReads(back)).toEqual(screenReads(replica));
    replica.destroy();
    back.destroy();
  });
});

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  boardNotes,
  columnNotes,
  mergeNotes,
  newestFirst,
  noteCount,
  notesWithout,
  oldestFirst,
  readSnapshot,
  SnapshotReader,
  statementsInOrder,
  themeNotes,
} from '../../../src/lib/client/snapshot';
import { MAPS, type NoteView, type ReplicaSnapshot } from '../../../src/lib/protocol/replica';

const BOARDS = ['b1', 'b2', 'b3'];
const COLUMNS = ['c1', 'c2', 'c3'];

const note = (id: string, extra: Partial<NoteView> = {}): NoteView => ({
  id,
  boardId: 'b1',
  columnId: 'c1',
  text: id,
  byFacilitator: false,
  createdAt: 1,
  updatedAt: 1,
  ...extra,
});

/** A server doc whose updates reach a client doc, as the y-websocket provider would. */
function pair() {
  const server = new Y.Doc();
  const client = new Y.Doc();
  server.on('update', (update: Uint8Array) => Y.applyUpdate(client, update));
  return { server, client };
}

/** What the screens did before: filter all notes, then sort them. */
const filterSort = (snapshot: ReplicaSnapshot, keep: (n: NoteView) => boolean) =>
  Object.values(snapshot.notes).filter(keep).sort(newestFirst);

const noteArb = fc.record({
  id: fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8'),
  boardId: fc.constantFrom(...BOARDS),
  columnId: fc.constantFrom(...COLUMNS),
  text: fc.string({ maxLength: 3 }),
  createdAt: fc.integer({ min: 0, max: 3 }),
  themeId: fc.option(fc.constantFrom('t1', 't2'), { nil: undefined }),
  moderated: fc.boolean(),
});

type Op =
  | { kind: 'setNote'; note: ReturnType<typeof noteArb.generate>['value'] }
  | { kind: 'delete'; map: string; key: string }
  | { kind: 'setOther'; map: string; key: string; value: number }
  | { kind: 'meta'; key: 'workshop' | 'me' | 'links'; value: number | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: noteArb.map((n) => ({ kind: 'setNote' as const, note: n })) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      map: fc.constantFrom(
        MAPS.notes,
        MAPS.notes,
        MAPS.boards,
        MAPS.themes,
        MAPS.participants,
        MAPS.statements,
      ),
      key: fc.constantFrom('n1', 'n2', 'n3', 'n4', 'b1', 't1', 'p1', 's1', 's2'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('setOther' as const),
      map: fc.constantFrom(MAPS.boards, MAPS.themes, MAPS.participants, MAPS.statements),
      key: fc.constantFrom('b1', 't1', 'p1', 's1', 's2', 'x'),
      value: fc.integer({ min: 0, max: 9 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('meta' as const),
      key: fc.constantFrom('workshop' as const, 'me' as const, 'links' as const),
      value: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
    }),
  },
);

function apply(doc: Y.Doc, op: Op): void {
  if (op.kind === 'setNote') {
    const { themeId, ...rest } = op.note;
    doc.getMap(MAPS.notes).set(op.note.id, {
      ...rest,
      byFacilitator: false,
      updatedAt: op.note.createdAt,
      ...(themeId ? { themeId } : {}),
    });
  } else if (op.kind === 'delete') doc.getMap(op.map).delete(op.key);
  else if (op.kind === 'setOther') {
    doc.getMap(op.map).set(op.key, { id: op.key, v: op.value, position: op.value });
  } else if (op.value === null) doc.getMap(MAPS.meta).delete(op.key);
  else doc.getMap(MAPS.meta).set(op.key, op.key === 'links' ? [op.value] : { v: op.value });
}

function expectSameAsFullRead(reader: SnapshotReader, client: Y.Doc): void {
  const full = readSnapshot(client);
  const incremental = reader.snapshot;
  expect(incremental).toEqual(full);
  expect(noteCount(incremental)).toBe(Object.keys(full.notes).length);
  const ordered = statementsInOrder(incremental);
  expect(ordered.map((x) => x.id).sort()).toEqual(Object.keys(full.statements).sort());
  const positions = ordered.map((x) => x.position);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  for (const themeId of ['t1', 't2']) {
    expect(themeNotes(incremental, themeId)).toEqual(
      filterSort(full, (n) => n.themeId === themeId),
    );
  }
  for (const boardId of BOARDS) {
    expect(boardNotes(incremental, boardId)).toEqual(
      filterSort(full, (n) => n.boardId === boardId),
    );
    for (const columnId of COLUMNS) {
      expect(columnNotes(incremental, boardId, columnId)).toEqual(
        filterSort(full, (n) => n.boardId === boardId && n.columnId === columnId),
      );
    }
  }
}

describe('the incremental snapshot reader', () => {
  it('[PH1][V12] after every update, the snapshot equals a full read of the doc (vision statements included), each board, column and theme lists exactly its notes, newest first, and the statements come in their order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { maxLength: 25 }),
        (transactions) => {
          const { server, client } = pair();
          const reader = new SnapshotReader(client);
          for (const ops of transactions) {
            server.transact(() => ops.forEach((op) => apply(server, op)));
            expectSameAsFullRead(reader, client);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('[PH2] a phone that connects late (the whole state in one update) or starts its reader on a filled doc reads the same', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
        const server = new Y.Doc();
        ops.forEach((op) => apply(server, op));
        const late = new Y.Doc();
        const reader = new SnapshotReader(late);
        Y.applyUpdate(late, Y.encodeStateAsUpdate(server));
        expectSameAsFullRead(reader, late);
        const filled = new Y.Doc();
        Y.applyUpdate(filled, Y.encodeStateAsUpdate(server));
        expectSameAsFullRead(new SnapshotReader(filled), filled);
      }),
      { numRuns: 100 },
    );
  });

  it('[V12] the statements come in their order, the same list while the statements record stays', () => {
    const { server, client } = pair();
    const reader = new SnapshotReader(client);
    const statement = (id: string, position: number) => ({
      id,
      title: id,
      text: '',
      locked: false,
      position,
      updatedAt: null,
    });
    server.transact(() => {
      server.getMap(MAPS.statements).set('b', statement('b', 1));
      server.getMap(MAPS.statements).set('a', statement('a', 2));
      server.getMap(MAPS.statements).set('c', statement('c', 0));
    });
    const first = reader.snapshot;
    expect(statementsInOrder(first).map((x) => x.id)).toEqual(['c', 'b', 'a']);
    server.getMap(MAPS.boards).set('b1', { id: 'b1' });
    expect(reader.snapshot.statements).toBe(first.statements);
    expect(statementsInOrder(reader.snapshot)).toBe(statementsInOrder(first));
    server.getMap(MAPS.statements).set('a', statement('a', 0));
    server.getMap(MAPS.statements).set('c', statement('c', 2));
    expect(statementsInOrder(reader.snapshot).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('[PH3] one snapshot per transaction, none for a transaction that changes nothing', () => {
    const { server, client } = pair();
    const seen: ReplicaSnapshot[] = [];
    const reader = new SnapshotReader(client, (s) => seen.push(s));
    server.transact(() => {
      server.getMap(MAPS.notes).set('a', note('a'));
      server.getMap(MAPS.notes).set('b', note('b'));
      server.getMap(MAPS.boards).set('b1', { id: 'b1' });
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(reader.snapshot);
    client.transact(() => {});
    expect(seen).toHaveLength(1);
  });

  it('[PH4] an update touching one note reads that note alone: every other note, column list and map keeps its identity', () => {
    const { server, client } = pair();
    const reader = new SnapshotReader(client);
    server.transact(() => {
      for (let i = 0; i < 1000; i++) {
        server
          .getMap(MAPS.notes)
          .set(`n${i}`, note(`n${i}`, { columnId: COLUMNS[i % 3]!, createdAt: i }));
      }
      server.getMap(MAPS.boards).set('b1', { id: 'b1' });
      server.getMap(MAPS.meta).set('workshop', { title: 'w' });
    });
    const before = reader.snapshot;
    const clientNotes = client.getMap(MAPS.notes);
    const gets = vi.spyOn(clientNotes, 'get');
    const toJSON = vi.spyOn(clientNotes, 'toJSON');

    server.getMap(MAPS.notes).set('n4', note('n4', { columnId: 'c2', createdAt: 4, text: 'new' }));

    const after = reader.snapshot;
    expect(gets).toHaveBeenCalledTimes(1);
    expect(gets).toHaveBeenCalledWith('n4');
    expect(toJSON).not.toHaveBeenCalled();
    expect(after).not.toBe(before);
    expect(after.notes).not.toBe(before.notes);
    expect(after.notes.n4!.text).toBe('new');
    for (const id of Object.keys(before.notes)) {
      if (id !== 'n4') expect(after.notes[id]).toBe(before.notes[id]);
    }
    expect(after.boards).toBe(before.boards);
    expect(after.themes).toBe(before.themes);
    expect(after.workshop).toBe(before.workshop);
    // n4 moved from c2's list? No: n4 is in c2 (4 % 3 = 1), so c1 and c3 are untouched.
    expect(columnNotes(after, 'b1', 'c1')).toBe(columnNotes(before, 'b1', 'c1'));
    expect(columnNotes(after, 'b1', 'c3')).toBe(columnNotes(before, 'b1', 'c3'));
    expect(columnNotes(after, 'b1', 'c2')).not.toBe(columnNotes(before, 'b1', 'c2'));
    expect(columnNotes(after, 'b1', 'c2').find((n) => n.id === 'n4')?.text).toBe('new');
    gets.mockRestore();
    toJSON.mockRestore();
  });

  it('[PH5] a published snapshot never changes afterwards, its notes and lists included, whenever and in whatever order old snapshots are read', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 8 }),
        fc.func(fc.integer()),
        (transactions, buildAfter, order) => {
          const { server, client } = pair();
          const reader = new SnapshotReader(client, undefined, { buildAfter });
          const seen: { snapshot: ReplicaSnapshot; full: ReplicaSnapshot }[] = [];
          for (const ops of transactions) {
            server.transact(() => ops.forEach((op) => apply(server, op)));
            seen.push({ snapshot: reader.snapshot, full: readSnapshot(client) });
          }
          const shuffled = seen
            .map((x, i) => ({ x, rank: order(i) }))
            .sort((a, b) => a.rank - b.rank)
            .map(({ x }) => x);
          for (const { snapshot, full } of shuffled) {
            expect(snapshot).toEqual(full);
            for (const boardId of BOARDS) {
              for (const columnId of COLUMNS) {
                expect(columnNotes(snapshot, boardId, columnId)).toEqual(
                  filterSort(full, (n) => n.boardId === boardId && n.columnId === columnId),
                );
              }
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('[PH6] notes with the same time are listed by id, whatever order they arrived in', () => {
    const { server, client } = pair();
    const reader = new SnapshotReader(client);
    for (const id of ['c', 'a', 'b']) server.getMap(MAPS.notes).set(id, note(id, { createdAt: 5 }));
    server.getMap(MAPS.notes).set('z', note('z', { createdAt: 6 }));
    expect(columnNotes(reader.snapshot, 'b1', 'c1').map((n) => n.id)).toEqual(['z', 'a', 'b', 'c']);
  });

  it('[PH7] a snapshot read whole (no reader) answers the same column and board lists', () => {
    const doc = new Y.Doc();
    doc.getMap(MAPS.notes).set('a', note('a', { createdAt: 1 }));
    doc.getMap(MAPS.notes).set('b', note('b', { createdAt: 2, columnId: 'c2' }));
    const snap = readSnapshot(doc);
    expect(boardNotes(snap, 'b1').map((n) => n.id)).toEqual(['b', 'a']);
    expect(columnNotes(snap, 'b1', 'c2').map((n) => n.id)).toEqual(['b']);
    expect(columnNotes(snap, 'nope', 'c2')).toEqual([]);
  });
});

describe('lists built from the column index', () => {
  const listArb = fc
    .uniqueArray(
      fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), createdAt: fc.nat(3) }),
      { selector: (n) => n.id, maxLength: 6 },
    )
    .map((xs) => xs.map((x) => note(x.id, x)).sort(newestFirst));

  it('[PH8] the phone’s column (the room’s notes plus its own, its own copy winning) equals the merge of all notes, filtered and sorted, and is worked out once per pair of lists', () => {
    fc.assert(
      fc.property(listArb, listArb, (room, mine) => {
        const own = mine.map((n) => ({ ...n, text: `mine ${n.id}` }));
        const expected = Object.values({
          ...Object.fromEntries(room.map((n) => [n.id, n])),
          ...Object.fromEntries(own.map((n) => [n.id, n])),
        }).sort(newestFirst);
        expect(mergeNotes(room, own)).toEqual(expected);
        expect(mergeNotes(room, own)).toBe(mergeNotes(room, own));
      }),
    );
  });

  it('[PH9] leaving out grouped or moderated notes, or listing oldest first, gives the same list for the same column and leaves the column as it was', () => {
    const list = [note('a', { themeId: 't' }), note('b', { moderated: true }), note('c')].sort(
      newestFirst,
    );
    const ungrouped = notesWithout(list, 'grouped');
    expect(ungrouped.map((n) => n.id)).toEqual(['b', 'c']);
    expect(notesWithout(list, 'grouped')).toBe(ungrouped);
    expect(notesWithout(list, 'moderated').map((n) => n.id)).toEqual(['a', 'c']);
    expect(oldestFirst(list).map((n) => n.id)).toEqual(['c', 'b', 'a']);
    expect(oldestFirst(list)).toBe(oldestFirst(list));
    expect(list.map((n) => n.id)).toEqual(['a', 'b', 'c']);
  });
});

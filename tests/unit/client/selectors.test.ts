import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  allThemes,
  boardThemes,
  currentStage,
  stageBoards,
} from '../../../src/lib/client/selectors';
import type { ColumnId } from '../../../src/lib/domain/model';
import { EMPTY_SNAPSHOT, SnapshotReader } from '../../../src/lib/client/snapshot';
import {
  MAPS,
  type BoardView,
  type NoteView,
  type ThemeView,
  type WorkshopView,
} from '../../../src/lib/protocol/replica';

const board = (id: string, stage: BoardView['stage'] = 'discover'): BoardView => ({
  id,
  stage,
  title: id,
  columns: [{ id: 'c1' as ColumnId, title: 'C1' }],
  hidden: false,
  locked: false,
  anonymous: false,
  participantsGroup: false,
  counts: {},
});

const theme = (id: string, boardId: string, createdAt: number, count: number): ThemeView => ({
  id,
  boardId,
  title: id,
  createdAt,
  noteIds: [],
  count,
  sectors: [],
  answeredBy: [],
});

const workshop = (currentStage: WorkshopView['currentStage'], discover: string[]) =>
  ({
    id: 'w',
    title: 'W',
    question: '',
    objectives: '',
    language: 'fr',
    joinCode: 'ABC123',
    currentStage,
    sectors: [],
    stages: {
      define: { prompt: 'p-define', boardIds: [] },
      discover: { prompt: 'p-discover', boardIds: discover },
      dream: { prompt: 'p-dream', boardIds: ['dr'] },
      decide: { prompt: 'p-decide', boardIds: [] },
    },
    connected: 0,
    participantCount: 0,
    joiningOpen: true,
  }) as unknown as WorkshopView;

const note = (id: string): NoteView => ({
  id,
  boardId: 'b1',
  columnId: 'c1',
  text: id,
  byFacilitator: false,
  createdAt: 1,
  updatedAt: 1,
});

/** A replica doc holding a workshop in Découverte with boards b2, b1, and a board of Devenir. */
function replica() {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getMap(MAPS.meta).set('workshop', workshop('discover', ['b2', 'missing', 'b1']));
    for (const b of [board('b1'), board('b2'), board('dr', 'dream')])
      doc.getMap(MAPS.boards).set(b.id, b);
    doc.getMap(MAPS.themes).set('t1', theme('t1', 'b1', 3, 1));
    doc.getMap(MAPS.themes).set('t2', theme('t2', 'b1', 1, 1));
    doc.getMap(MAPS.themes).set('t3', theme('t3', 'b1', 2, 5));
    doc.getMap(MAPS.themes).set('t4', theme('t4', 'b2', 1, 2));
  });
  return { doc, reader: new SnapshotReader(doc) };
}

describe('selectors', () => {
  it('[DS20] the current stage, and its boards in the stage order without unknown ids', () => {
    const { doc, reader } = replica();
    const snap = reader.snapshot;
    expect(currentStage(snap)).toEqual({
      id: 'discover',
      prompt: 'p-discover',
      boardIds: ['b2', 'missing', 'b1'],
    });
    expect(stageBoards(snap).map((b) => b.id)).toEqual(['b2', 'b1']);
    doc.getMap(MAPS.meta).set('workshop', workshop('dream', []));
    expect(currentStage(reader.snapshot)?.id).toBe('dream');
    expect(stageBoards(reader.snapshot).map((b) => b.id)).toEqual(['dr']);
  });

  it('[DS20] nothing before the workshop is known', () => {
    expect(currentStage(EMPTY_SNAPSHOT)).toBeNull();
    expect(currentStage(null)).toBeNull();
    expect(stageBoards(EMPTY_SNAPSHOT)).toEqual([]);
    expect(stageBoards(undefined)).toEqual([]);
    expect(boardThemes(null, 'b1')).toEqual([]);
    expect(allThemes(null)).toEqual([]);
  });

  it('[DS20] a board’s themes oldest first, or most notes first (older first among equals)', () => {
    const { reader } = replica();
    const snap = reader.snapshot;
    expect(boardThemes(snap, 'b1').map((x) => x.id)).toEqual(['t2', 't3', 't1']);
    expect(boardThemes(snap, 'b1', 'largest').map((x) => x.id)).toEqual(['t3', 't2', 't1']);
    expect(boardThemes(snap, 'b2').map((x) => x.id)).toEqual(['t4']);
    expect(boardThemes(snap, 'dr')).toEqual([]);
    expect(
      allThemes(snap)
        .map((x) => x.id)
        .sort(),
    ).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('[DS20] each list is worked out once per record: a note update re-derives none', () => {
    const { doc, reader } = replica();
    const before = reader.snapshot;
    const boards = stageBoards(before);
    const themes = boardThemes(before, 'b1');
    const all = allThemes(before);
    doc.getMap(MAPS.notes).set('n1', note('n1'));
    const after = reader.snapshot;
    expect(after).not.toBe(before);
    expect(stageBoards(after)).toBe(boards);
    expect(boardThemes(after, 'b1')).toBe(themes);
    expect(allThemes(after)).toBe(all);

    // A changed board or theme gives new lists, with the change in them.
    doc.getMap(MAPS.boards).set('b1', { ...board('b1'), title: 'renamed' });
    doc.getMap(MAPS.themes).set('t5', theme('t5', 'b1', 9, 0));
    expect(stageBoards(reader.snapshot)).not.toBe(boards);
    expect(stageBoards(reader.snapshot)[1]?.title).toBe('renamed');
    expect(boardThemes(reader.snapshot, 'b1').map((x) => x.id)).toEqual(['t2', 't3', 't1', 't5']);
  });
});

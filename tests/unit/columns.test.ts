import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/lib/domain';
import {
  boardOf,
  cmd,
  columnOf,
  facilitator,
  join,
  newWorkshop,
  nobody,
  postNote,
  projector,
  refuse,
  run,
} from './helpers';

describe('addColumn', () => {
  it('[C1] the facilitator adds a column at the end, with a fresh id and a reply', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    const decision = run(s, facilitator, cmd.addColumn(board.id, '  Ressources \n utiles '));
    const columnId = decision.reply!.columnId!;
    expect(s.ctx.issued.at(-1)).toBe(columnId);
    expect(decision.events).toEqual([
      {
        type: 'columnAdded',
        boardId: board.id,
        column: { id: columnId, title: 'Ressources utiles' },
      },
    ]);
    expect(boardOf(s.state, 'define').columns).toEqual([
      ...board.columns,
      { id: columnId, title: 'Ressources utiles' },
    ]);
  });

  it('[C1] columns may be added to a board of a stage that is not current', () => {
    const s = newWorkshop();
    expect(s.state.currentStage).toBe('define');
    const before = s.state;
    const board = boardOf(s.state, 'dream');
    run(s, facilitator, cmd.addColumn(board.id, 'Autres idées'));
    expect(boardOf(s.state, 'dream').columns.map((c) => c.title)).toEqual([
      'Idées',
      'Autres idées',
    ]);
    // The other boards are untouched.
    expect(boardOf(s.state, 'define')).toEqual(boardOf(before, 'define'));
    expect(boardOf(s.state, 'discover')).toEqual(boardOf(before, 'discover'));
  });

  it('[C2] an unknown board is refused with UNKNOWN_BOARD', () => {
    const s = newWorkshop();
    refuse(s, facilitator, cmd.addColumn('no-such-board', 'X'), 'UNKNOWN_BOARD');
    // A column id or the workshop id is not a board id.
    refuse(s, facilitator, cmd.addColumn(columnOf(s.state, 'define').id, 'X'), 'UNKNOWN_BOARD');
    refuse(s, facilitator, cmd.addColumn(s.state.id, 'X'), 'UNKNOWN_BOARD');
  });

  it('[C2] inherited property names are not boards', () => {
    const s = newWorkshop();
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      refuse(s, facilitator, cmd.addColumn(name, 'X'), 'UNKNOWN_BOARD');
    }
  });

  it('[C3] a board takes columnsPerBoard columns, then TOO_MANY_COLUMNS', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    expect(LIMITS.columnsPerBoard).toBe(8);
    for (let i = board.columns.length; i < LIMITS.columnsPerBoard; i++) {
      run(s, facilitator, cmd.addColumn(board.id, `Colonne ${i + 1}`));
    }
    expect(boardOf(s.state, 'define').columns).toHaveLength(8);
    refuse(s, facilitator, cmd.addColumn(board.id, 'Neuvième'), 'TOO_MANY_COLUMNS');
    // The limit is per board.
    run(s, facilitator, cmd.addColumn(boardOf(s.state, 'discover').id, 'Encore une'));
  });

  it('[C4] a column title is required and at most 60 code points', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    expect(LIMITS.columnTitleLength).toBe(60);
    refuse(s, facilitator, cmd.addColumn(board.id, ''), 'EMPTY_TEXT');
    refuse(s, facilitator, cmd.addColumn(board.id, ' \n '), 'EMPTY_TEXT');
    refuse(s, facilitator, cmd.addColumn(board.id, 'c'.repeat(61)), 'TEXT_TOO_LONG');
    run(s, facilitator, cmd.addColumn(board.id, 'c'.repeat(60)));
  });

  it('[G3] a participant, the projector and nobody cannot add a column', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    for (const actor of [alice, projector, nobody]) {
      refuse(s, actor, cmd.addColumn(board.id, 'X'), 'NOT_ALLOWED');
    }
  });
});

describe('renameColumn', () => {
  it('[C5] the facilitator renames one column; the others stay', () => {
    const s = newWorkshop();
    const before = s.state;
    const board = boardOf(s.state, 'define');
    const [first, second] = board.columns;
    const decision = run(
      s,
      facilitator,
      cmd.renameColumn(board.id, second!.id, '  Grands \n défis '),
    );
    expect(decision.events).toEqual([
      { type: 'columnRenamed', boardId: board.id, columnId: second!.id, title: 'Grands défis' },
    ]);
    expect(boardOf(s.state, 'define').columns).toEqual([
      first,
      { id: second!.id, title: 'Grands défis' },
    ]);
    expect(boardOf(s.state, 'discover')).toEqual(boardOf(before, 'discover'));
  });

  it('[C5] renaming keeps the notes of the column', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const noteId = postNote(s, alice, 'define', 'Une attente');
    const board = boardOf(s.state, 'define');
    run(s, facilitator, cmd.renameColumn(board.id, board.columns[0]!.id, 'Espoirs'));
    expect(s.state.notes[noteId]!.columnId).toBe(board.columns[0]!.id);
  });

  it('[C5] an unchanged title, once cleaned, yields no event', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    const column = board.columns[0]!;
    const before = s.state;
    expect(run(s, facilitator, cmd.renameColumn(board.id, column.id, column.title)).events).toEqual(
      [],
    );
    expect(
      run(s, facilitator, cmd.renameColumn(board.id, column.id, `  ${column.title} `)).events,
    ).toEqual([]);
    expect(s.state).toBe(before);
  });

  it('[C5] a title that differs by case only is a change', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    run(s, facilitator, cmd.renameColumn(board.id, board.columns[0]!.id, 'ATTENTES'));
    expect(boardOf(s.state, 'define').columns[0]!.title).toBe('ATTENTES');
  });

  it('[C4] a new title is required and at most 60 code points', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    const id = board.columns[0]!.id;
    refuse(s, facilitator, cmd.renameColumn(board.id, id, '   '), 'EMPTY_TEXT');
    refuse(s, facilitator, cmd.renameColumn(board.id, id, 'c'.repeat(61)), 'TEXT_TOO_LONG');
    run(s, facilitator, cmd.renameColumn(board.id, id, 'c'.repeat(60)));
  });

  it('[C2] renaming on an unknown board is refused with UNKNOWN_BOARD', () => {
    const s = newWorkshop();
    const column = columnOf(s.state, 'define');
    refuse(s, facilitator, cmd.renameColumn('nope', column.id, 'X'), 'UNKNOWN_BOARD');
    refuse(s, facilitator, cmd.renameColumn('__proto__', column.id, 'X'), 'UNKNOWN_BOARD');
  });

  it('[C6] a column that is not on the board is refused with UNKNOWN_COLUMN', () => {
    const s = newWorkshop();
    const define = boardOf(s.state, 'define');
    const discoverColumn = columnOf(s.state, 'discover');
    refuse(s, facilitator, cmd.renameColumn(define.id, 'nope', 'X'), 'UNKNOWN_COLUMN');
    refuse(s, facilitator, cmd.renameColumn(define.id, discoverColumn.id, 'X'), 'UNKNOWN_COLUMN');
  });

  it('[G3] a participant, the projector and nobody cannot rename a column', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    for (const actor of [alice, projector, nobody]) {
      refuse(s, actor, cmd.renameColumn(board.id, board.columns[0]!.id, 'X'), 'NOT_ALLOWED');
    }
  });
});

describe('removeColumn', () => {
  it('[C7] the facilitator removes a column with one columnRemoved event', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    const [first, second] = board.columns;
    const decision = run(s, facilitator, cmd.removeColumn(board.id, first!.id));
    expect(decision.events).toEqual([
      { type: 'columnRemoved', boardId: board.id, columnId: first!.id },
    ]);
    expect(boardOf(s.state, 'define').columns).toEqual([second]);
  });

  it('[C7] removing a column removes its notes, and only them', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const gone1 = postNote(s, alice, 'define', 'attente 1', 0);
    const gone2 = postNote(s, facilitator, 'define', 'attente 2', 0);
    const kept = postNote(s, alice, 'define', 'défi', 1);
    const elsewhere = postNote(s, facilitator, 'discover', 'obstacle', 0);
    const board = boardOf(s.state, 'define');
    run(s, facilitator, cmd.removeColumn(board.id, board.columns[0]!.id));
    expect(s.state.notes[gone1]).toBeUndefined();
    expect(s.state.notes[gone2]).toBeUndefined();
    expect(Object.keys(s.state.notes).sort()).toEqual([kept, elsewhere].sort());
  });

  it('[C7] a removed column can no longer take notes', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    const column = board.columns[0]!;
    run(s, facilitator, cmd.removeColumn(board.id, column.id));
    refuse(s, alice, cmd.addNote(board.id, column.id, 'trop tard'), 'UNKNOWN_COLUMN');
    refuse(s, facilitator, cmd.removeColumn(board.id, column.id), 'UNKNOWN_COLUMN');
  });

  it('[C8] the last column of a board cannot be removed (LAST_COLUMN)', () => {
    const s = newWorkshop();
    const dream = boardOf(s.state, 'dream');
    expect(dream.columns).toHaveLength(1);
    refuse(s, facilitator, cmd.removeColumn(dream.id, dream.columns[0]!.id), 'LAST_COLUMN');
    const define = boardOf(s.state, 'define');
    run(s, facilitator, cmd.removeColumn(define.id, define.columns[0]!.id));
    refuse(s, facilitator, cmd.removeColumn(define.id, define.columns[1]!.id), 'LAST_COLUMN');
  });

  it('[C6] a column that is not on the board is refused with UNKNOWN_COLUMN, before LAST_COLUMN', () => {
    const s = newWorkshop();
    const dream = boardOf(s.state, 'dream');
    const define = boardOf(s.state, 'define');
    refuse(s, facilitator, cmd.removeColumn(dream.id, 'nope'), 'UNKNOWN_COLUMN');
    refuse(s, facilitator, cmd.removeColumn(dream.id, define.columns[0]!.id), 'UNKNOWN_COLUMN');
  });

  it('[C2] removing from an unknown board is refused with UNKNOWN_BOARD', () => {
    const s = newWorkshop();
    refuse(
      s,
      facilitator,
      cmd.removeColumn('nope', columnOf(s.state, 'define').id),
      'UNKNOWN_BOARD',
    );
  });

  it('[G3] a participant, the projector and nobody cannot remove a column', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    for (const actor of [alice, projector, nobody]) {
      refuse(s, actor, cmd.removeColumn(board.id, board.columns[0]!.id), 'NOT_ALLOWED');
    }
  });
});

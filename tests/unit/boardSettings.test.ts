import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain/index';
import {
  boardOf,
  cmd,
  columnOf,
  facilitator,
  join,
  newWorkshop,
  postNote,
  refuse,
  run,
} from './helpers';

const setting = (boardId: string, name: string, value: boolean) =>
  ({ type: 'setBoardSetting', boardId, setting: name, value }) as Command;

describe('board settings', () => {
  it('[B5] the facilitator hides, reveals, locks and anonymises a board; the same value twice is no event', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    expect(board).toMatchObject({ hidden: false, locked: false, anonymous: false });
    for (const name of ['hidden', 'locked', 'anonymous']) {
      expect(run(s, facilitator, setting(board.id, name, true)).events).toHaveLength(1);
      expect(run(s, facilitator, setting(board.id, name, true)).events).toEqual([]);
    }
    expect(boardOf(s.state, 'define')).toMatchObject({
      hidden: true,
      locked: true,
      anonymous: true,
    });
    run(s, facilitator, setting(board.id, 'hidden', false));
    expect(boardOf(s.state, 'define').hidden).toBe(false);
    refuse(s, facilitator, setting(board.id, 'colour', true), 'UNKNOWN_SETTING');
    refuse(s, facilitator, setting('nope', 'hidden', true), 'UNKNOWN_BOARD');
  });

  it('[B5] a participant cannot reveal or lock', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    refuse(s, alice, setting(board.id, 'hidden', false), 'NOT_ALLOWED');
    refuse(s, alice, setting(board.id, 'locked', true), 'NOT_ALLOWED');
  });

  it('[B6] on a locked board participants cannot add, edit or delete; the facilitator still moderates', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Avant le verrou');
    const board = boardOf(s.state, 'define');
    run(s, facilitator, setting(board.id, 'locked', true));
    const column = columnOf(s.state, 'define');
    refuse(s, alice, cmd.addNote(board.id, column.id, 'Après'), 'BOARD_LOCKED');
    refuse(s, alice, cmd.editNote(id, 'Changée'), 'BOARD_LOCKED');
    refuse(s, alice, cmd.deleteNote(id), 'BOARD_LOCKED');
    run(s, facilitator, cmd.addNote(board.id, column.id, 'Note de la salle'));
    run(s, facilitator, cmd.deleteNote(id));
  });

  it('[B7] a hidden board still takes notes (silent writing)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    run(s, facilitator, setting(boardOf(s.state, 'define').id, 'hidden', true));
    const id = postNote(s, alice, 'define', 'En silence');
    expect(s.state.notes[id]!.text).toBe('En silence');
  });

  it('[B8] the facilitator moderates a note (hides it from the room) and can restore it', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Hors sujet');
    run(s, facilitator, { type: 'moderateNote', noteId: id, moderated: true } as Command);
    expect(s.state.notes[id]!.moderated).toBe(true);
    expect(
      run(s, facilitator, { type: 'moderateNote', noteId: id, moderated: true } as Command).events,
    ).toEqual([]);
    run(s, facilitator, { type: 'moderateNote', noteId: id, moderated: false } as Command);
    expect(s.state.notes[id]!.moderated).toBe(false);
    refuse(
      s,
      alice,
      { type: 'moderateNote', noteId: id, moderated: true } as Command,
      'NOT_ALLOWED',
    );
    refuse(
      s,
      facilitator,
      { type: 'moderateNote', noteId: 'nope', moderated: true } as Command,
      'UNKNOWN_NOTE',
    );
  });
});

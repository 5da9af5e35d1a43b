import { describe, expect, it } from 'vitest';
import { cardNotes } from '../../../src/lib/client/themeCards';
import type { NoteView } from '../../../src/lib/protocol/replica';

const note = (id: string, createdAt: number, extra: Partial<NoteView> = {}): NoteView => ({
  id,
  boardId: 'b',
  columnId: 'c',
  text: id,
  byFacilitator: false,
  createdAt,
  updatedAt: createdAt,
  ...extra,
});

describe('the notes on a theme card', () => {
  it('[TC1] lists the theme’s notes newest first, and no other theme’s', () => {
    const notes = [
      note('a', 1, { themeId: 't' }),
      note('b', 3, { themeId: 't' }),
      note('c', 2, { themeId: 'other' }),
      note('d', 4),
    ];
    expect(cardNotes(notes, 't').map((x) => [x.note.id, x.copies])).toEqual([
      ['b', 1],
      ['a', 1],
    ]);
  });

  it('[TC2] a stacked duplicate is not listed again: it adds to the copies of its note', () => {
    const notes = [
      note('a', 1, { themeId: 't' }),
      note('a2', 2, { themeId: 't', stackedOn: 'a' }),
      note('a3', 5, { themeId: 't', stackedOn: 'a' }),
      note('b', 3, { themeId: 't' }),
    ];
    expect(cardNotes(notes, 't').map((x) => [x.note.id, x.copies])).toEqual([
      ['b', 1],
      ['a', 3],
    ]);
  });

  it('[TC3] a duplicate stacked on a note the card does not list is listed as itself', () => {
    const notes = [note('x', 1, { themeId: 't', stackedOn: 'not-here' })];
    expect(cardNotes(notes, 't')).toEqual([{ note: notes[0], copies: 1 }]);
  });
});

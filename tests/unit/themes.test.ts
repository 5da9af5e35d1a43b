import { describe, expect, it } from 'vitest';
import type { Actor, Command, NoteId } from '../../src/lib/domain/index';
import { themeSectors } from '../../src/lib/domain/index';
import {
  boardOf,
  facilitator,
  join,
  newWorkshop,
  postNote,
  refuse,
  run,
  type Session,
} from './helpers';

const create = (boardId: string, title: string, noteIds: string[] = []) =>
  ({ type: 'createTheme', boardId, title, noteIds }) as Command;
const move = (noteIds: string[], themeId: string | null) =>
  ({ type: 'moveNotes', noteIds, themeId }) as Command;

function themed(s: Session, title: string, noteIds: string[] = [], actor: Actor = facilitator) {
  return run(s, actor, create(boardOf(s.state, 'define').id, title, noteIds)).reply!.themeId!;
}

describe('themes', () => {
  it('[TH1] create a theme with notes, rename it, move notes in and out, delete it (notes stay)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'Un');
    const b = postNote(s, alice, 'define', 'Deux');
    const t = themed(s, '  Temps  ', [a]);
    expect(s.state.themes![t]).toMatchObject({ title: 'Temps', answeredBy: [] });
    expect(s.state.notes[a]!.themeId).toBe(t);
    run(s, facilitator, { type: 'renameTheme', themeId: t, title: 'Le temps' } as Command);
    expect(s.state.themes![t]!.title).toBe('Le temps');
    run(s, facilitator, move([b], t));
    run(s, facilitator, move([a], null));
    expect(s.state.notes[a]!.themeId).toBeUndefined();
    expect(run(s, facilitator, move([a], null)).events).toEqual([]);
    run(s, facilitator, { type: 'deleteTheme', themeId: t } as Command);
    expect(s.state.themes![t]).toBeUndefined();
    expect(s.state.notes[b]!.themeId).toBeUndefined();
    expect(Object.keys(s.state.notes)).toHaveLength(2);
  });

  it('[TH1] merging moves the notes and the links of one theme into the other', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'Un');
    const b = postNote(s, alice, 'define', 'Deux');
    const t1 = themed(s, 'A', [a]);
    const t2 = themed(s, 'B', [b]);
    const t3 = themed(s, 'Réponse');
    run(s, facilitator, { type: 'linkThemes', themeId: t2, answerId: t3, linked: true } as Command);
    run(s, facilitator, { type: 'mergeThemes', themeId: t1, otherThemeId: t2 } as Command);
    expect(s.state.themes![t2]).toBeUndefined();
    expect(s.state.notes[b]!.themeId).toBe(t1);
    expect(s.state.themes![t1]!.answeredBy).toEqual([t3]);
    refuse(
      s,
      facilitator,
      { type: 'mergeThemes', themeId: t1, otherThemeId: t1 } as Command,
      'BAD_REQUEST',
    );
  });

  it('[TH3] stacked duplicates follow their note into themes; a stack has one level', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'Manque de temps');
    const dup = postNote(s, alice, 'define', 'Pas le temps');
    const c = postNote(s, alice, 'define', 'Autre');
    run(s, facilitator, { type: 'stackNote', noteId: dup, onto: a } as Command);
    expect(s.state.notes[dup]!.stackedOn).toBe(a);
    const t = themed(s, 'Temps', [a]);
    expect(s.state.notes[dup]!.themeId).toBe(t);
    refuse(s, facilitator, { type: 'stackNote', noteId: c, onto: dup } as Command, 'NOT_A_STACK');
    refuse(s, facilitator, { type: 'stackNote', noteId: a, onto: c } as Command, 'NOT_A_STACK');
    refuse(s, facilitator, { type: 'stackNote', noteId: c, onto: c } as Command, 'NOT_A_STACK');
    run(s, facilitator, { type: 'stackNote', noteId: dup, onto: null } as Command);
    expect(s.state.notes[dup]!.stackedOn).toBeUndefined();
    // deleting the base note frees its duplicates
    run(s, facilitator, { type: 'stackNote', noteId: dup, onto: a } as Command);
    run(s, facilitator, { type: 'deleteNote', noteId: a as NoteId } as Command);
    expect(s.state.notes[dup]!.stackedOn).toBeUndefined();
  });

  it('[TH4] bad inputs: unknown note or theme, a note listed twice, a note of another board', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'Un');
    const elsewhere = postNote(s, facilitator, 'discover', 'Ailleurs');
    const board = boardOf(s.state, 'define').id;
    refuse(s, facilitator, create(board, 'X', ['nope']), 'UNKNOWN_NOTE');
    refuse(s, facilitator, create(board, 'X', [a, a]), 'DUPLICATE_NOTE');
    refuse(s, facilitator, create(board, 'X', [elsewhere]), 'NOTE_ELSEWHERE');
    refuse(s, facilitator, create(board, '   '), 'EMPTY_TEXT');
    refuse(s, facilitator, move([a], 'no-theme'), 'UNKNOWN_THEME');
    const t = themed(s, 'T');
    refuse(s, facilitator, move([a, elsewhere], t), 'NOTE_ELSEWHERE');
    refuse(s, facilitator, move([], t), 'BAD_REQUEST');
  });

  it('[TH2] participants group only where the facilitator allows it, and never before the reveal', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'Un');
    const board = boardOf(s.state, 'define').id;
    refuse(s, alice, create(board, 'X', [a]), 'NOT_ALLOWED');
    const set = (setting: string, value: boolean) =>
      run(s, facilitator, { type: 'setBoardSetting', boardId: board, setting, value } as Command);
    set('participantsGroup', true);
    set('hidden', true);
    refuse(s, alice, create(board, 'X', [a]), 'BOARD_HIDDEN');
    set('hidden', false);
    const t = themed(s, 'Par Alice', [a], alice);
    expect(s.state.notes[a]!.themeId).toBe(t);
    refuse(
      s,
      alice,
      { type: 'linkThemes', themeId: t, answerId: t, linked: true } as Command,
      'NOT_ALLOWED',
    );
  });

  it('[TH5] sectors of a theme are counted in people; small sectors and "not said" show together as other', () => {
    const s = newWorkshop();
    const [clinic, publicHealth] = s.state.sectors.map((x) => x.id);
    const people = [
      join(s, 'C1', { sector: clinic! }),
      join(s, 'C2', { sector: clinic! }),
      join(s, 'C3', { sector: clinic! }),
      join(s, 'S1', { sector: publicHealth! }),
      join(s, 'N1', { sector: null }),
      join(s, 'N2', { sector: null }),
    ];
    const notes = people.map((p, i) => postNote(s, p, 'define', `note ${i}`));
    notes.push(postNote(s, people[0]!, 'define', 'encore C1'));
    const t = themed(s, 'Tous', notes);
    expect(themeSectors(s.state, t)).toEqual([
      { sector: clinic, people: 3 },
      { sector: 'other', people: 3 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { LIMITS, type Note, type NoteId, type Workshop } from '../../src/lib/domain';
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
  T0,
} from './helpers';

/** A copy of the workshop holding `n` more facilitator notes on the define board. */
function withFacilitatorNotes(ws: Workshop, n: number): Workshop {
  const board = ws.stages.define.boardIds[0]!;
  const column = ws.boards[board]!.columns[0]!.id;
  const notes: Record<string, Note> = { ...ws.notes };
  for (let i = 0; i < n; i++) {
    const id = `bulk-${i}` as NoteId;
    notes[id] = {
      id,
      boardId: board,
      columnId: column,
      author: { kind: 'facilitator' },
      text: `note ${i}`,
      createdAt: T0,
      updatedAt: T0,
    };
  }
  return { ...ws, notes };
}

describe('addNote', () => {
  it('[N1] a participant posts a note: one noteAdded event, author, times and reply', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    s.ctx.advance(60_000);
    const board = boardOf(s.state, 'define');
    const column = board.columns[1]!;
    const decision = run(s, alice, cmd.addNote(board.id, column.id, 'Un défi'));
    const noteId = decision.reply!.noteId!;
    expect(s.ctx.issued.at(-1)).toBe(noteId);
    const note = {
      id: noteId,
      boardId: board.id,
      columnId: column.id,
      author: { kind: 'participant', id: alice.participantId },
      text: 'Un défi',
      createdAt: T0 + 60_000,
      updatedAt: T0 + 60_000,
    };
    expect(decision.events).toEqual([{ type: 'noteAdded', note }]);
    expect(s.state.notes).toEqual({ [noteId]: note });
  });

  it('[N1] the facilitator posts a note on behalf of the room', () => {
    const s = newWorkshop();
    const noteId = postNote(s, facilitator, 'define', 'Pour la salle');
    expect(s.state.notes[noteId]!.author).toEqual({ kind: 'facilitator' });
  });

  it('[N1] each note gets a distinct id', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const ids = [1, 2, 3].map((i) => postNote(s, alice, 'define', `note ${i}`));
    expect(new Set(ids).size).toBe(3);
    expect(Object.keys(s.state.notes)).toHaveLength(3);
  });

  it('[N2] nobody is refused with NOT_JOINED, the projector with NOT_ALLOWED', () => {
    const s = newWorkshop();
    const board = boardOf(s.state, 'define');
    const column = board.columns[0]!;
    refuse(s, nobody, cmd.addNote(board.id, column.id, 'Hello'), 'NOT_JOINED');
    refuse(s, projector, cmd.addNote(board.id, column.id, 'Hello'), 'NOT_ALLOWED');
  });

  it('[N3] a participant cannot post on a board of another stage (BOARD_NOT_ACTIVE)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    for (const stage of ['discover', 'dream'] as const) {
      const board = boardOf(s.state, stage);
      refuse(s, alice, cmd.addNote(board.id, board.columns[0]!.id, 'Trop tôt'), 'BOARD_NOT_ACTIVE');
    }
    run(s, facilitator, cmd.setStage('discover'));
    postNote(s, alice, 'discover', 'Maintenant oui');
    const define = boardOf(s.state, 'define');
    refuse(
      s,
      alice,
      cmd.addNote(define.id, define.columns[0]!.id, 'Trop tard'),
      'BOARD_NOT_ACTIVE',
    );
  });

  it('[N3] the facilitator may post on any board, whatever the stage', () => {
    const s = newWorkshop();
    expect(s.state.currentStage).toBe('define');
    const ids = (['define', 'discover', 'dream'] as const).map((stage) =>
      postNote(s, facilitator, stage, `note ${stage}`),
    );
    expect(ids.map((id) => s.state.notes[id]!.boardId)).toEqual([
      boardOf(s.state, 'define').id,
      boardOf(s.state, 'discover').id,
      boardOf(s.state, 'dream').id,
    ]);
  });

  it('[N4] an unknown board is refused with UNKNOWN_BOARD', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const column = columnOf(s.state, 'define');
    refuse(s, alice, cmd.addNote('nope', column.id, 'x'), 'UNKNOWN_BOARD');
    refuse(s, facilitator, cmd.addNote('nope', column.id, 'x'), 'UNKNOWN_BOARD');
    refuse(s, alice, cmd.addNote('__proto__', column.id, 'x'), 'UNKNOWN_BOARD');
  });

  it('[N4] a column that is not on the board is refused with UNKNOWN_COLUMN', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const define = boardOf(s.state, 'define');
    const discoverColumn = columnOf(s.state, 'discover');
    refuse(s, alice, cmd.addNote(define.id, 'nope', 'x'), 'UNKNOWN_COLUMN');
    refuse(s, alice, cmd.addNote(define.id, discoverColumn.id, 'x'), 'UNKNOWN_COLUMN');
    refuse(s, facilitator, cmd.addNote(define.id, discoverColumn.id, 'x'), 'UNKNOWN_COLUMN');
  });

  it('[N5] the note text is trimmed and keeps its inner line breaks (CRLF → LF)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', '  \n Ligne 1\r\n\r\nLigne  2\rfin \t ');
    expect(s.state.notes[id]!.text).toBe('Ligne 1\n\nLigne  2\nfin');
  });

  it('[N5] an empty or blank note is refused with EMPTY_TEXT', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    const column = board.columns[0]!.id;
    refuse(s, alice, cmd.addNote(board.id, column, ''), 'EMPTY_TEXT');
    refuse(s, alice, cmd.addNote(board.id, column, ' \r\n\t '), 'EMPTY_TEXT');
    refuse(s, facilitator, cmd.addNote(board.id, column, '   '), 'EMPTY_TEXT');
  });

  it('[N5] a note may have 280 code points, not 281', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    const column = board.columns[0]!.id;
    expect(LIMITS.noteLength).toBe(280);
    const error = refuse(s, alice, cmd.addNote(board.id, column, 'n'.repeat(281)), 'TEXT_TOO_LONG');
    expect(error.message).toContain('280');
    const id = postNote(s, alice, 'define', 'n'.repeat(280));
    expect(s.state.notes[id]!.text).toHaveLength(280);
  });

  it('[N6] a participant may post notesPerParticipant notes, then TOO_MANY_NOTES', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const bob = join(s, 'Bob');
    expect(LIMITS.notesPerParticipant).toBe(200);
    for (let i = 0; i < LIMITS.notesPerParticipant; i++) postNote(s, alice, 'define', `n${i}`);
    const board = boardOf(s.state, 'define');
    const column = board.columns[0]!.id;
    refuse(s, alice, cmd.addNote(board.id, column, 'one too many'), 'TOO_MANY_NOTES');
    // The limit is per participant: Bob and the facilitator still post.
    postNote(s, bob, 'define', 'Bob');
    postNote(s, facilitator, 'define', 'Facilitator');
    // Deleting one of Alice's notes frees a place.
    const aliceNote = Object.values(s.state.notes).find(
      (n) => n.author.kind === 'participant' && n.author.id === alice.participantId,
    )!;
    run(s, alice, cmd.deleteNote(aliceNote.id));
    postNote(s, alice, 'define', 'again');
    refuse(s, alice, cmd.addNote(board.id, column, 'and again'), 'TOO_MANY_NOTES');
  });

  it('[N6] the facilitator is not held to the per-participant limit', () => {
    const s = newWorkshop();
    for (let i = 0; i <= LIMITS.notesPerParticipant; i++)
      postNote(s, facilitator, 'define', `f${i}`);
    expect(Object.keys(s.state.notes)).toHaveLength(LIMITS.notesPerParticipant + 1);
    // ... and the facilitator's notes do not count for a participant.
    const alice = join(s, 'Alice');
    postNote(s, alice, 'define', 'mine');
  });

  it('[N6] a workshop holds notesPerWorkshop notes, then TOO_MANY_NOTES for everyone', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    expect(LIMITS.notesPerWorkshop).toBe(5000);
    s.state = withFacilitatorNotes(s.state, LIMITS.notesPerWorkshop - 1);
    postNote(s, alice, 'define', 'the last one');
    expect(Object.keys(s.state.notes)).toHaveLength(LIMITS.notesPerWorkshop);
    const board = boardOf(s.state, 'define');
    const column = board.columns[0]!.id;
    refuse(s, alice, cmd.addNote(board.id, column, 'too many'), 'TOO_MANY_NOTES');
    refuse(s, facilitator, cmd.addNote(board.id, column, 'too many'), 'TOO_MANY_NOTES');
  });
});

describe('editNote', () => {
  it('[N10] the author edits a note: one noteEdited event, new text and updatedAt', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Avant');
    const before = s.state.notes[id]!;
    const at = s.ctx.advance(30_000);
    const decision = run(s, alice, cmd.editNote(id, '  Après \r\n suite '));
    expect(decision.events).toEqual([
      { type: 'noteEdited', noteId: id, text: 'Après \n suite', at },
    ]);
    expect(s.state.notes[id]).toEqual({ ...before, text: 'Après \n suite', updatedAt: at });
    expect(s.state.notes[id]!.createdAt).toBe(T0);
  });

  it('[N10] an unchanged text, once cleaned, yields no event', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Même texte');
    const before = s.state;
    s.ctx.advance();
    expect(run(s, alice, cmd.editNote(id, 'Même texte')).events).toEqual([]);
    expect(run(s, alice, cmd.editNote(id, '\n Même texte  ')).events).toEqual([]);
    expect(run(s, facilitator, cmd.editNote(id, 'Même texte')).events).toEqual([]);
    expect(s.state).toBe(before);
  });

  it('[N10] the new text follows the note rules: required, 280 code points at most', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte');
    refuse(s, alice, cmd.editNote(id, '  '), 'EMPTY_TEXT');
    refuse(s, alice, cmd.editNote(id, 'x'.repeat(281)), 'TEXT_TOO_LONG');
    run(s, alice, cmd.editNote(id, 'x'.repeat(280)));
  });

  it('[N7] the facilitator edits any participant note; the author stays the participant', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte');
    run(s, facilitator, cmd.editNote(id, 'Corrigé'));
    expect(s.state.notes[id]!.text).toBe('Corrigé');
    expect(s.state.notes[id]!.author).toEqual({ kind: 'participant', id: alice.participantId });
  });

  it("[N7] a participant cannot edit another participant's note (NOT_YOUR_NOTE)", () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const bob = join(s, 'Bob');
    const id = postNote(s, alice, 'define', 'Texte');
    refuse(s, bob, cmd.editNote(id, 'Piraté'), 'NOT_YOUR_NOTE');
    // Who may act is checked before the text.
    refuse(s, bob, cmd.editNote(id, ''), 'NOT_YOUR_NOTE');
  });

  it("[N7] a participant cannot edit the facilitator's note (NOT_YOUR_NOTE)", () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, facilitator, 'define', 'Note de la salle');
    refuse(s, alice, cmd.editNote(id, 'Autre'), 'NOT_YOUR_NOTE');
  });

  it('[N7] the projector cannot edit a note (NOT_ALLOWED), nobody must join first (NOT_JOINED)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte');
    refuse(s, projector, cmd.editNote(id, 'Autre'), 'NOT_ALLOWED');
    refuse(s, nobody, cmd.editNote(id, 'Autre'), 'NOT_JOINED');
  });

  it('[N8] editing a note that does not exist is refused with UNKNOWN_NOTE', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte');
    refuse(s, alice, cmd.editNote('nope', 'x'), 'UNKNOWN_NOTE');
    refuse(s, facilitator, cmd.editNote('__proto__', 'x'), 'UNKNOWN_NOTE');
    refuse(s, facilitator, cmd.editNote('toString', 'x'), 'UNKNOWN_NOTE');
    run(s, alice, cmd.deleteNote(id));
    refuse(s, alice, cmd.editNote(id, 'x'), 'UNKNOWN_NOTE');
  });

  it('[N8] a note removed with its column is unknown afterwards', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte', 0);
    const board = boardOf(s.state, 'define');
    run(s, facilitator, cmd.removeColumn(board.id, board.columns[0]!.id));
    refuse(s, alice, cmd.editNote(id, 'x'), 'UNKNOWN_NOTE');
    refuse(s, alice, cmd.deleteNote(id), 'UNKNOWN_NOTE');
  });

  it('[N9] a participant cannot edit their note once the room moved on (BOARD_NOT_ACTIVE)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte');
    run(s, facilitator, cmd.setStage('discover'));
    refuse(s, alice, cmd.editNote(id, 'Autre'), 'BOARD_NOT_ACTIVE');
    run(s, facilitator, cmd.setStage('define'));
    run(s, alice, cmd.editNote(id, 'Autre'));
    expect(s.state.notes[id]!.text).toBe('Autre');
  });

  it('[N12] editing a note whose board is gone is refused with UNKNOWN_BOARD', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte');
    const boardId = s.state.notes[id]!.boardId;
    // No command removes a board: build the broken state by hand.
    const boards = { ...s.state.boards };
    delete boards[boardId];
    s.state = {
      ...s.state,
      boards,
      stages: { ...s.state.stages, define: { ...s.state.stages.define, boardIds: [] } },
    };
    refuse(s, facilitator, cmd.editNote(id, 'Autre'), 'UNKNOWN_BOARD');
    refuse(s, alice, cmd.editNote(id, 'Autre'), 'UNKNOWN_BOARD');
  });

  it('[N9] the facilitator edits notes on boards of any stage', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const mine = postNote(s, alice, 'define', 'Texte');
    const room = postNote(s, facilitator, 'dream', 'Idée');
    run(s, facilitator, cmd.setStage('decide'));
    run(s, facilitator, cmd.editNote(mine, 'Corrigé'));
    run(s, facilitator, cmd.editNote(room, 'Idée corrigée'));
    expect(s.state.notes[mine]!.text).toBe('Corrigé');
    expect(s.state.notes[room]!.text).toBe('Idée corrigée');
  });
});

describe('deleteNote', () => {
  it('[N11] the author deletes a note: one noteDeleted event, the other notes stay', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const gone = postNote(s, alice, 'define', 'A');
    const kept = postNote(s, alice, 'define', 'B');
    const keptNote = s.state.notes[kept];
    const decision = run(s, alice, cmd.deleteNote(gone));
    expect(decision.events).toEqual([{ type: 'noteDeleted', noteId: gone }]);
    expect(Object.keys(s.state.notes)).toEqual([kept]);
    expect(s.state.notes[kept]).toEqual(keptNote);
  });

  it('[N11] a participant may delete their own note whatever the current stage', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'A');
    run(s, facilitator, cmd.setStage('dream'));
    run(s, alice, cmd.deleteNote(id));
    expect(s.state.notes[id]).toBeUndefined();
  });

  it("[N7] the facilitator deletes any note, a participant's or the room's", () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'A');
    const f = postNote(s, facilitator, 'discover', 'F');
    run(s, facilitator, cmd.deleteNote(a));
    run(s, facilitator, cmd.deleteNote(f));
    expect(s.state.notes).toEqual({});
  });

  it("[N7] a participant cannot delete another participant's or the facilitator's note", () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const bob = join(s, 'Bob');
    const a = postNote(s, alice, 'define', 'A');
    const f = postNote(s, facilitator, 'define', 'F');
    refuse(s, bob, cmd.deleteNote(a), 'NOT_YOUR_NOTE');
    refuse(s, alice, cmd.deleteNote(f), 'NOT_YOUR_NOTE');
  });

  it('[N7] the projector cannot delete a note (NOT_ALLOWED), nobody must join first (NOT_JOINED)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'A');
    refuse(s, projector, cmd.deleteNote(id), 'NOT_ALLOWED');
    refuse(s, nobody, cmd.deleteNote(id), 'NOT_JOINED');
  });

  it('[N8] deleting a note that does not exist (or twice) is refused with UNKNOWN_NOTE', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'A');
    refuse(s, alice, cmd.deleteNote('nope'), 'UNKNOWN_NOTE');
    refuse(s, facilitator, cmd.deleteNote('__proto__'), 'UNKNOWN_NOTE');
    run(s, alice, cmd.deleteNote(id));
    refuse(s, alice, cmd.deleteNote(id), 'UNKNOWN_NOTE');
    refuse(s, facilitator, cmd.deleteNote(id), 'UNKNOWN_NOTE');
  });
});

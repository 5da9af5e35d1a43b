import type { NoteView } from '../protocol/replica';

/** A note as a theme card lists it: a stacked duplicate counts toward the note it is stacked on. */
export interface CardNote {
  note: NoteView;
  copies: number;
}

/**
 * The notes a theme's card lists, newest first. A duplicate stacked on a note of the same theme is
 * not listed on its own; it adds to that note's `copies`. One stacked on a note the card does not
 * list (elsewhere, or hidden from this replica) is listed as itself.
 */
export function cardNotes(notes: readonly NoteView[], themeId: string): CardNote[] {
  const mine = notes.filter((n) => n.themeId === themeId);
  const listed = new Set(mine.map((n) => n.id));
  return mine
    .filter((n) => !n.stackedOn || !listed.has(n.stackedOn))
    .map((note) => ({ note, copies: 1 + mine.filter((m) => m.stackedOn === note.id).length }))
    .sort((a, b) => b.note.createdAt - a.note.createdAt);
}

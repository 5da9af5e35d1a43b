import type { Note, Workshop } from './model';

/** How many notes a workshop holds, in all and per participant (the caps on `addNote`). */
export interface NoteCounts {
  readonly total: number;
  readonly byParticipant: ReadonlyMap<string, number>;
}

/**
 * Counts remembered per notes object. State is immutable, so a notes object's counts never
 * change; `apply` carries them over to the next object when a note is added, so posting a note
 * does not count every note of the workshop again (other changes count once, on the next post).
 */
const remembered = new WeakMap<Workshop['notes'], NoteCounts>();

export function noteCounts(notes: Workshop['notes']): NoteCounts {
  let counts = remembered.get(notes);
  if (!counts) {
    let total = 0;
    const byParticipant = new Map<string, number>();
    for (const id in notes) {
      if (!Object.hasOwn(notes, id)) continue;
      total++;
      const author = notes[id]!.author;
      if (author.kind === 'participant') {
        byParticipant.set(author.id, (byParticipant.get(author.id) ?? 0) + 1);
      }
    }
    counts = { total, byParticipant };
    remembered.set(notes, counts);
  }
  return counts;
}

/** A notes object was changed in place by its only holder (see applyAll): count it again. */
export function forgetNoteCounts(notes: Workshop['notes']): void {
  remembered.delete(notes);
}

/** `next` is `before` with `note` added under a new id: its counts follow from theirs. */
export function carryNoteCounts(
  before: Workshop['notes'],
  next: Workshop['notes'],
  note: Note,
): void {
  const counts = remembered.get(before);
  if (!counts || Object.hasOwn(before, note.id)) return;
  let byParticipant = counts.byParticipant;
  if (note.author.kind === 'participant') {
    const copy = new Map(byParticipant);
    copy.set(note.author.id, (copy.get(note.author.id) ?? 0) + 1);
    byParticipant = copy;
  }
  remembered.set(next, { total: counts.total + 1, byParticipant });
}

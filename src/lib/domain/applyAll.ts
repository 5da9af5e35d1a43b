import { recordedNote } from './aggregate';
import { apply } from './decide';
import type { WorkshopEvent } from './events';
import type { Workshop } from './model';
import { forgetNoteCounts } from './noteCounts';

/**
 * An `apply` for a run of events whose intermediate states nobody else sees (a log replayed at
 * start-up): each call gives the same state as folding `apply`, but a note added writes into a
 * notes object this replay made itself instead of copying every note again, so replaying n notes
 * costs O(n), not O(n²). The states it returns before the last must not be kept.
 */
export function replayer(): (
  state: Workshop | null,
  events: Iterable<WorkshopEvent>,
) => Workshop | null {
  /** The notes object this replay made (a copy nobody else holds), while it is the state's. */
  let owned: Workshop['notes'] | null = null;
  return (state, events) => {
    for (const event of events) {
      if (
        event.type === 'noteAdded' &&
        state !== null &&
        owned === state.notes &&
        !Object.hasOwn(owned, event.note.id)
      ) {
        owned[event.note.id] = recordedNote(state, event.note);
        // counts remembered for this object no longer hold: counted again when asked for
        forgetNoteCounts(owned);
        continue;
      }
      state = apply(state, event);
      if (event.type === 'noteAdded') owned = state.notes;
    }
    return state;
  };
}

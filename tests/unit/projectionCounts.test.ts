import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execute, type Workshop } from '../../src/lib/domain/index';
import { noteCounts } from '../../src/lib/domain/noteCounts';
import { actorFor, commandFor, step } from './commandSteps';
import { createCommand, testContext } from './helpers';

/** The counts of a notes object, from scratch. */
function counted(notes: Workshop['notes']) {
  const byParticipant = new Map<string, number>();
  for (const n of Object.values(notes)) {
    if (n.author.kind === 'participant') {
      byParticipant.set(n.author.id, (byParticipant.get(n.author.id) ?? 0) + 1);
    }
  }
  return { total: Object.keys(notes).length, byParticipant };
}

describe('note counts carried from one state to the next', () => {
  it('[P8] the note counts addNote checks its caps against, carried over as notes are added, equal a count from scratch after every step of random sequences', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        const ctx = testContext();
        const created = execute(null, { role: 'nobody' }, createCommand(), ctx);
        if (!created.ok) throw new Error('not created');
        let state = created.value.state;
        for (const s of steps) {
          ctx.advance(1000);
          const result = execute(state, actorFor(state, s), commandFor(state, s), ctx);
          if (!result.ok) continue;
          state = result.value.state;
          expect(noteCounts(state.notes)).toEqual(counted(state.notes));
        }
      }),
      { numRuns: 100 },
    );
  });
});

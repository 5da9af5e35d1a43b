import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain/index';
import { LIMITS } from '../../src/lib/domain/index';
import {
  boardOf,
  cmd,
  columnOf,
  facilitator,
  join,
  newWorkshop,
  participantActor,
  postNote,
  refuse,
  run,
} from './helpers';

describe('guards the transport should never need', () => {
  it('[G5] a participant id the workshop does not know cannot post, edit or delete', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const id = postNote(s, alice, 'define', 'Texte');
    const ghost = participantActor('ghost');
    const board = boardOf(s.state, 'define');
    const column = columnOf(s.state, 'define');
    refuse(s, ghost, cmd.addNote(board.id, column.id, 'Boo'), 'NOT_JOINED');
    refuse(s, ghost, cmd.editNote(id, 'Boo'), 'NOT_JOINED');
    refuse(s, ghost, cmd.deleteNote(id), 'NOT_JOINED');
  });

  it('[S5] a stage that is not one of the four is refused with UNKNOWN_STAGE', () => {
    const s = newWorkshop();
    refuse(
      s,
      facilitator,
      { type: 'setStage', stage: 'party' } as unknown as Command,
      'UNKNOWN_STAGE',
    );
    refuse(
      s,
      facilitator,
      { type: 'setStagePrompt', stage: '__proto__', prompt: 'x' } as unknown as Command,
      'UNKNOWN_STAGE',
    );
  });

  it('[T5] a decomposed accent counts once: the limit holds for both forms', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    const column = columnOf(s.state, 'define');
    const decomposed = 'e\u0301'.repeat(LIMITS.noteLength);
    const decision = run(s, alice, cmd.addNote(board.id, column.id, decomposed));
    const event = decision.events[0];
    expect(event?.type).toBe('noteAdded');
    if (event?.type === 'noteAdded')
      expect(event.note.text).toBe('\u00e9'.repeat(LIMITS.noteLength));
  });
});

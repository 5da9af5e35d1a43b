import { describe, expect, it } from 'vitest';
import type { Actor, Command } from '../../src/lib/domain/index';
import {
  boardOf,
  cmd,
  columnOf,
  facilitator,
  join,
  newWorkshop,
  nobody,
  postNote,
  refuse,
  run,
} from './helpers';

const coFacilitator: Actor = { role: 'cofacilitator', linkId: 'l1' };

describe('removing participants', () => {
  it('[A1] a removed participant is erased, keeps their notes, and can no longer act or rejoin', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice', { sector: s.state.sectors[0]!.id, tokenHash: 'phone-a' });
    const noteId = postNote(s, alice, 'define', 'Une note qui reste');
    const rejoinHash = s.state.participants[alice.participantId]!.rejoinCodeHash;
    run(s, coFacilitator, {
      type: 'removeParticipant',
      participantId: alice.participantId,
    } as Command);
    const after = s.state.participants[alice.participantId]!;
    expect(after).toMatchObject({ name: '', sector: null, tokenHash: '', rejoinCodeHash: '' });
    expect(after.removedAt).toBeTypeOf('number');
    expect(s.state.notes[noteId]!.text).toBe('Une note qui reste');
    const board = boardOf(s.state, 'define');
    refuse(s, alice, cmd.addNote(board.id, columnOf(s.state, 'define').id, 'x'), 'NOT_JOINED');
    refuse(s, alice, cmd.editNote(noteId, 'x'), 'NOT_JOINED');
    refuse(s, nobody, cmd.rejoin(rejoinHash, 'laptop'), 'UNKNOWN_REJOIN_CODE');
    refuse(
      s,
      facilitator,
      { type: 'removeParticipant', participantId: alice.participantId } as Command,
      'UNKNOWN_PARTICIPANT',
    );
    refuse(
      s,
      facilitator,
      { type: 'removeParticipant', participantId: 'nobody-here' } as Command,
      'UNKNOWN_PARTICIPANT',
    );
  });
});

describe('joining', () => {
  it('[A2] closed joining refuses newcomers; people who joined can still come back', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice', { tokenHash: 'phone-a' });
    const rejoinHash = s.state.participants[alice.participantId]!.rejoinCodeHash;
    run(s, facilitator, { type: 'setJoining', open: false } as Command);
    expect(s.state.joiningOpen).toBe(false);
    refuse(s, nobody, cmd.join('Bob', null, 'phone-b'), 'JOINING_CLOSED');
    expect(run(s, nobody, cmd.rejoin(rejoinHash, 'laptop-a')).reply).toEqual({
      participantId: alice.participantId,
    });
    expect(run(s, facilitator, { type: 'setJoining', open: false } as Command).events).toEqual([]);
    run(s, facilitator, { type: 'setJoining', open: true } as Command);
    join(s, 'Bob', { tokenHash: 'phone-b' });
  });
});

describe('facilitator links', () => {
  it('[A3] links are created with a label and a hash, revoked once, and the main key rotates', () => {
    const s = newWorkshop();
    const { linkId } = run(s, facilitator, cmd.createLink('  Marie  ', 'hash-1')).reply!;
    expect(s.state.coFacilitators[linkId!]).toMatchObject({
      label: 'Marie',
      keyHash: 'hash-1',
      revokedAt: null,
    });
    run(s, facilitator, { type: 'revokeCoFacilitatorLink', linkId: linkId! } as Command);
    expect(s.state.coFacilitators[linkId!]!.revokedAt).toBeTypeOf('number');
    expect(
      run(s, facilitator, { type: 'revokeCoFacilitatorLink', linkId: linkId! } as Command).events,
    ).toEqual([]);
    refuse(
      s,
      facilitator,
      { type: 'revokeCoFacilitatorLink', linkId: 'nope' } as Command,
      'UNKNOWN_LINK',
    );
    run(s, facilitator, { type: 'rotateFacilitatorKey', keyHash: 'new-main' } as Command);
    expect(s.state.facilitatorKeyHash).toBe('new-main');
  });

  it('[A3] at most 20 active links; revoked ones do not count', () => {
    const s = newWorkshop();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push(run(s, facilitator, cmd.createLink(`L${i}`, `h${i}`)).reply!.linkId!);
    }
    refuse(s, facilitator, cmd.createLink('one more', 'hx'), 'TOO_MANY_LINKS');
    run(s, facilitator, { type: 'revokeCoFacilitatorLink', linkId: ids[0]! } as Command);
    run(s, facilitator, cmd.createLink('one more', 'hx'));
  });

  it('[A4] a co-facilitator runs the room but cannot manage links', () => {
    const s = newWorkshop();
    run(s, coFacilitator, { type: 'setStage', stage: 'discover' } as Command);
    refuse(s, coFacilitator, cmd.createLink('x', 'h'), 'NOT_ALLOWED');
    refuse(
      s,
      coFacilitator,
      { type: 'rotateFacilitatorKey', keyHash: 'h' } as Command,
      'NOT_ALLOWED',
    );
  });
});

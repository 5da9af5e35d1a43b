import { describe, expect, it } from 'vitest';
import { cmd, facilitator, join, newWorkshop, nobody, projector, refuse, run } from './helpers';

describe('rejoinWorkshop', () => {
  it('[J8] a person comes back on a new device with their rejoin code, as themselves', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice', { tokenHash: 'phone-1' });
    const hash = s.state.participants[alice.participantId]!.rejoinCodeHash;
    const decision = run(s, nobody, cmd.rejoin(hash, 'laptop-1'));
    expect(decision.events).toEqual([
      { type: 'participantRejoined', participantId: alice.participantId, tokenHash: 'laptop-1' },
    ]);
    expect(decision.reply).toEqual({ participantId: alice.participantId });
    const after = s.state.participants[alice.participantId]!;
    expect(after.tokenHash).toBe('laptop-1');
    expect(after.name).toBe('Alice');
    expect(Object.keys(s.state.participants)).toHaveLength(1);
  });

  it('[J9] an unknown rejoin code is refused and changes nothing', () => {
    const s = newWorkshop();
    join(s, 'Alice');
    refuse(s, nobody, cmd.rejoin('no-such-hash', 'laptop-1'), 'UNKNOWN_REJOIN_CODE');
  });

  it('[J9] a device token another participant holds cannot take over someone else (found by the model test)', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice', { tokenHash: 'phone-a' });
    join(s, 'Bob', { tokenHash: 'phone-b' });
    const hash = s.state.participants[alice.participantId]!.rejoinCodeHash;
    refuse(s, nobody, cmd.rejoin(hash, 'phone-b'), 'ALREADY_JOINED');
  });

  it('[J9] a participant, the facilitator and the projector cannot rejoin', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const hash = s.state.participants[alice.participantId]!.rejoinCodeHash;
    refuse(s, alice, cmd.rejoin(hash, 'x'), 'ALREADY_JOINED');
    refuse(s, facilitator, cmd.rejoin(hash, 'x'), 'NOT_ALLOWED');
    refuse(s, projector, cmd.rejoin(hash, 'x'), 'NOT_ALLOWED');
  });
});

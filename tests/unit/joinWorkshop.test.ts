import { describe, expect, it } from 'vitest';
import { LIMITS, type ParticipantId, type Workshop } from '../../src/lib/domain';
import {
  cmd,
  facilitator,
  join,
  newWorkshop,
  nobody,
  participantActor,
  projector,
  refuse,
  run,
  T0,
} from './helpers';

/** A copy of the workshop with `n` participants, built directly (faster than n joins). */
function withParticipants(ws: Workshop, n: number): Workshop {
  const participants = { ...ws.participants };
  for (let i = 0; i < n; i++) {
    const id = `p${i}` as ParticipantId;
    participants[id] = {
      id,
      name: `P${i}`,
      sector: null,
      joinedAt: T0,
      tokenHash: `tok-${i}`,
      rejoinCodeHash: `rejoin-tok-${i}`,
    };
  }
  return { ...ws, participants };
}

describe('joinWorkshop', () => {
  it('[J1] nobody joins: one participantJoined event, a fresh id and joinedAt = now', () => {
    const s = newWorkshop();
    s.ctx.advance(5000);
    const sector = s.state.sectors[1]!.id;
    const decision = run(s, nobody, cmd.join('Alice', sector, 'tok-a'));
    const id = decision.reply!.participantId!;
    expect(decision.events).toEqual([
      {
        type: 'participantJoined',
        participant: {
          id,
          name: 'Alice',
          sector,
          joinedAt: T0 + 5000,
          tokenHash: 'tok-a',
          rejoinCodeHash: 'rejoin-tok-a',
        },
      },
    ]);
    expect(s.ctx.issued.at(-1)).toBe(id);
    expect(s.state.participants[id]).toEqual({
      id,
      name: 'Alice',
      sector,
      joinedAt: T0 + 5000,
      tokenHash: 'tok-a',
      rejoinCodeHash: 'rejoin-tok-a',
    });
  });

  it('[J1] several people join, each with a distinct id', () => {
    const s = newWorkshop();
    const a = join(s, 'Alice');
    const b = join(s, 'Bob');
    expect(a.participantId).not.toBe(b.participantId);
    expect(Object.keys(s.state.participants)).toEqual([a.participantId, b.participantId]);
  });

  it('[J2] the name is trimmed and collapsed to one line', () => {
    const s = newWorkshop();
    const p = join(s, '  Marie \n  Curie ');
    expect(s.state.participants[p.participantId]!.name).toBe('Marie Curie');
  });

  it('[J2] an empty or blank name is refused with EMPTY_TEXT', () => {
    const s = newWorkshop();
    refuse(s, nobody, cmd.join('', null, 'tok'), 'EMPTY_TEXT');
    refuse(s, nobody, cmd.join(' \n\t', null, 'tok'), 'EMPTY_TEXT');
  });

  it('[J2] the name may have 40 code points, not 41', () => {
    const s = newWorkshop();
    expect(LIMITS.nameLength).toBe(40);
    refuse(s, nobody, cmd.join('n'.repeat(41), null, 'tok-41'), 'TEXT_TOO_LONG');
    const p = join(s, 'n'.repeat(40), { tokenHash: 'tok-40' });
    expect(s.state.participants[p.participantId]!.name).toHaveLength(40);
  });

  it('[J3] a sector must be one of the workshop sectors, or null', () => {
    const s = newWorkshop();
    refuse(s, nobody, cmd.join('Alice', 'no-such-sector', 'tok'), 'UNKNOWN_SECTOR');
    // A label is not an id.
    refuse(s, nobody, cmd.join('Alice', 'Clinique', 'tok'), 'UNKNOWN_SECTOR');
    const p = join(s, 'Alice', { sector: null });
    expect(s.state.participants[p.participantId]!.sector).toBeNull();
  });

  it('[J3] with no sectors in the workshop, only null is accepted', () => {
    const s = newWorkshop({ sectors: [] });
    refuse(s, nobody, cmd.join('Alice', 'id1', 'tok'), 'UNKNOWN_SECTOR');
    join(s, 'Alice', { sector: null });
  });

  it('[J4] an actor who is already a participant gets ALREADY_JOINED', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice', { tokenHash: 'tok-a' });
    refuse(s, alice, cmd.join('Alice again', null, 'tok-new'), 'ALREADY_JOINED');
    const bob = join(s, 'Bob');
    refuse(s, bob, cmd.join('Bob', null, 'tok-b2'), 'ALREADY_JOINED');
  });

  it('[J4] a device token already used gets ALREADY_JOINED, even with another name', () => {
    const s = newWorkshop();
    join(s, 'Alice', { tokenHash: 'tok-a' });
    refuse(s, nobody, cmd.join('Someone else', null, 'tok-a'), 'ALREADY_JOINED');
    expect(Object.keys(s.state.participants)).toHaveLength(1);
  });

  it('[J5] the facilitator and the projector cannot join', () => {
    const s = newWorkshop();
    refuse(s, facilitator, cmd.join('Facil', null, 'tok-f'), 'NOT_ALLOWED');
    refuse(s, projector, cmd.join('Screen', null, 'tok-p'), 'NOT_ALLOWED');
  });

  it('[J6] the workshop takes participantsPerWorkshop participants, then WORKSHOP_FULL', () => {
    const s = newWorkshop();
    const max = LIMITS.participantsPerWorkshop;
    expect(max).toBe(500);
    for (let i = 1; i < max; i++) join(s, `P${i}`, { tokenHash: `full-${i}` });
    expect(Object.keys(s.state.participants)).toHaveLength(max - 1);
    join(s, 'Last one', { tokenHash: 'full-last' });
    expect(Object.keys(s.state.participants)).toHaveLength(max);
    refuse(s, nobody, cmd.join('Too late', null, 'full-too-late'), 'WORKSHOP_FULL');
  });

  it('[J6] in a full workshop a known token gets ALREADY_JOINED, not WORKSHOP_FULL', () => {
    const s = newWorkshop();
    s.state = withParticipants(s.state, LIMITS.participantsPerWorkshop);
    refuse(s, nobody, cmd.join('Again', null, 'tok-7'), 'ALREADY_JOINED');
    refuse(s, participantActor('p7'), cmd.join('Again', null, 'tok-x'), 'ALREADY_JOINED');
    refuse(s, nobody, cmd.join('New', null, 'tok-new'), 'WORKSHOP_FULL');
  });

  it('[J6] WORKSHOP_FULL comes before checking the name', () => {
    const s = newWorkshop();
    s.state = withParticipants(s.state, LIMITS.participantsPerWorkshop);
    refuse(s, nobody, cmd.join('', null, 'tok-new'), 'WORKSHOP_FULL');
  });

  it('[J7] two devices may join under the same name', () => {
    const s = newWorkshop();
    const a = join(s, 'Alex', { tokenHash: 'tok-1' });
    const b = join(s, 'Alex', { tokenHash: 'tok-2' });
    expect(a.participantId).not.toBe(b.participantId);
    expect(Object.values(s.state.participants).map((p) => p.name)).toEqual(['Alex', 'Alex']);
  });
});

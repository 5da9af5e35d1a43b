import { describe, expect, it } from 'vitest';
import type { Actor, Command } from '../../src/lib/domain/index';
import { FORMER_JOIN_CODES } from '../../src/lib/domain/commands/changeJoinCode';
import { facilitator, join, newWorkshop, refuse, run } from './helpers';

const coFacilitator: Actor = { role: 'cofacilitator', linkId: 'l1' };
const change = (joinCode: string) => ({ type: 'changeJoinCode', joinCode }) as Command;

describe('changing the join code', () => {
  it('[A7] whoever runs the room changes the code; the old one is remembered as former', () => {
    const s = newWorkshop();
    const first = s.state.joinCode;
    expect(run(s, coFacilitator, change('NEWONE')).reply).toEqual({ joinCode: 'NEWONE' });
    expect(s.state.joinCode).toBe('NEWONE');
    expect(s.state.formerJoinCodes).toEqual([first]);
    run(s, facilitator, change('THIRD1'));
    expect(s.state.formerJoinCodes).toEqual([first, 'NEWONE']);
  });

  it('[A7] a code the workshop had before, or has now, is refused; participants cannot change it', () => {
    const s = newWorkshop();
    const first = s.state.joinCode;
    refuse(s, facilitator, change(first), 'BAD_REQUEST');
    run(s, facilitator, change('NEWONE'));
    refuse(s, facilitator, change(first), 'BAD_REQUEST');
    const alice = join(s, 'Alice');
    refuse(s, alice, change('OTHER1'), 'NOT_ALLOWED');
    refuse(s, { role: 'projector' }, change('OTHER1'), 'NOT_ALLOWED');
  });

  it('[A7] only the last former codes are kept', () => {
    const s = newWorkshop();
    for (let i = 0; i < FORMER_JOIN_CODES + 5; i++) run(s, facilitator, change(`CODE${i}`));
    expect(s.state.formerJoinCodes).toHaveLength(FORMER_JOIN_CODES);
    expect(s.state.formerJoinCodes!.at(-1)).toBe(`CODE${FORMER_JOIN_CODES + 3}`);
  });
});

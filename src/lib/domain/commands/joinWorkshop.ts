import { fail, ok } from '../errors';
import type { Participant, ParticipantId } from '../model';
import { LIMITS } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { existing } from './guards';

/** A person with the join code becomes a participant, once per device token. */
export const joinWorkshop: Handler<'joinWorkshop'> = (state, actor, command, ctx) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  if (actor.role === 'participant') return fail('ALREADY_JOINED');
  if (actor.role !== 'nobody') return fail('NOT_ALLOWED');
  const participants = Object.values(ws.value.participants);
  if (participants.some((p) => p.tokenHash === command.tokenHash)) return fail('ALREADY_JOINED');
  if (!ws.value.joiningOpen) return fail('JOINING_CLOSED');
  if (participants.length >= LIMITS.participantsPerWorkshop) return fail('WORKSHOP_FULL');
  if (participants.some((p) => p.rejoinCodeHash === command.rejoinCodeHash)) {
    return fail('BAD_REQUEST', 'This personal code is taken: choose another one.');
  }
  const name = cleanLine(command.name, LIMITS.nameLength);
  if (!name.ok) return name;
  if (command.sector !== null && !ws.value.sectors.some((s) => s.id === command.sector)) {
    return fail('UNKNOWN_SECTOR');
  }
  const participant: Participant = {
    id: ctx.newId() as ParticipantId,
    name: name.value,
    sector: command.sector,
    joinedAt: ctx.now,
    tokenHash: command.tokenHash,
    rejoinCodeHash: command.rejoinCodeHash,
  };
  return ok({
    events: [{ type: 'participantJoined', participant }],
    reply: { participantId: participant.id },
  });
};

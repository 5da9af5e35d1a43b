import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { facilitatorWorkshop } from './guards';

/**
 * The facilitator removes a participant: their name and credentials are erased and their devices
 * let go; their notes stay in the room, attributed to "removed".
 */
export const removeParticipant: Handler<'removeParticipant'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const participant = Object.hasOwn(ws.value.participants, command.participantId)
    ? ws.value.participants[command.participantId]
    : undefined;
  if (!participant || participant.removedAt !== undefined) return fail('UNKNOWN_PARTICIPANT');
  return ok({
    events: [{ type: 'participantRemoved', participantId: participant.id, at: ctx.now }],
  });
};

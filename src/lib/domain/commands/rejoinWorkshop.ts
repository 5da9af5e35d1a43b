import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { existing } from './guards';

/**
 * A person who joined before comes back on another device (or a browser that lost its storage)
 * with their personal rejoin code: this device becomes theirs, the previous one is let go.
 */
export const rejoinWorkshop: Handler<'rejoinWorkshop'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  if (actor.role === 'participant') return fail('ALREADY_JOINED');
  if (actor.role !== 'nobody') return fail('NOT_ALLOWED');
  // The transport makes a known token a participant actor; the domain holds even if it did not.
  if (Object.values(ws.value.participants).some((p) => p.tokenHash === command.tokenHash)) {
    return fail('ALREADY_JOINED');
  }
  const participant = Object.values(ws.value.participants).find(
    (p) => p.removedAt === undefined && p.rejoinCodeHash === command.rejoinCodeHash,
  );
  if (!participant) return fail('UNKNOWN_REJOIN_CODE');
  return ok({
    events: [
      { type: 'participantRejoined', participantId: participant.id, tokenHash: command.tokenHash },
    ],
    reply: { participantId: participant.id },
  });
};

import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { facilitatorWorkshop } from './guards';

/** How many former join codes a workshop remembers (for returning participants' phones). */
export const FORMER_JOIN_CODES = 10;

/**
 * Whoever runs the room gives it a new join code (the server draws it): newcomers and the
 * projector need the new one; people who joined keep coming back through the old one with their
 * device token, and nobody else does (a removed participant, a visitor who kept the code).
 */
export const changeJoinCode: Handler<'changeJoinCode'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const { joinCode, formerJoinCodes = [] } = ws.value;
  if (command.joinCode === joinCode || formerJoinCodes.includes(command.joinCode)) {
    return fail('BAD_REQUEST', 'This join code was already used by the workshop.');
  }
  return ok({
    events: [{ type: 'joinCodeChanged', joinCode: command.joinCode }],
    reply: { joinCode: command.joinCode },
  });
};

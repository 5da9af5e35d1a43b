import { ok } from '../errors';
import type { Handler } from './decision';
import { existing, facilitatorOnly } from './guards';

/** The facilitator opens or closes joining; people who already joined can always come back. */
export const setJoining: Handler<'setJoining'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  if (!allowed.ok) return allowed;
  if (ws.value.joiningOpen === command.open) return ok({ events: [] });
  return ok({ events: [{ type: 'joiningSet', open: command.open }] });
};

import { ok } from '../errors';
import type { Handler } from './decision';
import { facilitatorWorkshop } from './guards';

/** The facilitator opens or closes joining; people who already joined can always come back. */
export const setJoining: Handler<'setJoining'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if (ws.value.joiningOpen === command.open) return ok({ events: [] });
  return ok({ events: [{ type: 'joiningSet', open: command.open }] });
};

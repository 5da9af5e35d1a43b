import { ok } from '../errors';
import type { Handler } from './decision';
import { mainFacilitatorWorkshop } from './guards';

/**
 * The main facilitator deletes the workshop. The event is the durable intent: once it is on
 * record the server erases everything stored about the workshop (names, notes, log, snapshot),
 * also at start-up if it stopped in between. Co-facilitators may not: it cannot be undone.
 */
export const deleteWorkshop: Handler<'deleteWorkshop'> = (state, actor, _command, ctx) => {
  const ws = mainFacilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  return ok({ events: [{ type: 'workshopDeleted', at: ctx.now }] });
};

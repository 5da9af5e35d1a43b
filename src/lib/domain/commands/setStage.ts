import { ok } from '../errors';
import type { Handler } from './decision';
import { facilitatorWorkshop, knownStage } from './guards';

/** The facilitator moves the room to a stage; every screen follows. */
export const setStage: Handler<'setStage'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const stage = knownStage(command.stage);
  if (!stage.ok) return stage;
  if (ws.value.currentStage === stage.value) return ok({ events: [] });
  return ok({ events: [{ type: 'stageSet', stage: stage.value }] });
};

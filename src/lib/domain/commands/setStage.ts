import { ok } from '../errors';
import type { Handler } from './decision';
import { existing, facilitatorOnly, knownStage } from './guards';

/** The facilitator moves the room to a stage; every screen follows. */
export const setStage: Handler<'setStage'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  if (!allowed.ok) return allowed;
  const stage = knownStage(command.stage);
  if (!stage.ok) return stage;
  if (ws.value.currentStage === stage.value) return ok({ events: [] });
  return ok({ events: [{ type: 'stageSet', stage: stage.value }] });
};

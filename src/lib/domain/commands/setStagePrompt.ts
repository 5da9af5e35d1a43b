import { ok } from '../errors';
import { LIMITS } from '../model';
import { cleanText } from '../text';
import type { Handler } from './decision';
import { facilitatorWorkshop, knownStage } from './guards';

/** The facilitator edits what a stage asks of the room. */
export const setStagePrompt: Handler<'setStagePrompt'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const stage = knownStage(command.stage);
  if (!stage.ok) return stage;
  const prompt = cleanText(command.prompt, LIMITS.promptLength, true);
  if (!prompt.ok) return prompt;
  if (prompt.value === ws.value.stages[stage.value].prompt) return ok({ events: [] });
  return ok({ events: [{ type: 'stagePromptSet', stage: stage.value, prompt: prompt.value }] });
};

import { ok } from '../errors';
import { LIMITS } from '../model';
import { cleanText } from '../text';
import type { Handler } from './decision';
import { existing, facilitatorOnly } from './guards';

/** The facilitator edits what a stage asks of the room. */
export const setStagePrompt: Handler<'setStagePrompt'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  if (!allowed.ok) return allowed;
  const prompt = cleanText(command.prompt, LIMITS.promptLength, true);
  if (!prompt.ok) return prompt;
  if (prompt.value === ws.value.stages[command.stage].prompt) return ok({ events: [] });
  return ok({ events: [{ type: 'stagePromptSet', stage: command.stage, prompt: prompt.value }] });
};

import { ok } from '../errors';
import { LIMITS } from '../model';
import { cleanText } from '../text';
import type { Handler } from './decision';
import { existing, facilitatorOnly } from './guards';

/** The facilitator edits the workshop's question. */
export const setQuestion: Handler<'setQuestion'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const allowed = facilitatorOnly(actor);
  if (!allowed.ok) return allowed;
  const question = cleanText(command.question, LIMITS.questionLength, true);
  if (!question.ok) return question;
  if (question.value === ws.value.question) return ok({ events: [] });
  return ok({ events: [{ type: 'questionSet', question: question.value }] });
};

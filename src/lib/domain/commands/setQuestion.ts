import { ok } from '../errors';
import { LIMITS } from '../model';
import { cleanText } from '../text';
import type { Handler } from './decision';
import { facilitatorWorkshop } from './guards';

/** The facilitator edits the workshop's question. */
export const setQuestion: Handler<'setQuestion'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const question = cleanText(command.question, LIMITS.questionLength, true);
  if (!question.ok) return question;
  if (question.value === ws.value.question) return ok({ events: [] });
  return ok({ events: [{ type: 'questionSet', question: question.value }] });
};

import { fail, ok } from '../errors';
import {
  addMinute,
  pauseTimer,
  resetTimer,
  startTimer,
  STOPPED_TIMER,
  TIMER_LIMITS,
  type Timer,
} from '../timer';
import type { Handler } from './decision';
import { facilitatorWorkshop } from './guards';
import { TIMER_ACTIONS } from './types';

/** The facilitator starts, pauses, extends or resets the room's timer. */
export const setTimer: Handler<'setTimer'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if (!TIMER_ACTIONS.includes(command.action)) return fail('BAD_REQUEST', 'Unknown timer action.');
  const { durationMs } = command;
  if (
    durationMs !== undefined &&
    (!Number.isInteger(durationMs) || durationMs < 1000 || durationMs > TIMER_LIMITS.maxMs)
  ) {
    return fail('BAD_DURATION');
  }
  const current = ws.value.timer ?? STOPPED_TIMER;
  let next: Timer;
  switch (command.action) {
    case 'start':
      next = startTimer(
        durationMs === undefined ? current : resetTimer(current, durationMs),
        ctx.now,
      );
      break;
    case 'pause':
      next = pauseTimer(current, ctx.now);
      break;
    case 'addMinute':
      next = addMinute(current, ctx.now);
      break;
    case 'reset':
      next = resetTimer(current, durationMs);
      break;
  }
  if (JSON.stringify(next) === JSON.stringify(current)) return ok({ events: [] });
  return ok({ events: [{ type: 'timerSet', timer: next }] });
};

/**
 * The room's timer, kept as facts from which any moment's remaining time follows: a running timer
 * remembers when it started and how much it had left then; a stopped one, how much it has left.
 * Every screen computes the same remaining time from these and the server's clock.
 */
export interface Timer {
  /** The length it was last set to (for "reset"). */
  durationMs: number;
  /** Time left when it was last started or paused. */
  remainingMs: number;
  /** Server time it was started at; null when paused or not started. */
  startedAt: number | null;
}

export const TIMER_LIMITS = { maxMs: 4 * 60 * 60 * 1000, minuteMs: 60_000 } as const;

export const STOPPED_TIMER: Timer = {
  durationMs: 5 * 60_000,
  remainingMs: 5 * 60_000,
  startedAt: null,
};

/**
 * Time left at `now`: never below zero, and never more than when it started (a screen whose
 * clock estimate is a little behind the server's must not show extra time).
 */
export function timerRemaining(timer: Timer, now: number): number {
  if (timer.startedAt === null) return Math.max(0, timer.remainingMs);
  return Math.max(0, timer.remainingMs - Math.max(0, now - timer.startedAt));
}

export function startTimer(timer: Timer, now: number): Timer {
  if (timer.startedAt !== null) return timer;
  const remaining = timerRemaining(timer, now);
  return { ...timer, remainingMs: remaining === 0 ? timer.durationMs : remaining, startedAt: now };
}

export function pauseTimer(timer: Timer, now: number): Timer {
  if (timer.startedAt === null) return timer;
  return { ...timer, remainingMs: timerRemaining(timer, now), startedAt: null };
}

/** One more minute, whether running or not (a timer at zero gets a fresh minute). */
export function addMinute(timer: Timer, now: number): Timer {
  const remaining = Math.min(
    TIMER_LIMITS.maxMs,
    timerRemaining(timer, now) + TIMER_LIMITS.minuteMs,
  );
  return { ...timer, remainingMs: remaining, startedAt: timer.startedAt === null ? null : now };
}

/** Stop and set to a length (the last one if none is given). */
export function resetTimer(timer: Timer, durationMs: number = timer.durationMs): Timer {
  return { durationMs, remainingMs: durationMs, startedAt: null };
}

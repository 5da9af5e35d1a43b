import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain/index';
import { STOPPED_TIMER, timerRemaining } from '../../src/lib/domain/index';
import { facilitator, join, newWorkshop, refuse, run } from './helpers';

const timer = (action: string, durationMs?: number) =>
  ({ type: 'setTimer', action, ...(durationMs === undefined ? {} : { durationMs }) }) as Command;

describe('the room timer', () => {
  it('[TM1] start, pause, add a minute, reset: the remaining time follows the server clock', () => {
    const s = newWorkshop();
    run(s, facilitator, timer('start', 10 * 60_000));
    const started = s.state.timer!;
    expect(started).toMatchObject({ durationMs: 600_000, remainingMs: 600_000 });
    expect(timerRemaining(started, started.startedAt! + 90_000)).toBe(510_000);

    s.ctx.advance(90_000);
    run(s, facilitator, timer('pause'));
    expect(s.state.timer!.startedAt).toBeNull();
    const paused = s.state.timer!;
    const left = paused.remainingMs;
    expect(left).toBeGreaterThan(500_000);
    expect(left).toBeLessThanOrEqual(510_000);
    // a paused timer does not run
    expect(timerRemaining(paused, Date.now() + 10 ** 9)).toBe(left);

    run(s, facilitator, timer('addMinute'));
    expect(s.state.timer!.remainingMs).toBe(left + 60_000);
    run(s, facilitator, timer('start'));
    expect(s.state.timer!.startedAt).not.toBeNull();
    run(s, facilitator, timer('reset'));
    expect(s.state.timer).toEqual({ durationMs: 600_000, remainingMs: 600_000, startedAt: null });
  });

  it('[TM2] never below zero; starting a finished timer starts it afresh', () => {
    const s = newWorkshop();
    run(s, facilitator, timer('start', 5_000));
    const t = s.state.timer!;
    expect(timerRemaining(t, t.startedAt! + 60_000)).toBe(0);
    // a clock a little behind the server's never shows more than the timer had
    expect(timerRemaining(t, t.startedAt! - 300)).toBe(5_000);
    s.ctx.advance(60_000);
    run(s, facilitator, timer('pause'));
    expect(s.state.timer!.remainingMs).toBe(0);
    run(s, facilitator, timer('start'));
    expect(s.state.timer!.remainingMs).toBe(5_000);
  });

  it('[TM3] a running timer given a minute keeps running, from now', () => {
    const s = newWorkshop();
    run(s, facilitator, timer('start', 120_000));
    s.ctx.advance(30_000);
    run(s, facilitator, timer('addMinute'));
    const t = s.state.timer!;
    expect(t.startedAt).not.toBeNull();
    expect(timerRemaining(t, t.startedAt!)).toBeGreaterThanOrEqual(150_000 - 1000);
    expect(timerRemaining(t, t.startedAt!)).toBeLessThanOrEqual(150_000);
  });

  it('[TM4] bad durations and participants are refused; the default timer is stopped at 5 min', () => {
    const s = newWorkshop();
    expect(s.state.timer ?? STOPPED_TIMER).toMatchObject({ startedAt: null });
    refuse(s, facilitator, timer('start', 500), 'BAD_DURATION');
    refuse(s, facilitator, timer('start', 5 * 60 * 60_000), 'BAD_DURATION');
    refuse(s, facilitator, timer('start', 1.5 * 60_000 + 0.5), 'BAD_DURATION');
    refuse(s, facilitator, timer('explode'), 'BAD_REQUEST');
    refuse(s, join(s, 'Alice'), timer('start', 60_000), 'NOT_ALLOWED');
    expect(run(s, facilitator, timer('pause')).events).toEqual([]);
  });
});

import type { LimitName, TokenBuckets } from '../rateLimit';
import type { SessionData } from './session';

/**
 * Who is asking, for the limits on commands and hellos: a participant by their id, a console by
 * the hash of its key, a visitor by the hash of its device token, anyone else by address. Never
 * a connection: the same asker on a new connection (or a second tab) draws on the same budget,
 * so reconnecting refills nothing.
 */
export function askerKey(session: SessionData): string {
  const { actor } = session;
  if (actor.role === 'participant') return `p:${actor.participantId}`;
  if (session.keyHash !== null) return `k:${session.keyHash}`;
  if (session.tokenHash !== null) return `t:${session.tokenHash}`;
  return addressAsker(session.address, session.workshopId);
}

/**
 * A projector or a home page (workshop null) asks as its address, per workshop (a venue may run
 * several rooms). An import asks as the home page it is sent from (server/imports.ts).
 */
export function addressAsker(address: string, workshopId: string | null): string {
  return `a:${address}|${workshopId ?? ''}`;
}

/**
 * The budgets a wrong rejoin code spends, all of which must allow an attempt: the device's, the
 * address's (for joins and rejoins alike), the workshop's, and the address's own for rejoins,
 * which is smaller than the workshop's and refills more slowly, so that one address cannot keep
 * the workshop's budget empty and lock everyone else's rejoins.
 */
export function rejoinBudgets(
  limits: Record<LimitName, TokenBuckets>,
  session: SessionData,
  workshopId: string,
): (readonly [TokenBuckets, string])[] {
  return [
    [limits.failuresPerAddress, session.address],
    [limits.failuresPerDevice, session.device],
    [limits.rejoinFailuresPerAddress, session.address],
    [limits.failuresPerWorkshop, workshopId],
  ];
}

export function tooManyAttempts(seconds: number): string {
  return `Too many attempts: try again in ${Math.max(1, seconds)} s.`;
}

/** The refusal message of a throttled request, with the wait. */
export function slowDown(what: string, seconds: number): string {
  return `${what}: try again in ${Math.max(1, seconds)} s.`;
}

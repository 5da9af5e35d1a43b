import { fail, ok } from '../errors';
import { LIMITS, type Workshop, type WorkshopSession } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { existing, facilitatorWorkshop } from './guards';

/** A day written YYYY-MM-DD that exists in the calendar. */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDay(date: string): boolean {
  const match = DAY.exec(date);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

/** The UTC day of a moment, YYYY-MM-DD. */
export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** A label: one line, possibly empty ("Séance n" is shown for an empty one). */
function sessionLabel(label: string) {
  const cleaned = cleanLine(label, LIMITS.sessionLabelLength, true);
  return cleaned;
}

/**
 * The workshop's sessions in order. A workshop made before sessions existed (or in which none
 * was ever started) has one session covering its whole past, from its creation on, with
 * everyone who joined it as attendance: its notes, themes and votes belong there, as does
 * anything without a session of its own.
 */
export function sessionsOf(state: Workshop): WorkshopSession[] {
  const order = state.sessionOrder ?? [];
  if (order.length > 0) return order.map((id) => state.sessions![id]!);
  return [
    {
      id: PAST_SESSION,
      label: '',
      date: dayOf(state.createdAt),
      startedAt: state.createdAt,
      attendance: Object.keys(state.participants),
    },
  ];
}

/** The id of the session a workshop without sessions is given (see sessionsOf). */
export const PAST_SESSION = 'past';

/** The session an item (note, theme, candidate, statement) belongs to. */
export function sessionIdOf(state: Workshop, item: { sessionId?: string }): string {
  return item.sessionId ?? sessionsOf(state)[0]!.id;
}

/** What is made now carries the session running (nothing when none runs). */
export function inSession(state: Workshop): { sessionId?: string } {
  return state.currentSessionId ? { sessionId: state.currentSessionId } : {};
}

/** Whoever runs the room starts a session; one at a time. */
export const startSession: Handler<'startSession'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if (ws.value.currentSessionId) return fail('SESSION_RUNNING');
  if ((ws.value.sessionOrder ?? []).length >= LIMITS.sessionsPerWorkshop) {
    return fail('TOO_MANY_SESSIONS');
  }
  const label = sessionLabel(command.label);
  if (!label.ok) return label;
  const date = command.date ?? dayOf(ctx.now);
  if (!validDay(date)) return fail('BAD_DATE');
  const session: WorkshopSession = {
    id: ctx.newId(),
    label: label.value,
    date,
    startedAt: ctx.now,
    attendance: [],
  };
  return ok({ events: [{ type: 'sessionStarted', session }], reply: { sessionId: session.id } });
};

export const endSession: Handler<'endSession'> = (state, actor, _command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const id = ws.value.currentSessionId;
  if (!id) return fail('NO_SESSION');
  return ok({ events: [{ type: 'sessionEnded', sessionId: id, at: ctx.now }] });
};

export const renameSession: Handler<'renameSession'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const sessions = ws.value.sessions ?? {};
  if (!Object.hasOwn(sessions, command.sessionId)) return fail('UNKNOWN_SESSION');
  const label = sessionLabel(command.label);
  if (!label.ok) return label;
  if (!validDay(command.date)) return fail('BAD_DATE');
  const session = sessions[command.sessionId]!;
  if (session.label === label.value && session.date === command.date) return ok({ events: [] });
  return ok({
    events: [
      { type: 'sessionRenamed', sessionId: session.id, label: label.value, date: command.date },
    ],
  });
};

/**
 * Server-only: participants seen connected while the current session runs join its attendance
 * (those already in it, unknown or removed ones are left out; nothing new, no event). The server
 * records it as nobody in particular: no person's role may.
 */
export const recordAttendance: Handler<'recordAttendance'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  if (actor.role !== 'nobody') return fail('NOT_ALLOWED');
  const id = ws.value.currentSessionId;
  if (!id) return fail('NO_SESSION');
  const already = new Set(ws.value.sessions![id]!.attendance);
  const fresh = [...new Set(command.participantIds)].filter(
    (pid) =>
      !already.has(pid) &&
      Object.hasOwn(ws.value.participants, pid) &&
      ws.value.participants[pid]!.removedAt === undefined,
  );
  if (fresh.length === 0) return ok({ events: [] });
  return ok({ events: [{ type: 'attendanceRecorded', sessionId: id, participantIds: fresh }] });
};

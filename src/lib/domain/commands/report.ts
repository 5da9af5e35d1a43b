import { fail, ok } from '../errors';
import { LIMITS, type ReportDetails } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { facilitatorWorkshop } from './guards';

/** Nothing written yet: what a workshop without report details reads as. */
export const EMPTY_REPORT: ReportDetails = {
  presenters: '',
  facilitators: '',
  noteTakers: '',
  otherInfo: [],
  keyMessages: [],
};

/** The report details of a workshop, empty ones when none were written. */
export function reportOf(state: { report?: ReportDetails }): ReportDetails {
  return state.report ?? EMPTY_REPORT;
}

const PEOPLE = ['presenters', 'facilitators', 'noteTakers'] as const;
const LISTS = ['otherInfo', 'keyMessages'] as const;

/**
 * Whoever runs the room writes the report's own parts: who presented, facilitated and took
 * notes (one line each), "other relevant information" and the key messages to share (lists of
 * one-line items, as the console edits them one per line; empty items are dropped). Only the
 * fields given change; the whole is refused if one is wrong.
 */
export const setReportDetails: Handler<'setReportDetails'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const before = reportOf(ws.value);
  const next: ReportDetails = { ...before };
  for (const field of PEOPLE) {
    const given = command[field];
    if (given === undefined) continue;
    const line = cleanLine(given, LIMITS.reportPeopleLength, true);
    if (!line.ok) return line;
    next[field] = line.value;
  }
  for (const field of LISTS) {
    const given = command[field];
    if (given === undefined) continue;
    const items: string[] = [];
    for (const raw of given) {
      const item = cleanLine(raw, LIMITS.reportItemLength, true);
      if (!item.ok) return item;
      if (item.value !== '') items.push(item.value);
    }
    if (items.length > LIMITS.reportListItems) return fail('TOO_MANY_REPORT_ITEMS');
    next[field] = items;
  }
  const same =
    PEOPLE.every((f) => next[f] === before[f]) &&
    LISTS.every(
      (f) => next[f].length === before[f].length && next[f].every((x, i) => x === before[f][i]),
    );
  if (same) return ok({ events: [] });
  return ok({ events: [{ type: 'reportDetailsSet', report: next }] });
};

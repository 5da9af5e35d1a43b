import type { Workshop, WorkshopEvent } from '../../src/lib/domain/index';
import type { Mark, SenderMarks } from './marks';

/** One acknowledged command: its events, who sent it, its op id and the answer it got. */
export interface LogRecord {
  op: string;
  /** Who sent it (role or participant id): op ids are unique per sender. */
  actor: string;
  at: number;
  events: WorkshopEvent[];
  reply: Record<string, string>;
}

/** A workshop as loaded at start-up, with the answers to its recent commands. */
export interface LoadedWorkshop {
  state: Workshop;
  /** `${actor}:${op}` → reply, oldest first, so a retried command gets its first answer back. */
  acks: Array<[string, Record<string, string>]>;
  /** High-water marks of sequenced op ids, so a resend older than `acks` still applies once. */
  marks?: Mark[];
  /** When its last command was stored (for the retention period). */
  lastActivityAt: number;
}

/** How the op ids of commands the server makes itself begin (see WorkshopRoom.record). */
export const SERVER_OP = 'srv-';

/** How many answers a workshop remembers for retried op ids. */
export const REMEMBERED_ACKS = 5000;

/** A log is compacted into its snapshot once it holds this many bytes (COMPACT_BYTES). */
export const DEFAULT_COMPACT_BYTES = 4 * 1024 * 1024;

/**
 * A log is also compacted once it holds more than this many records (COMPACT_RECORDS): start-up
 * replays the log record by record, and a room of small notes stays far under COMPACT_BYTES. At
 * the caps (5,000 notes) a replayed note costs a few milliseconds (the notes are copied). Each
 * compaction serialises the whole state on the event loop, though, which shows in the p99 of the
 * acks around it: in the bench at the caps, 500 gave both the faster restart (0.64–0.76 s from
 * process start to a replica served, against 0.82–1.1 s with 100) and the lower p99s.
 */
export const DEFAULT_COMPACT_RECORDS = 500;

/**
 * Where workshops live. A record is durable once `append` resolves: the transport acknowledges a
 * command only then. Every implementation passes the contract suite in tests/integration.
 */
export interface WorkshopStore {
  /** Every stored workshop, rebuilt from what is on record. */
  loadAll(): Promise<LoadedWorkshop[]>;
  /**
   * Store a command's events for a workshop (the first record creates it). `after`, when given,
   * is the state those events lead to from the previous record's (the caller decided it): a
   * store that keeps a state may take it rather than apply the events again.
   */
  append(workshopId: string, record: LogRecord, after?: Workshop): Promise<void>;
  /** One stored workshop, rebuilt from what is on record; null when there is none. */
  load(workshopId: string): Promise<LoadedWorkshop | null>;
  /**
   * Let go of what is held in memory for a workshop nobody uses now (its records stay, and
   * `load` brings it back). The caller appends nothing to it meanwhile.
   */
  release(workshopId: string): Promise<void>;
  /** Forget a workshop for good: every record, snapshot and index entry of it. */
  erase(workshopId: string): Promise<void>;
  close(): Promise<void>;
}

/** Replay records onto a state, collecting the answers and marks; shared by every store. */
export function replay(
  state: Workshop | null,
  records: Iterable<LogRecord>,
  acks: Array<[string, Record<string, string>]>,
  applyEvents: (state: Workshop | null, events: WorkshopEvent[]) => Workshop | null,
  marks?: SenderMarks,
): Workshop | null {
  for (const record of records) {
    state = applyEvents(state, record.events);
    // Commands the server made (a keystroke in the vision room) have no client to answer again:
    // remembering them would push out the answers clients may still ask for.
    if (!record.op.startsWith(SERVER_OP)) acks.push([`${record.actor}:${record.op}`, record.reply]);
    marks?.note(record.actor, record.op);
  }
  if (acks.length > REMEMBERED_ACKS) acks.splice(0, acks.length - REMEMBERED_ACKS);
  return state;
}

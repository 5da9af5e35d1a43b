import type { Workshop, WorkshopEvent } from '../../src/lib/domain/index';

/** One command's worth of events, with the op id that produced it. */
export interface LogRecord {
  op: string;
  at: number;
  events: WorkshopEvent[];
}

/**
 * Where workshops live. A record is durable once `append` resolves: the transport acknowledges a
 * command only then. Every implementation must pass the contract suite in tests/integration.
 */
export interface WorkshopStore {
  /** Every stored workshop, rebuilt from what is on record. */
  loadAll(): Promise<Workshop[]>;
  /** Store a command's events for a workshop (the first record creates it). */
  append(workshopId: string, record: LogRecord): Promise<void>;
  close(): Promise<void>;
}

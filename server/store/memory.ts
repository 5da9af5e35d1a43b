import { apply, type Workshop } from '../../src/lib/domain/index';
import type { LogRecord, WorkshopStore } from './types';

/** Keeps every record in memory: for tests and for trying cocrea out. Nothing survives a restart. */
export class MemoryStore implements WorkshopStore {
  readonly #logs = new Map<string, LogRecord[]>();

  async loadAll(): Promise<Workshop[]> {
    const workshops: Workshop[] = [];
    for (const records of this.#logs.values()) {
      let state: Workshop | null = null;
      for (const record of records) for (const event of record.events) state = apply(state, event);
      if (state) workshops.push(state);
    }
    return workshops;
  }

  async append(workshopId: string, record: LogRecord): Promise<void> {
    const log = this.#logs.get(workshopId) ?? [];
    log.push(structuredClone(record));
    this.#logs.set(workshopId, log);
  }

  async close(): Promise<void> {}
}

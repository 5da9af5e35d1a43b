import { apply } from '../../src/lib/domain/index';
import { SenderMarks } from './marks';
import { replay, type LoadedWorkshop, type LogRecord, type WorkshopStore } from './types';

/** Keeps every record in memory: for tests and for trying cocrea out. Nothing survives a restart. */
export class MemoryStore implements WorkshopStore {
  readonly #logs = new Map<string, LogRecord[]>();

  async loadAll(): Promise<LoadedWorkshop[]> {
    const loaded: LoadedWorkshop[] = [];
    for (const records of this.#logs.values()) {
      const acks: LoadedWorkshop['acks'] = [];
      const marks = new SenderMarks();
      const state = replay(null, records, acks, apply, marks);
      const lastActivityAt = Math.max(...records.map((r) => r.at));
      if (state) loaded.push({ state, acks, marks: marks.list(), lastActivityAt });
    }
    return loaded;
  }

  async append(workshopId: string, record: LogRecord): Promise<void> {
    const log = this.#logs.get(workshopId) ?? [];
    log.push(structuredClone(record));
    this.#logs.set(workshopId, log);
  }

  async erase(workshopId: string): Promise<void> {
    this.#logs.delete(workshopId);
  }

  async close(): Promise<void> {}
}

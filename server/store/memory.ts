import { replayer } from '../../src/lib/domain/index';
import { SenderMarks } from './marks';
import { replay, type LoadedWorkshop, type LogRecord, type WorkshopStore } from './types';

/** Keeps every record in memory: for tests and for trying cocrea out. Nothing survives a restart. */
export class MemoryStore implements WorkshopStore {
  readonly #logs = new Map<string, LogRecord[]>();

  async loadAll(): Promise<LoadedWorkshop[]> {
    const loaded: LoadedWorkshop[] = [];
    for (const id of this.#logs.keys()) {
      const workshop = await this.load(id);
      if (workshop) loaded.push(workshop);
    }
    return loaded;
  }

  async load(workshopId: string): Promise<LoadedWorkshop | null> {
    const records = this.#logs.get(workshopId);
    if (!records) return null;
    const acks: LoadedWorkshop['acks'] = [];
    const marks = new SenderMarks();
    const state = replay(null, records, acks, replayer(), marks);
    const lastActivityAt = Math.max(...records.map((r) => r.at));
    return state ? { state, acks, marks: marks.list(), lastActivityAt } : null;
  }

  async release(): Promise<void> {}

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

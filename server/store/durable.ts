import { existsSync } from 'node:fs';
import { mkdir, open as openFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { apply, type Workshop } from '../../src/lib/domain/index';
import { AppendLog } from './appendLog';
import { DurableJSONFile } from './durableJsonFile';
import {
  REMEMBERED_ACKS,
  replay,
  type LoadedWorkshop,
  type LogRecord,
  type WorkshopStore,
} from './types';

interface IndexData {
  version: 1;
  workshops: Array<{ id: string; createdAt: number }>;
}

interface SnapshotData {
  version: 1;
  /** The last log sequence number the snapshot includes. */
  seq: number;
  state: Workshop | null;
  acks: Array<[string, Record<string, string>]>;
  /** When the last command it includes was stored (absent in older snapshots). */
  lastAt?: number;
}

type StoredRecord = LogRecord & { seq: number };

interface OpenWorkshop {
  log: AppendLog;
  snapshot: Low<SnapshotData>;
  /** State, answers and sequence number of what is on disk (not of what is queued). */
  state: Workshop | null;
  acks: Array<[string, Record<string, string>]>;
  seq: number;
  /** The last sequence number handed out (queued records included). */
  nextSeq: number;
  /** When the last record on disk was made. */
  lastAt: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Durable storage under DATA_DIR:
 *   index.json                  lowdb: the list of workshops
 *   workshops/<id>/log          append-only records, fdatasync'd with group commit (the ack point)
 *   workshops/<id>/snapshot.json lowdb: the state up to a sequence number
 * A workshop's directory without an index entry (an erase cut short) is removed at start-up.
 * When a log passes `compactBytes`, the state is written to the snapshot (temp file, fsync,
 * rename, fsync dir) and only then is the log emptied. Start-up loads each snapshot and replays
 * the log records that come after it; a torn last record is dropped.
 */
export class DurableStore implements WorkshopStore {
  readonly #workshops = new Map<string, Promise<OpenWorkshop>>();
  #index!: Low<IndexData>;

  private constructor(
    private readonly dataDir: string,
    private readonly compactBytes: number,
  ) {}

  static async open(
    dataDir: string,
    options: { compactBytes?: number } = {},
  ): Promise<DurableStore> {
    const store = new DurableStore(dataDir, options.compactBytes ?? 4 * 1024 * 1024);
    await mkdir(path.join(dataDir, 'workshops'), { recursive: true });
    const indexFile = path.join(dataDir, 'index.json');
    const hadIndex = existsSync(indexFile);
    store.#index = new Low<IndexData>(new DurableJSONFile(indexFile), {
      version: 1,
      workshops: [],
    });
    await store.#index.read();
    // A workshop erased while the server stopped halfway (index entry gone, files not yet):
    // what is not in the index is not kept. Without an index at all, nothing is touched.
    const known = new Set(store.#index.data.workshops.map((w) => w.id));
    for (const entry of hadIndex ? await readdir(path.join(dataDir, 'workshops')) : []) {
      if (!known.has(entry)) await rm(path.join(dataDir, 'workshops', entry), { recursive: true });
    }
    return store;
  }

  async loadAll(): Promise<LoadedWorkshop[]> {
    const loaded: LoadedWorkshop[] = [];
    for (const { id } of this.#index.data.workshops) {
      if (!ID.test(id)) continue;
      const open = await this.#open(id);
      if (open.state) {
        loaded.push({ state: open.state, acks: [...open.acks], lastActivityAt: open.lastAt });
      }
    }
    return loaded;
  }

  async append(workshopId: string, record: LogRecord): Promise<void> {
    if (!ID.test(workshopId)) throw new Error(`invalid workshop id ${workshopId}`);
    if (!this.#workshops.has(workshopId)) {
      await this.#index.update((data) => {
        if (!data.workshops.some((w) => w.id === workshopId)) {
          data.workshops.push({ id: workshopId, createdAt: record.at });
        }
      });
    }
    const open = await this.#open(workshopId);
    const stored: StoredRecord = { ...record, seq: ++open.nextSeq };
    const target = open;
    await open.log.append(stored, () => {
      target.state = replay(target.state, [stored], target.acks, apply);
      target.seq = stored.seq;
      target.lastAt = Math.max(target.lastAt, stored.at);
    });
    if (open.log.size >= this.compactBytes) await this.#compact(open);
  }

  #open(id: string): Promise<OpenWorkshop> {
    let opening = this.#workshops.get(id);
    if (!opening) {
      opening = this.#load(id);
      this.#workshops.set(id, opening);
    }
    return opening;
  }

  async #load(id: string): Promise<OpenWorkshop> {
    const dir = path.join(this.dataDir, 'workshops', id);
    await mkdir(dir, { recursive: true });
    const snapshot = new Low<SnapshotData>(new DurableJSONFile(path.join(dir, 'snapshot.json')), {
      version: 1,
      seq: 0,
      state: null,
      acks: [],
    });
    await snapshot.read();
    const { log, decoded } = await AppendLog.open(path.join(dir, 'log'));
    const acks = [...snapshot.data.acks];
    let seq = snapshot.data.seq;
    // Records already in the snapshot (a crash between snapshot and log cut) are skipped.
    const tail = (decoded.records as StoredRecord[]).filter((r) => r.seq > snapshot.data.seq);
    const state = replay(snapshot.data.state, tail, acks, apply);
    let lastAt = snapshot.data.lastAt ?? snapshot.data.state?.createdAt ?? 0;
    for (const r of tail) {
      seq = Math.max(seq, r.seq);
      lastAt = Math.max(lastAt, r.at);
    }
    return { log, snapshot, state, acks, seq, nextSeq: seq, lastAt };
  }

  async #compact(open: OpenWorkshop): Promise<void> {
    await open.log.exclusive(async () => {
      // Between flushes: the state and seq now cover exactly the records on disk.
      if (open.log.size < this.compactBytes) return;
      open.snapshot.data = {
        version: 1,
        seq: open.seq,
        state: open.state,
        acks: open.acks.slice(-REMEMBERED_ACKS),
        lastAt: open.lastAt,
      };
      await open.snapshot.write();
      await open.log.truncate();
    });
  }

  /**
   * Erase a workshop: its index entry first (so a stop in between never brings it back), then
   * its directory, then the directory entry is made durable.
   */
  async erase(workshopId: string): Promise<void> {
    if (!ID.test(workshopId)) throw new Error(`invalid workshop id ${workshopId}`);
    const opening = this.#workshops.get(workshopId);
    this.#workshops.delete(workshopId);
    if (opening) await (await opening).log.close();
    await this.#index.update((data) => {
      data.workshops = data.workshops.filter((w) => w.id !== workshopId);
    });
    const workshops = path.join(this.dataDir, 'workshops');
    await rm(path.join(workshops, workshopId), { recursive: true, force: true });
    const dir = await openFile(workshops, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async close(): Promise<void> {
    for (const opening of this.#workshops.values()) await (await opening).log.close();
    this.#workshops.clear();
  }
}

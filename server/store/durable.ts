import { existsSync } from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { replayer, type Workshop } from '../../src/lib/domain/index';
import { log } from '../log';
import { AppendLog } from './appendLog';
import { DurableJSONFile } from './durableJsonFile';
import { nodeFs, syncDir, type FsOps } from './fsOps';
import { SenderMarks, type Mark } from './marks';
import {
  DEFAULT_COMPACT_BYTES,
  DEFAULT_COMPACT_RECORDS,
  REMEMBERED_ACKS,
  replay,
  type LoadedWorkshop,
  type LogRecord,
  type WorkshopStore,
} from './types';

export interface IndexData {
  version: 1;
  workshops: Array<{ id: string; createdAt: number }>;
}

export interface SnapshotData {
  version: 1;
  /** The last log sequence number the snapshot includes. */
  seq: number;
  state: Workshop | null;
  acks: Array<[string, Record<string, string>]>;
  /** High-water marks of sequenced op ids (absent in older snapshots). */
  marks?: Mark[];
  /** When the last command it includes was stored (absent in older snapshots). */
  lastAt?: number;
}

export type StoredRecord = LogRecord & { seq: number };

/** What a workshop without a snapshot starts from. */
export const EMPTY_SNAPSHOT: SnapshotData = { version: 1, seq: 0, state: null, acks: [] };

/**
 * A workshop as its snapshot and the log records after it give it: start-up and the backup's
 * check (which reads a copy, read-only) rebuild it the same way. Records the snapshot already
 * holds (a crash between snapshot and log cut) are skipped.
 */
export function rebuildWorkshop(snapshot: SnapshotData, records: StoredRecord[]) {
  const acks = [...snapshot.acks];
  const marks = new SenderMarks(snapshot.marks ?? []);
  const tail = records.filter((r) => r.seq > snapshot.seq);
  // Nobody sees the states between the snapshot and the end of the log: notes are not copied.
  const state = replay(snapshot.state, tail, acks, replayer(), marks);
  let seq = snapshot.seq;
  let lastAt = snapshot.lastAt ?? snapshot.state?.createdAt ?? 0;
  for (const r of tail) {
    seq = Math.max(seq, r.seq);
    lastAt = Math.max(lastAt, r.at);
  }
  return { state, acks, marks, seq, lastAt, replayed: tail.length };
}

interface OpenWorkshop {
  log: AppendLog;
  snapshot: Low<SnapshotData>;
  /** State, answers, marks and sequence number of what is on disk (not of what is queued). */
  state: Workshop | null;
  acks: Array<[string, Record<string, string>]>;
  marks: SenderMarks;
  seq: number;
  /** The last sequence number handed out (queued records included). */
  nextSeq: number;
  /** When the last record on disk was made. */
  lastAt: number;
  /** How many records the log file holds (queued ones not included). */
  records: number;
  /** The compaction under way; after a failed one it stays set, so none is tried again. */
  compacting: Promise<void> | null;
}

export interface DurableStoreOptions {
  /** Compact a workshop's log into its snapshot once the log holds this many bytes. */
  compactBytes?: number;
  /**
   * Compact it too once it holds more than this many records, and right after a start-up that
   * replayed more: the next start then reads a snapshot instead of replaying every command.
   */
  compactRecords?: number;
  /**
   * A compaction (which runs in the background, after acks) failed. The default prints the
   * error and stops the process, as a failed append does.
   */
  onFatal?: (error: unknown) => void;
  /** The file-system calls (tests inject failures). */
  fs?: FsOps;
}

/** A workshop id as the store takes it (a directory name under workshops/). */
export const WORKSHOP_ID = /^[A-Za-z0-9_-]{1,64}$/;

function stopOnFailedCompaction(error: unknown): void {
  log().fatal(
    { err: error },
    'compacting a workshop log failed; stopping, since the disk can no longer be trusted',
  );
  process.exit(1);
}

/**
 * Durable storage under DATA_DIR:
 *   index.json                  lowdb: the list of workshops
 *   workshops/<id>/log          append-only records, fdatasync'd with group commit (the ack point)
 *   workshops/<id>/snapshot.json lowdb: the state up to a sequence number
 * A workshop's directory without an index entry (an erase cut short) is removed at start-up.
 *
 * When a log passes `compactBytes` or `compactRecords` records (or a start-up replayed more than
 * `compactRecords`), a compaction starts in the background: between two flushes
 * it takes the state of what is on disk; while appends go on, it writes that to the snapshot
 * (temp file, fsync, rename, fsync dir); then, between two flushes again, it drops the part of
 * the log the snapshot holds. Start-up loads each snapshot and replays the log records after it;
 * a torn last record is dropped, damage before the end stops the start.
 */
export class DurableStore implements WorkshopStore {
  readonly #workshops = new Map<string, Promise<OpenWorkshop>>();
  #index!: Low<IndexData>;

  private constructor(
    private readonly dataDir: string,
    private readonly compactBytes: number,
    private readonly compactRecords: number,
    private readonly onFatal: (error: unknown) => void,
    private readonly fs: FsOps,
  ) {}

  static async open(dataDir: string, options: DurableStoreOptions = {}): Promise<DurableStore> {
    const fs = options.fs ?? nodeFs;
    const store = new DurableStore(
      dataDir,
      options.compactBytes ?? DEFAULT_COMPACT_BYTES,
      options.compactRecords ?? DEFAULT_COMPACT_RECORDS,
      options.onFatal ?? stopOnFailedCompaction,
      fs,
    );
    await fs.mkdirp(path.join(dataDir, 'workshops'));
    const indexFile = path.join(dataDir, 'index.json');
    const hadIndex = existsSync(indexFile);
    store.#index = new Low<IndexData>(new DurableJSONFile(indexFile, fs), {
      version: 1,
      workshops: [],
    });
    await store.#removeTemps(dataDir);
    await store.#index.read();
    // A workshop erased while the server stopped halfway (index entry gone, files not yet):
    // what is not in the index is not kept. Without an index at all, nothing is touched.
    const known = new Set(store.#index.data.workshops.map((w) => w.id));
    for (const entry of hadIndex ? await fs.readdir(path.join(dataDir, 'workshops')) : []) {
      if (!known.has(entry)) await fs.remove(path.join(dataDir, 'workshops', entry));
    }
    return store;
  }

  async loadAll(): Promise<LoadedWorkshop[]> {
    const loaded: LoadedWorkshop[] = [];
    for (const { id } of this.#index.data.workshops) {
      const workshop = await this.load(id);
      if (workshop) loaded.push(workshop);
    }
    return loaded;
  }

  async load(workshopId: string): Promise<LoadedWorkshop | null> {
    if (!WORKSHOP_ID.test(workshopId)) return null;
    if (!this.#index.data.workshops.some((w) => w.id === workshopId)) return null;
    const open = await this.#open(workshopId);
    if (!open.state) return null;
    return {
      state: open.state,
      acks: [...open.acks],
      marks: open.marks.list(),
      lastActivityAt: open.lastAt,
    };
  }

  async release(workshopId: string): Promise<void> {
    const opening = this.#workshops.get(workshopId);
    if (!opening) return;
    this.#workshops.delete(workshopId);
    await this.#closeWorkshop(await opening);
  }

  /** Resolves once the record is durable; a compaction it triggers is not waited for. */
  async append(workshopId: string, record: LogRecord, after?: Workshop): Promise<void> {
    if (!WORKSHOP_ID.test(workshopId)) throw new Error(`invalid workshop id ${workshopId}`);
    if (!this.#workshops.has(workshopId)) {
      await this.#index.update((data) => {
        if (!data.workshops.some((w) => w.id === workshopId)) {
          data.workshops.push({ id: workshopId, createdAt: record.at });
        }
      });
    }
    const open = await this.#open(workshopId);
    const stored: StoredRecord = { ...record, seq: ++open.nextSeq };
    // The room's state after the record is what applying its events gives: taking it spares a
    // second copy of the workshop per command (a note added copies every note).
    const next = after === undefined ? replayer() : () => after;
    await open.log.append(stored, () => {
      open.state = replay(open.state, [stored], open.acks, next, open.marks);
      open.seq = stored.seq;
      open.lastAt = Math.max(open.lastAt, stored.at);
      open.records++;
    });
    if (open.log.size >= this.compactBytes || open.records > this.compactRecords) {
      this.#startCompaction(open);
    }
  }

  /** In the background; a failure is fatal. */
  #startCompaction(open: OpenWorkshop): void {
    if (open.compacting) return;
    open.compacting = this.#compact(open).then(
      () => {
        open.compacting = null;
      },
      (error: unknown) => this.onFatal(error),
    );
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
    await this.fs.mkdirp(dir);
    await this.#removeTemps(dir);
    const snapshot = new Low<SnapshotData>(
      new DurableJSONFile(path.join(dir, 'snapshot.json'), this.fs),
      { ...EMPTY_SNAPSHOT },
    );
    await snapshot.read();
    const { log, decoded } = await AppendLog.open(path.join(dir, 'log'), this.fs);
    const { state, acks, marks, seq, lastAt, replayed } = rebuildWorkshop(
      snapshot.data,
      decoded.records as StoredRecord[],
    );
    const open: OpenWorkshop = {
      log,
      snapshot,
      state,
      acks,
      marks,
      seq,
      nextSeq: seq,
      lastAt,
      records: decoded.records.length,
      compacting: null,
    };
    // A long log (written under an older threshold, or by a server stopped before compacting)
    // is compacted now, in the background, so that the next start does not replay it again.
    if (replayed > this.compactRecords) this.#startCompaction(open);
    return open;
  }

  /** Temp files a crash left behind (their names are never reused, so nothing else goes). */
  async #removeTemps(dir: string): Promise<void> {
    for (const entry of await this.fs.readdir(dir)) {
      if (entry.endsWith('.tmp')) await this.fs.remove(path.join(dir, entry));
    }
  }

  async #compact(open: OpenWorkshop): Promise<void> {
    // Between flushes: the state, answers and marks cover exactly the log's bytes on disk.
    const cut = await open.log.exclusive(async () => ({
      bytes: open.log.size,
      records: open.records,
      data: {
        version: 1 as const,
        seq: open.seq,
        state: open.state,
        acks: open.acks.slice(-REMEMBERED_ACKS),
        marks: open.marks.list(),
        lastAt: open.lastAt,
      },
    }));
    // Appends go on meanwhile: the state is never mutated, later records only replace it.
    open.snapshot.data = cut.data;
    await open.snapshot.write();
    // Only once the snapshot is durable may the log forget what it holds.
    await open.log.exclusive(async () => {
      await open.log.dropPrefix(cut.bytes);
      open.records -= cut.records;
    });
  }

  /**
   * Erase a workshop: its index entry first (so a stop in between never brings it back), then
   * its directory, then the directory entry is made durable.
   */
  async erase(workshopId: string): Promise<void> {
    if (!WORKSHOP_ID.test(workshopId)) throw new Error(`invalid workshop id ${workshopId}`);
    const opening = this.#workshops.get(workshopId);
    this.#workshops.delete(workshopId);
    if (opening) await this.#closeWorkshop(await opening);
    await this.#index.update((data) => {
      data.workshops = data.workshops.filter((w) => w.id !== workshopId);
    });
    const workshops = path.join(this.dataDir, 'workshops');
    await this.fs.remove(path.join(workshops, workshopId));
    await syncDir(this.fs, workshops);
  }

  /** Let a compaction under way finish, then close the log. */
  async #closeWorkshop(open: OpenWorkshop): Promise<void> {
    await open.compacting;
    await open.log.close();
  }

  async close(): Promise<void> {
    for (const opening of this.#workshops.values()) await this.#closeWorkshop(await opening);
    this.#workshops.clear();
  }
}

import { chmod, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  EMPTY_SNAPSHOT,
  rebuildWorkshop,
  type IndexData,
  type SnapshotData,
  type StoredRecord,
  WORKSHOP_ID,
} from './store/durable';
import { nodeFs, syncDir, writeAll } from './store/fsOps';
import {
  CURRENT_FORMAT_VERSION,
  DataFormatError,
  decideFormat,
  exists,
  MIGRATIONS,
  readFormat,
  writeFormat,
} from './store/format';
import { DamagedLogError, decodeRecords } from './store/logCodec';
import { log } from './log';

/*
 * Backup, restore and the start-up upgrade of a data directory (see the README, "Operating
 * cocrea"). A backup is itself a data directory (format.json, index.json, workshops/<id>/), made
 * by reading DATA_DIR while the server runs and writes to it:
 *
 * - Each workshop's log is read before its snapshot. A compaction writes the snapshot before it
 *   cuts the log, so a snapshot read later holds at least everything an earlier-read log dropped:
 *   the two always join up. The sequence numbers check it anyway (the log's first record must
 *   come at most one after the snapshot's last): a gap is retried, then fails the backup.
 * - A torn last record (being written as the log was read) was not acknowledged yet: it is left
 *   out, as start-up does. Damage before the end fails the backup.
 * - The index is read at the start: workshops created later are not in the backup, workshops
 *   deleted meanwhile are left out of it.
 * - Every file is fsync'd, then the copy is checked on its own (each workshop rebuilt with the
 *   store's code, read-only) before the backup says it is done.
 */

/** One workshop as a backup, a restore or a check saw it. */
export interface WorkshopReport {
  id: string;
  /** The last record sequence number it holds. */
  seq: number;
  /** Records in its log (the rest is in its snapshot). */
  logRecords: number;
  notes: number;
  participants: number;
  bytes: number;
}

export interface DataDirReport {
  version: number;
  workshops: WorkshopReport[];
}

/** A backup, restore or check that cannot go on: one message, for a person. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** A workshop whose files do not (yet) join up into a workshop. */
class WorkshopProblem extends Error {
  constructor(
    message: string,
    /** Where its log is damaged (before its end), if that is the problem. */
    readonly damagedAt?: number,
  ) {
    super(message);
  }
}

/**
 * Do a snapshot ending at `snapshotSeq` and a log holding records `seqs` join up? The log may
 * still hold records the snapshot has (a crash between snapshot and log cut); it must not start
 * after the record following the snapshot's last, and its numbers only go up. Null: they do.
 */
export function checkContinuity(snapshotSeq: number, seqs: readonly number[]): string | null {
  let previous = -Infinity;
  for (const [i, seq] of seqs.entries()) {
    if (!Number.isSafeInteger(seq) || seq < 1) return `record ${i} has no valid sequence number`;
    if (seq <= previous) return `record ${seq} follows record ${previous}: out of order`;
    previous = seq;
  }
  const first = seqs[0];
  if (first !== undefined && first > snapshotSeq + 1) {
    const missing = first === snapshotSeq + 2 ? `${first - 1}` : `${snapshotSeq + 1}–${first - 1}`;
    return `the snapshot ends at record ${snapshotSeq} and the log starts at record ${first}: record ${missing} missing`;
  }
  return null;
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

interface WorkshopFiles {
  snapshot: Buffer | null;
  /** The log's whole records (a torn tail left out). */
  log: Buffer;
  torn: boolean;
  report: WorkshopReport;
}

/** Test hooks: run between reading a workshop's log and its snapshot. */
export interface BackupHooks {
  betweenReads?: (workshopId: string, attempt: number) => Promise<void>;
}

/**
 * Read one workshop's files (log first, then snapshot) and rebuild it with the store's code;
 * null when neither file is there.
 */
async function readWorkshop(
  dataDir: string,
  id: string,
  attempt = 0,
  hooks: BackupHooks = {},
): Promise<WorkshopFiles | null> {
  const dir = path.join(dataDir, 'workshops', id);
  const log = await readOrNull(path.join(dir, 'log'));
  await hooks.betweenReads?.(id, attempt);
  const snapshotBytes = await readOrNull(path.join(dir, 'snapshot.json'));
  if (log === null && snapshotBytes === null) return null;
  const decoded = decodeRecords(log ?? Buffer.alloc(0));
  if (decoded.damagedAt !== null) {
    throw new WorkshopProblem(`its log is damaged at byte ${decoded.damagedAt}`, decoded.damagedAt);
  }
  let snapshot: SnapshotData = EMPTY_SNAPSHOT;
  if (snapshotBytes) {
    try {
      snapshot = JSON.parse(snapshotBytes.toString('utf8')) as SnapshotData;
    } catch {
      throw new WorkshopProblem('its snapshot.json is not JSON');
    }
    if (!Number.isSafeInteger(snapshot?.seq) || !Array.isArray(snapshot.acks)) {
      throw new WorkshopProblem('its snapshot.json is not a workshop snapshot');
    }
  }
  const records = decoded.records as StoredRecord[];
  const gap = checkContinuity(
    snapshot.seq,
    records.map((r) => r.seq),
  );
  if (gap) throw new WorkshopProblem(gap);
  let rebuilt;
  try {
    rebuilt = rebuildWorkshop(snapshot, records);
  } catch (error) {
    throw new WorkshopProblem(`its records do not replay (${(error as Error).message})`);
  }
  if (!rebuilt.state) throw new WorkshopProblem('its records hold no workshop');
  if (rebuilt.state.id !== id) {
    throw new WorkshopProblem(`its records are those of workshop ${rebuilt.state.id}`);
  }
  const logBytes = (log ?? Buffer.alloc(0)).subarray(0, decoded.validBytes);
  return {
    snapshot: snapshotBytes,
    log: logBytes,
    torn: decoded.torn,
    report: {
      id,
      seq: rebuilt.seq,
      logRecords: records.length,
      notes: Object.keys(rebuilt.state.notes).length,
      participants: Object.keys(rebuilt.state.participants).length,
      bytes: logBytes.length + (snapshotBytes?.length ?? 0),
    },
  };
}

async function readIndex(dataDir: string): Promise<IndexData> {
  const bytes = await readOrNull(path.join(dataDir, 'index.json'));
  if (bytes === null) return { version: 1, workshops: [] };
  let index: IndexData;
  try {
    index = JSON.parse(bytes.toString('utf8')) as IndexData;
  } catch {
    throw new BackupError(`${path.join(dataDir, 'index.json')} is not JSON`);
  }
  if (!Array.isArray(index?.workshops)) {
    throw new BackupError(`${path.join(dataDir, 'index.json')} is not a workshop index`);
  }
  return index;
}

/** Write a file (mode 0600) and fsync it; it must not exist yet. */
async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await writeAll(handle, bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A directory to fill: created (0700), or already there and empty; `advice` follows a refusal. */
async function emptyDirectory(
  dir: string,
  what: string,
  advice = 'give an empty or new directory',
): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new BackupError(`${what} ${dir} is a file, not a directory`);
    if (code !== 'ENOENT') throw error;
  }
  if (entries.length > 0) {
    throw new BackupError(`${what} ${dir} is not empty (${entries.length} entries): ${advice}`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Write one workshop's files into a data directory being filled. */
async function writeWorkshop(dest: string, id: string, files: WorkshopFiles): Promise<void> {
  const dir = path.join(dest, 'workshops', id);
  await mkdir(dir, { mode: 0o700 });
  if (files.snapshot) await writeDurably(path.join(dir, 'snapshot.json'), files.snapshot);
  await writeDurably(path.join(dir, 'log'), files.log);
  await syncDir(nodeFs, dir);
}

/** The index and the format file, last, then every directory entry made durable. */
async function finish(dest: string, index: IndexData, version: number): Promise<void> {
  await writeDurably(path.join(dest, 'index.json'), Buffer.from(JSON.stringify(index), 'utf8'));
  await syncDir(nodeFs, path.join(dest, 'workshops'));
  // Created 0600 like every file of the store (nodeFs), so the backup's modes hold already.
  await writeFormat(dest, version);
  await syncDir(nodeFs, dest);
}

function formatLine(r: WorkshopReport, status = 'ok'): string {
  return (
    `  ${r.id}  ${status}  ${r.seq} records (${r.logRecords} in the log)  ` +
    `${r.notes} notes  ${r.participants} participants  ${(r.bytes / 1024).toFixed(1)} KB`
  );
}

/**
 * The version of a data directory that holds cocrea data this release can read: what start-up
 * refuses (decideFormat: a newer version, a format file not ours) a backup, restore or check
 * refuses too, with the same words.
 */
async function readableVersion(dataDir: string, what: string): Promise<number> {
  const decision = decideFormat(await readFormat(dataDir));
  if (decision.kind === 'new') throw new BackupError(`${what} ${dataDir} holds no cocrea data`);
  if (decision.kind === 'refuse') throw new BackupError(`${what} ${dataDir}: ${decision.message}`);
  return decision.kind === 'migrate' ? decision.from : CURRENT_FORMAT_VERSION;
}

/**
 * Check a data directory on its own, read-only: every workshop of its index rebuilds with the
 * store's code, nothing is torn, nothing is missing. Throws a BackupError naming each problem.
 */
export async function verifyDataDir(dir: string): Promise<DataDirReport> {
  const version = await readableVersion(dir, 'the directory');
  const index = await readIndex(dir);
  const problems: string[] = [];
  const workshops: WorkshopReport[] = [];
  for (const { id } of index.workshops) {
    if (!WORKSHOP_ID.test(id)) {
      problems.push(`the index names an invalid workshop id ${JSON.stringify(id)}`);
      continue;
    }
    try {
      const files = await readWorkshop(dir, id);
      if (!files) problems.push(`workshop ${id}: its files are missing`);
      else if (files.torn) problems.push(`workshop ${id}: its log ends in a torn record`);
      else workshops.push(files.report);
    } catch (error) {
      if (!(error instanceof WorkshopProblem)) throw error;
      problems.push(`workshop ${id}: ${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new BackupError(`${dir} does not verify:\n  ${problems.join('\n  ')}`);
  }
  return { version, workshops };
}

export interface BackupOptions {
  log?: (line: string) => void;
  hooks?: BackupHooks;
  /** How many times a workshop whose files did not join up is read again. */
  retries?: number;
}

/**
 * Copy every workshop of `dataDir` into `dest` (empty or new), consistently, while a server may
 * be writing; verify the copy. Returns what the copy holds.
 */
export async function backupDataDir(
  dataDir: string,
  dest: string,
  options: BackupOptions = {},
): Promise<DataDirReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const retries = options.retries ?? 5;
  const started = Date.now();
  dataDir = path.resolve(dataDir);
  dest = path.resolve(dest);
  if (dest === dataDir) throw new BackupError('the backup cannot go into DATA_DIR itself');
  const version = await readableVersion(dataDir, 'DATA_DIR');
  const index = await readIndex(dataDir);
  await emptyDirectory(dest, 'the backup directory');
  // The directory was empty: a failed backup leaves it so (no half copy to mistake for one).
  return await undoOnFailure(dest, () =>
    copyAll(dataDir, dest, version, index, log, retries, options.hooks, started),
  );
}

async function listed(dataDir: string, id: string): Promise<boolean> {
  return (await readIndex(dataDir)).workshops.some((w) => w.id === id);
}

/** Run `fill` on an empty directory; if it fails, empty the directory again. */
async function undoOnFailure<T>(dir: string, fill: () => Promise<T>): Promise<T> {
  try {
    return await fill();
  } catch (error) {
    for (const entry of await readdir(dir).catch(() => [])) {
      await rm(path.join(dir, entry), { recursive: true, force: true });
    }
    throw error;
  }
}

async function copyAll(
  dataDir: string,
  dest: string,
  version: number,
  index: IndexData,
  log: (line: string) => void,
  retries: number,
  hooks: BackupHooks | undefined,
  started: number,
): Promise<DataDirReport> {
  await mkdir(path.join(dest, 'workshops'), { mode: 0o700 });
  const copied: WorkshopReport[] = [];
  const kept: IndexData['workshops'] = [];
  for (const entry of index.workshops) {
    if (!WORKSHOP_ID.test(entry.id)) {
      throw new BackupError(`the index names an invalid workshop id`);
    }
    let files: WorkshopFiles | null = null;
    let problem: WorkshopProblem | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        files = await readWorkshop(dataDir, entry.id, attempt, hooks);
        problem = null;
        break;
      } catch (error) {
        if (!(error instanceof WorkshopProblem)) throw error;
        problem = error;
        await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
      }
    }
    // Files gone or not joining up: deleted meanwhile, perhaps (the index says). One read fine
    // and deleted later is left out at the end: the index is not read again for every workshop.
    if ((problem || !files) && !(await listed(dataDir, entry.id))) {
      log(`  ${entry.id}  deleted during the backup: left out`);
      continue;
    }
    if (problem?.damagedAt !== undefined) {
      // What start-up says of it too: which file, where, and what to do.
      throw new DamagedLogError(
        path.join(dataDir, 'workshops', entry.id, 'log'),
        problem.damagedAt,
      );
    }
    if (problem) throw new BackupError(`workshop ${entry.id}: ${problem.message}`);
    if (!files) {
      // Listed but nothing written yet (its first command is on its way): as start-up, no
      // workshop.
      log(`  ${entry.id}  no records yet: left out`);
      continue;
    }
    await writeWorkshop(dest, entry.id, files);
    copied.push(files.report);
    kept.push(entry);
    log(formatLine(files.report, files.torn ? 'ok (a torn last record left out)' : 'ok'));
  }
  // Deleted after its copy: left out too, so the backup does not bring it back.
  const last = new Set((await readIndex(dataDir)).workshops.map((w) => w.id));
  for (const entry of kept.filter((w) => !last.has(w.id))) {
    await rm(path.join(dest, 'workshops', entry.id), { recursive: true, force: true });
    log(`  ${entry.id}  deleted during the backup: left out`);
  }
  const final = kept.filter((w) => last.has(w.id));
  const first = new Set(index.workshops.map((w) => w.id));
  const created = [...last].filter((id) => !first.has(id)).length;
  await finish(dest, { version: 1, workshops: final }, version);
  const verified = await verifyDataDir(dest);
  const expected = copied.filter((c) => last.has(c.id));
  for (const report of expected) {
    const found = verified.workshops.find((w) => w.id === report.id);
    if (!found || found.seq !== report.seq || found.notes !== report.notes) {
      throw new BackupError(`workshop ${report.id}: the copy does not hold what was read`);
    }
  }
  const records = verified.workshops.reduce((sum, w) => sum + w.seq, 0);
  log(
    `backup: ${verified.workshops.length} workshops (${records} records, format version ` +
      `${version}) copied to ${dest}, fsync'd and verified in ${Date.now() - started} ms` +
      (created ? `; ${created} created during the backup are not in it` : ''),
  );
  return verified;
}

/**
 * Restore a backup into an empty DATA_DIR (a running server's DATA_DIR is never empty: it holds
 * at least format.json and workshops/). The backup is verified first, the result after.
 */
export async function restoreDataDir(
  backupDir: string,
  dataDir: string,
  options: { log?: (line: string) => void } = {},
): Promise<DataDirReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  backupDir = path.resolve(backupDir);
  dataDir = path.resolve(dataDir);
  let report: DataDirReport;
  try {
    report = await verifyDataDir(backupDir);
  } catch (error) {
    if (error instanceof BackupError) {
      throw new BackupError(`nothing restored: the backup ${error.message}`);
    }
    throw error;
  }
  try {
    await emptyDirectory(
      dataDir,
      'DATA_DIR',
      'restore only into an empty directory (stop the server, move its directory aside, then restore)',
    );
  } catch (error) {
    if (error instanceof BackupError) throw new BackupError(`nothing restored: ${error.message}`);
    throw error;
  }
  const restored = await undoOnFailure(dataDir, async () => {
    await mkdir(path.join(dataDir, 'workshops'), { mode: 0o700 });
    const index = await readIndex(backupDir);
    for (const { id } of index.workshops) {
      const files = await readWorkshop(backupDir, id);
      await writeWorkshop(dataDir, id, files!);
    }
    await finish(dataDir, index, report.version);
    return verifyDataDir(dataDir);
  });
  for (const w of restored.workshops) log(formatLine(w));
  log(
    `restore: ${restored.workshops.length} workshops (format version ${restored.version}) ` +
      `restored from ${backupDir} into ${dataDir}, fsync'd and verified`,
  );
  return restored;
}

/**
 * At start, before the store opens: give a new data directory the current format version;
 * migrate an older one after keeping a copy of it (made by the backup code) inside it; refuse
 * a newer one (DataFormatError), touching nothing. Says what it did in one line.
 */
export async function prepareDataDir(
  dataDir: string,
  options: { log?: (line: string, fields: Record<string, unknown>) => void; now?: Date } = {},
): Promise<void> {
  const say = options.log ?? ((line, fields) => log().info(fields, line));
  const decision = decideFormat(await readFormat(dataDir));
  switch (decision.kind) {
    case 'current':
      return;
    case 'refuse':
      throw new DataFormatError(dataDir, decision.message);
    case 'new':
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await chmod(dataDir, 0o700).catch(() => undefined);
      await writeFormat(dataDir, CURRENT_FORMAT_VERSION);
      return;
    case 'migrate': {
      const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
      let keptAt = path.join(dataDir, `pre-upgrade-v${decision.from}-${stamp}`);
      for (let n = 2; await exists(keptAt); n++) {
        keptAt = path.join(dataDir, `pre-upgrade-v${decision.from}-${stamp}-${n}`);
      }
      try {
        await backupDataDir(dataDir, keptAt, { log: () => undefined });
      } catch (error) {
        // Nothing was changed: no half copy stays either. A damaged log is said as start-up says it.
        await rm(keptAt, { recursive: true, force: true });
        if (error instanceof BackupError) {
          throw new DataFormatError(
            dataDir,
            `cannot keep a copy before upgrading it, so it is left as it was: ${error.message}`,
          );
        }
        throw error;
      }
      for (let v = decision.from; v < decision.to; v++) await MIGRATIONS[v]!(dataDir);
      await writeFormat(dataDir, decision.to);
      say(
        `data directory upgraded from format version ${decision.from} to ` +
          `${decision.to}; a copy of it as it was is in ${keptAt}`,
        { dataDir, from: decision.from, to: decision.to, copy: keptAt },
      );
    }
  }
}

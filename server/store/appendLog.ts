import { channel } from 'node:diagnostics_channel';
import path from 'node:path';
import { nodeFs, syncDir, writeAll, type FileOps, type FsOps } from './fsOps';
import { DamagedLogError, decodeRecords, encodeRecord, type DecodedLog } from './logCodec';

interface Pending {
  frame: Buffer;
  /** Runs synchronously once the record is on disk, in log order, before any later flush. */
  onDurable?: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

let temps = 0;

/** Each group commit's timing is published here (the metrics listen; nothing is sent without). */
export const FLUSH_CHANNEL = 'cocrea:store:flush';
export interface FlushTiming {
  /** Write and fdatasync, in seconds. */
  seconds: number;
  records: number;
  bytes: number;
}
const flushed = channel(FLUSH_CHANNEL);

/**
 * An append-only file with group commit: every record appended while a flush is running (or in
 * the same tick) goes out in the next single write + fdatasync, and all of them resolve together.
 * A record's promise resolves only once it is on disk. After a failed write, sync, truncation or
 * rewrite, what the file holds is unknown: every later append is refused.
 */
export class AppendLog {
  #queue: Pending[] = [];
  /** Flushes and exclusive sections run one after another on this chain. */
  #lane: Promise<void> = Promise.resolve();
  #scheduled = false;
  #size: number;
  #failed: { error: unknown } | null = null;
  /** How many write + fdatasync rounds have run (for tests and the benchmark). */
  flushes = 0;

  private constructor(
    private file: FileOps,
    private readonly path: string,
    private readonly fs: FsOps,
    size: number,
  ) {
    this.#size = size;
  }

  /**
   * Open (or create) a log; a torn tail is cut off, since it was never acknowledged. A bad record
   * with valid-looking bytes after it throws a DamagedLogError naming the file and the offset.
   */
  static async open(
    file: string,
    fs: FsOps = nodeFs,
  ): Promise<{ log: AppendLog; decoded: DecodedLog }> {
    const handle = await fs.open(file, 'a+');
    try {
      const decoded = decodeRecords(await handle.readFile());
      if (decoded.damagedAt !== null) throw new DamagedLogError(file, decoded.damagedAt);
      if (decoded.torn) {
        await handle.truncate(decoded.validBytes);
        await handle.datasync();
      }
      return { log: new AppendLog(handle, file, fs, decoded.validBytes), decoded };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get size(): number {
    return this.#size;
  }

  /** Resolves once the record is on disk; `onDurable` runs at that moment, in log order. */
  append(value: unknown, onDurable?: () => void): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed.error);
    const frame = encodeRecord(value);
    return new Promise((resolve, reject) => {
      this.#queue.push({ frame, onDurable, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // Runs after this tick, so every append of the tick (and of a running flush) joins it.
        this.#lane = this.#lane.then(() => this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const data = Buffer.concat(batch.map((p) => p.frame));
    const started = performance.now();
    try {
      if (this.#failed) throw this.#failed.error;
      await this.#guard(async () => {
        await writeAll(this.file, data);
        await this.file.datasync();
      });
    } catch (error) {
      // Best effort: leave on disk only what was acknowledged, so a restart does not bring back
      // a command its sender was told had failed.
      await this.file.truncate(this.#size).catch(() => undefined);
      for (const p of batch) p.reject(error);
      return;
    }
    this.#size += data.length;
    this.flushes++;
    if (flushed.hasSubscribers) {
      const timing: FlushTiming = {
        seconds: (performance.now() - started) / 1000,
        records: batch.length,
        bytes: data.length,
      };
      flushed.publish(timing);
    }
    for (const p of batch) p.onDurable?.();
    for (const p of batch) p.resolve();
  }

  /** Run `fn` between flushes: records appended meanwhile wait for the next flush. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#lane.then(fn);
    this.#lane = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Forget the first `bytes` of the log (records a snapshot now holds); call inside exclusive.
   * All of it: truncate. Part of it: the rest is copied to a temp file that replaces the log
   * (fsync, rename, fsync the directory), so at every moment the file on disk is either the old
   * log or the new one.
   */
  async dropPrefix(bytes: number): Promise<void> {
    if (this.#failed) throw this.#failed.error;
    if (bytes > this.#size) throw new Error(`cannot drop ${bytes} of ${this.#size} bytes`);
    if (bytes === 0) return;
    if (bytes === this.#size) {
      await this.#guard(async () => {
        await this.file.truncate(0);
        await this.file.datasync();
      });
      this.#size = 0;
      return;
    }
    const rest = Buffer.alloc(this.#size - bytes);
    const { bytesRead } = await this.file.read(rest, 0, rest.length, bytes);
    if (bytesRead !== rest.length) throw new Error(`short read of ${this.path}`);
    const temp = `${this.path}.${process.pid}.${++temps}.tmp`;
    const copy = await this.fs.open(temp, 'w');
    try {
      await writeAll(copy, rest);
      await copy.sync();
    } catch (error) {
      await copy.close();
      await this.fs.remove(temp);
      throw error;
    }
    await copy.close();
    try {
      await this.fs.rename(temp, this.path);
    } catch (error) {
      await this.fs.remove(temp);
      throw error;
    }
    // From here the old handle points at a file that is no longer the log.
    await this.#guard(async () => {
      await syncDir(this.fs, path.dirname(this.path));
      const reopened = await this.fs.open(this.path, 'a+');
      const old = this.file;
      this.file = reopened;
      this.#size = rest.length;
      await old.close();
    });
  }

  /** Run a step after which, if it fails, the file can no longer be trusted. */
  async #guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.#failed ??= { error };
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.exclusive(async () => undefined);
    await this.file.close();
  }
}

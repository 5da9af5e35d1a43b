import { open, type FileHandle } from 'node:fs/promises';
import { decodeRecords, encodeRecord, type DecodedLog } from './logCodec';

interface Pending {
  frame: Buffer;
  /** Runs synchronously once the record is on disk, in log order, before any later flush. */
  onDurable?: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only file with group commit: every record appended while a flush is running (or in
 * the same tick) goes out in the next single write + fdatasync, and all of them resolve together.
 * A record's promise resolves only once it is on disk.
 */
export class AppendLog {
  #queue: Pending[] = [];
  /** Flushes and exclusive sections run one after another on this chain. */
  #lane: Promise<void> = Promise.resolve();
  #scheduled = false;
  #size: number;
  /** How many write + fdatasync rounds have run (for tests and the benchmark). */
  flushes = 0;

  private constructor(
    private readonly file: FileHandle,
    size: number,
  ) {
    this.#size = size;
  }

  /** Open (or create) a log; a torn tail is cut off, since it was never acknowledged. */
  static async open(path: string): Promise<{ log: AppendLog; decoded: DecodedLog }> {
    const file = await open(path, 'a+');
    const decoded = decodeRecords(await file.readFile());
    if (decoded.torn) {
      await file.truncate(decoded.validBytes);
      await file.datasync();
    }
    return { log: new AppendLog(file, decoded.validBytes), decoded };
  }

  get size(): number {
    return this.#size;
  }

  /** Resolves once the record is on disk; `onDurable` runs at that moment, in log order. */
  append(value: unknown, onDurable?: () => void): Promise<void> {
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
    try {
      await this.file.write(data);
      await this.file.datasync();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    this.#size += data.length;
    this.flushes++;
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

  /** Empty the log (after a snapshot has made its records redundant). Call inside exclusive. */
  async truncate(): Promise<void> {
    await this.file.truncate(0);
    await this.file.datasync();
    this.#size = 0;
  }

  async close(): Promise<void> {
    await this.exclusive(async () => undefined);
    await this.file.close();
  }
}

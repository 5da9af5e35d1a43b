import path from 'node:path';
import type { Adapter } from 'lowdb';
import { nodeFs, syncDir, writeAll, type FsOps } from './fsOps';

let temps = 0;

/**
 * A lowdb adapter that survives power loss: write a temp file, fsync it, rename it over the
 * target, fsync the directory. lowdb's own JSONFile renames but never fsyncs.
 *
 * Writes to one file run one after another: a write asked for while another runs waits for it,
 * and every write asked for meanwhile is served by the one next write (it serialises the latest
 * data, which includes each caller's change). Temp names are unique, so two writers of the same
 * file never share one.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  /** Settles when the write under way (if any) is over. */
  #last: Promise<void> = Promise.resolve();
  #next: { data: T; done: Promise<void> } | null = null;

  constructor(
    private readonly filename: string,
    private readonly fs: FsOps = nodeFs,
  ) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await this.fs.readText(this.filename)) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  write(data: T): Promise<void> {
    if (this.#next) {
      this.#next.data = data;
      return this.#next.done;
    }
    const next = { data, done: Promise.resolve() };
    next.done = this.#last.then(() => {
      // From now on, a new change needs a write after this one.
      if (this.#next === next) this.#next = null;
      return this.#writeNow(JSON.stringify(next.data));
    });
    this.#next = next;
    this.#last = next.done.catch(() => undefined);
    return next.done;
  }

  async #writeNow(text: string): Promise<void> {
    const temp = `${this.filename}.${process.pid}.${++temps}.tmp`;
    const file = await this.fs.open(temp, 'w');
    try {
      try {
        await writeAll(file, Buffer.from(text, 'utf8'));
        await file.sync();
      } finally {
        await file.close();
      }
      await this.fs.rename(temp, this.filename);
    } catch (error) {
      await this.fs.remove(temp).catch(() => undefined);
      throw error;
    }
    await syncDir(this.fs, path.dirname(this.filename));
  }
}

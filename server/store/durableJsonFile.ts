import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter that survives power loss: write a temp file, fsync it, rename it over the
 * target, fsync the directory. lowdb's own JSONFile renames but never fsyncs.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  constructor(private readonly filename: string) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.filename, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async write(data: T): Promise<void> {
    const temp = `${this.filename}.${process.pid}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(JSON.stringify(data));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.filename);
    const dir = await open(path.dirname(this.filename), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';

/** The calls the store makes on an open file (a subset of node's FileHandle). */
export interface FileOps {
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position?: number | null,
  ): Promise<{ bytesWritten: number }>;
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  readFile(): Promise<Buffer>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every file-system call the store makes, in one object: node's by default, a faulty one in
 * tests (a failed write, a failed rename, a full disk) without mocking modules.
 */
export interface FsOps {
  open(path: string, flags: string): Promise<FileOps>;
  readText(path: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  mkdirp(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  /** Remove a file or a directory with its contents; nothing happens if it is not there. */
  remove(path: string): Promise<void>;
}

/**
 * Files the store creates are readable by the server's user only, and so are its directories
 * (the data holds names and key hashes): data format 2, see format.ts.
 */
export const nodeFs: FsOps = {
  open: (path, flags) => open(path, flags, 0o600),
  readText: (path) => readFile(path, 'utf8'),
  rename: (from, to) => rename(from, to),
  mkdirp: async (path) => {
    await mkdir(path, { recursive: true, mode: 0o700 });
  },
  readdir: (path) => readdir(path),
  remove: (path) => rm(path, { recursive: true, force: true }),
};

/** Write all of `data` (a full disk can make one write call store only part of it). */
export async function writeAll(file: FileOps, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset);
    if (bytesWritten <= 0) throw new Error('the disk accepted no more bytes');
    offset += bytesWritten;
  }
}

/** Make a rename or removal inside `dir` durable. */
export async function syncDir(fs: FsOps, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

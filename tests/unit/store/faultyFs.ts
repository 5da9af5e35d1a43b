import { nodeFs, type FileOps, type FsOps } from '../../../server/store/fsOps';

/** Every call the store makes, by name, with the path it is made on. */
export type Call =
  | 'open'
  | 'readText'
  | 'rename'
  | 'mkdirp'
  | 'readdir'
  | 'remove'
  | 'write'
  | 'read'
  | 'readFile'
  | 'datasync'
  | 'sync'
  | 'truncate'
  | 'close';

/**
 * The real file system with a hook before each call: the hook may throw (a failed write, a full
 * disk) or wait (a slow disk). `calls` records what was done, for assertions.
 */
export function faultyFs(before: (call: Call, path: string) => void | Promise<void> = () => {}): {
  fs: FsOps;
  calls: Array<[Call, string]>;
  set(hook: (call: Call, path: string) => void | Promise<void>): void;
} {
  let hook = before;
  const calls: Array<[Call, string]> = [];
  const gate = async (call: Call, path: string) => {
    calls.push([call, path]);
    await hook(call, path);
  };
  const wrap = (file: FileOps, path: string): FileOps => ({
    write: async (...args) => (await gate('write', path), file.write(...args)),
    read: async (...args) => (await gate('read', path), file.read(...args)),
    readFile: async () => (await gate('readFile', path), file.readFile()),
    datasync: async () => (await gate('datasync', path), file.datasync()),
    sync: async () => (await gate('sync', path), file.sync()),
    truncate: async (length) => (await gate('truncate', path), file.truncate(length)),
    // Always closes: a test's failure must not leak the real handle.
    close: () => (calls.push(['close', path]), file.close()),
  });
  const fs: FsOps = {
    open: async (path, flags) => {
      await gate('open', path);
      return wrap(await nodeFs.open(path, flags), path);
    },
    readText: async (path) => (await gate('readText', path), nodeFs.readText(path)),
    rename: async (from, to) => (await gate('rename', to), nodeFs.rename(from, to)),
    mkdirp: async (path) => (await gate('mkdirp', path), nodeFs.mkdirp(path)),
    readdir: async (path) => (await gate('readdir', path), nodeFs.readdir(path)),
    remove: async (path) => (await gate('remove', path), nodeFs.remove(path)),
  };
  return { fs, calls, set: (next) => (hook = next) };
}

/** An error as node reports it (e.g. ENOSPC for a full disk, EIO for a failing one). */
export function errno(code: 'ENOSPC' | 'EIO', call: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected failure, ${call}`), { code });
}

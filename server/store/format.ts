import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DurableJSONFile } from './durableJsonFile';

/*
 * The data directory's format version, in DATA_DIR/format.json:
 *   { "format": "cocrea-data", "version": N }
 * written like a snapshot (temp file, fsync, rename, fsync the directory).
 *
 *   1  the layout of the first releases (index.json, workshops/<id>/log and snapshot.json); it
 *      carries no format file: a directory with an index or a workshops folder and no format
 *      file is version 1.
 *   2  the same files, readable by the server's user only (files 0600, directories 0700): they
 *      hold names and key hashes. The store creates them so; the step from 1 restricts what
 *      version 1 left readable by others.
 */
export const DATA_FORMAT = 'cocrea-data';
export const CURRENT_FORMAT_VERSION = 2;
export const FORMAT_FILE = 'format.json';

export interface FormatMarker {
  format: typeof DATA_FORMAT;
  version: number;
}

/** What a data directory holds, as far as its format goes. */
export interface FoundFormat {
  /** format.json parsed (null: there is none). */
  marker: unknown;
  /** An index.json or a workshops folder is there. */
  hasData: boolean;
}

export type FormatDecision =
  | { kind: 'new' }
  | { kind: 'current' }
  | { kind: 'migrate'; from: number; to: number }
  | { kind: 'refuse'; message: string };

/** The version a marker names, or a message saying why it names none. */
function markerVersion(marker: unknown): number | string {
  const m = marker as Partial<FormatMarker> | null;
  if (typeof m !== 'object' || m === null || m.format !== DATA_FORMAT) {
    return `${FORMAT_FILE} is not a cocrea data format file`;
  }
  if (!Number.isSafeInteger(m.version) || m.version! < 1) {
    return `${FORMAT_FILE} names no valid version (${JSON.stringify(m.version)})`;
  }
  return m.version!;
}

/** The version of a directory, or null when it is empty (new). */
function versionOf(found: FoundFormat): number | null | string {
  if (found.marker === null) return found.hasData ? 1 : null;
  return markerVersion(found.marker);
}

/**
 * What start-up does with a data directory: give a new one the current version, migrate an
 * older one (after keeping a copy), refuse a newer one or one it cannot read, touching nothing.
 */
export function decideFormat(
  found: FoundFormat,
  current: number = CURRENT_FORMAT_VERSION,
): FormatDecision {
  const version = versionOf(found);
  if (version === null) return { kind: 'new' };
  if (typeof version === 'string') return { kind: 'refuse', message: version };
  if (version > current) {
    return {
      kind: 'refuse',
      message:
        `the data directory is in format version ${version}, made by a newer cocrea; ` +
        `this cocrea reads format version ${current} and older: run the newer release ` +
        `(or restore a backup made for this one)`,
    };
  }
  if (version < current) return { kind: 'migrate', from: version, to: current };
  return { kind: 'current' };
}

/** A data directory start-up will not use: one line, nothing touched. */
export class DataFormatError extends Error {
  constructor(
    readonly dataDir: string,
    reason: string,
  ) {
    super(`${dataDir}: ${reason}`);
    this.name = 'DataFormatError';
  }
}

/** Whether a file or directory is there (an error other than its absence is thrown). */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Read what a data directory says of its format (a missing directory is empty). */
export async function readFormat(dataDir: string): Promise<FoundFormat> {
  let marker: unknown = null;
  try {
    marker = JSON.parse(await readFile(path.join(dataDir, FORMAT_FILE), 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      marker = { unreadable: code ?? (error as Error).message };
    }
  }
  const hasData =
    (await exists(path.join(dataDir, 'index.json'))) ||
    (await exists(path.join(dataDir, 'workshops')));
  return { marker, hasData };
}

/** Write format.json durably (temp file, fsync, rename, fsync the directory). */
export async function writeFormat(dataDir: string, version: number): Promise<void> {
  const marker: FormatMarker = { format: DATA_FORMAT, version };
  await new DurableJSONFile<FormatMarker>(path.join(dataDir, FORMAT_FILE)).write(marker);
}

/** Files 0600 and directories 0700: the index, the workshops and the format file. */
export async function restrictModes(dataDir: string): Promise<void> {
  await chmod(dataDir, 0o700);
  for (const file of ['index.json', FORMAT_FILE]) {
    if (await exists(path.join(dataDir, file))) await chmod(path.join(dataDir, file), 0o600);
  }
  const workshops = path.join(dataDir, 'workshops');
  if (!(await exists(workshops))) return;
  await chmod(workshops, 0o700);
  for (const entry of await readdir(workshops, { withFileTypes: true })) {
    const dir = path.join(workshops, entry.name);
    if (!entry.isDirectory()) continue;
    await chmod(dir, 0o700);
    for (const file of await readdir(dir, { withFileTypes: true })) {
      if (file.isFile()) await chmod(path.join(dir, file.name), 0o600);
    }
  }
}

/** The step from each version to the next; each may be run again after a stop halfway. */
export const MIGRATIONS: Record<number, (dataDir: string) => Promise<void>> = {
  1: restrictModes,
};

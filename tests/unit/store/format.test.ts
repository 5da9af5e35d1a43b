import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../../server/backup';
import { DurableStore } from '../../../server/store/durable';
import {
  CURRENT_FORMAT_VERSION,
  DataFormatError,
  decideFormat,
  readFormat,
} from '../../../server/store/format';
import { DamagedLogError } from '../../../server/store/logCodec';
import { scenario } from './scenario';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-format-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const marker = (version: unknown) => ({ format: 'cocrea-data', version });

describe('the data format version', () => {
  it('[OP2] decides: empty is new, no marker with data is version 1 (migrated), the current one is kept, a newer one and a foreign or broken marker are refused naming the versions', () => {
    expect(CURRENT_FORMAT_VERSION).toBe(2);
    expect(decideFormat({ marker: null, hasData: false })).toEqual({ kind: 'new' });
    expect(decideFormat({ marker: null, hasData: true })).toEqual({
      kind: 'migrate',
      from: 1,
      to: 2,
    });
    expect(decideFormat({ marker: marker(1), hasData: true })).toEqual({
      kind: 'migrate',
      from: 1,
      to: 2,
    });
    expect(decideFormat({ marker: marker(2), hasData: true })).toEqual({ kind: 'current' });
    expect(decideFormat({ marker: marker(2), hasData: false })).toEqual({ kind: 'current' });
    const newer = decideFormat({ marker: marker(3), hasData: true });
    expect(newer.kind).toBe('refuse');
    expect(newer.kind === 'refuse' && newer.message).toMatch(/version 3.*newer.*version 2/);
    expect(decideFormat({ marker: marker(7), hasData: true }, 7)).toEqual({ kind: 'current' });
    for (const bad of [
      { format: 'other', version: 1 },
      marker('2'),
      marker(0),
      marker(1.5),
      { unreadable: 'EACCES' },
      [],
      'cocrea-data',
    ]) {
      const decision = decideFormat({ marker: bad, hasData: true });
      expect(decision.kind, JSON.stringify(bad)).toBe('refuse');
    }
  });

  it('[OP13] at start: an empty directory gets the current version, a version 1 one is copied aside, made private (0600/0700) and marked, a second start changes nothing', async () => {
    const fresh = path.join(dir, 'fresh');
    await prepareDataDir(fresh, { log: () => undefined });
    expect(JSON.parse(await readFile(path.join(fresh, 'format.json'), 'utf8'))).toEqual(marker(2));
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);

    // A version 1 directory: files readable by others, no format file.
    const old = path.join(dir, 'old');
    const store = await DurableStore.open(old);
    const { records, state } = scenario(5);
    for (const record of records) await store.append(state.id, record);
    await store.close();
    await chmod(path.join(old, 'index.json'), 0o644);
    await chmod(path.join(old, 'workshops', state.id, 'log'), 0o644);
    await chmod(path.join(old, 'workshops', state.id), 0o755);
    const logBefore = await readFile(path.join(old, 'workshops', state.id, 'log'));
    expect((await readFormat(old)).marker).toBeNull();

    const lines: string[] = [];
    await prepareDataDir(old, { log: (l) => lines.push(l), now: new Date(Date.UTC(2026, 0, 2)) });
    const kept = path.join(old, 'pre-upgrade-v1-2026-01-02T00-00-00-000Z');
    expect(lines).toEqual([
      `data directory upgraded from format version 1 to 2; a copy of it as it was is in ${kept}`,
    ]);
    expect(JSON.parse(await readFile(path.join(old, 'format.json'), 'utf8'))).toEqual(marker(2));
    expect(JSON.parse(await readFile(path.join(kept, 'format.json'), 'utf8'))).toEqual(marker(1));
    expect(await readFile(path.join(kept, 'workshops', state.id, 'log'))).toEqual(logBefore);
    expect((await stat(path.join(old, 'index.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(old, 'workshops', state.id, 'log'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(old, 'workshops', state.id))).mode & 0o777).toBe(0o700);
    // The store still opens it, with its workshop.
    const reopened = await DurableStore.open(old);
    expect((await reopened.load(state.id))?.state.title).toBe('Atelier');
    await reopened.close();

    lines.length = 0;
    await prepareDataDir(old, { log: (l) => lines.push(l) });
    expect(lines).toEqual([]);
    expect((await readdir(old)).filter((e) => e.startsWith('pre-upgrade'))).toHaveLength(1);
  });

  it('[OP13] a copy already at the name an upgrade would give its own (same time stamp) is kept: the new copy takes the next free name', async () => {
    const old = path.join(dir, 'old');
    const store = await DurableStore.open(old);
    const { records, state } = scenario(2);
    for (const record of records) await store.append(state.id, record);
    await store.close();
    const stamp = 'pre-upgrade-v1-2026-01-02T00-00-00-000Z';
    await mkdir(path.join(old, stamp));
    await writeFile(path.join(old, stamp, 'mine.txt'), 'kept');
    await mkdir(path.join(old, `${stamp}-2`));
    const lines: string[] = [];
    await prepareDataDir(old, { log: (l) => lines.push(l), now: new Date(Date.UTC(2026, 0, 2)) });
    const kept = path.join(old, `${stamp}-3`);
    expect(lines).toEqual([
      `data directory upgraded from format version 1 to 2; a copy of it as it was is in ${kept}`,
    ]);
    expect(await readdir(path.join(old, stamp))).toEqual(['mine.txt']);
    expect(await readdir(path.join(old, `${stamp}-2`))).toEqual([]);
    expect(JSON.parse(await readFile(path.join(kept, 'format.json'), 'utf8'))).toEqual(marker(1));
  });

  it('[OP14] a directory of a newer version (or with a marker that is not ours) is refused with one line naming both versions, and nothing in it changes; an older one whose copy cannot be made (a damaged log) stops the start as a damaged log does, leaving no copy or marker', async () => {
    await mkdir(path.join(dir, 'workshops'));
    await writeFile(path.join(dir, 'index.json'), '{"version":1,"workshops":[]}');
    await writeFile(path.join(dir, 'format.json'), JSON.stringify(marker(3)));
    const before = await readdir(dir);
    const error = await prepareDataDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).toContain('format version 3');
    expect((error as Error).message).toContain('format version 2');
    expect(await readdir(dir)).toEqual(before);
    expect(JSON.parse(await readFile(path.join(dir, 'format.json'), 'utf8'))).toEqual(marker(3));

    await writeFile(path.join(dir, 'format.json'), 'not json');
    await expect(prepareDataDir(dir)).rejects.toThrow(/not a cocrea data format file/);
    expect(await readFile(path.join(dir, 'format.json'), 'utf8')).toBe('not json');

    // A version 1 directory whose copy cannot be made (a damaged log): the start stops as it
    // always did on one (DamagedLogError), with no half copy and no marker left behind.
    const old = path.join(dir, 'old');
    const store = await DurableStore.open(old);
    const { records, state } = scenario(3);
    for (const record of records) await store.append(state.id, record);
    await store.close();
    const log = path.join(old, 'workshops', state.id, 'log');
    const bytes = await readFile(log);
    bytes[12] = bytes[12]! ^ 0xff;
    await writeFile(log, bytes);
    const listed = await readdir(old);
    await expect(prepareDataDir(old)).rejects.toBeInstanceOf(DamagedLogError);
    expect(await readdir(old)).toEqual(listed);
  });
});

import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backupDataDir,
  BackupError,
  checkContinuity,
  prepareDataDir,
  restoreDataDir,
  verifyDataDir,
} from '../../../server/backup';
import { DurableStore } from '../../../server/store/durable';
import { writeFormat } from '../../../server/store/format';
import { encodeRecord } from '../../../server/store/logCodec';
import { scenario } from './scenario';

let dir: string;
let data: string;
let dest: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-backup-'));
  data = path.join(dir, 'data');
  dest = path.join(dir, 'backup');
  await mkdir(data);
  await writeFormat(data, 2);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A workshop of `notes` notes written through the store; returns its id and final state. */
async function workshop(store: DurableStore, notes: number) {
  const { records, state } = scenario(notes);
  for (const record of records) await store.append(state.id, record);
  return state;
}

const quiet = { log: () => undefined };

/** Every file and directory under `root` with its permission bits. */
async function modes(root: string): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  for (const entry of await readdir(root, { recursive: true })) {
    out.push([entry, (await stat(path.join(root, entry))).mode & 0o777]);
  }
  return out;
}

describe('the sequence numbers of a snapshot and a log join up', () => {
  it('[OP1] a log may repeat what the snapshot holds or start right after it; a gap, a repeat or a missing number is reported with the records missing', () => {
    expect(checkContinuity(0, [])).toBeNull();
    expect(checkContinuity(0, [1, 2, 3])).toBeNull();
    expect(checkContinuity(10, [])).toBeNull();
    expect(checkContinuity(10, [11, 12])).toBeNull();
    expect(checkContinuity(10, [8, 9, 10, 11])).toBeNull();
    expect(checkContinuity(10, [3])).toBeNull();
    expect(checkContinuity(0, [2, 3])).toMatch(
      /ends at record 0.*starts at record 2: record 1 missing/,
    );
    expect(checkContinuity(10, [15, 16])).toMatch(/record 11–14 missing/);
    expect(checkContinuity(10, [11, 11])).toMatch(/out of order/);
    expect(checkContinuity(10, [12, 11])).toMatch(/out of order|missing/);
    expect(checkContinuity(0, [1, Number.NaN])).toMatch(/no valid sequence number/);
    expect(checkContinuity(0, [0])).toMatch(/no valid sequence number/);
  });
});

describe('backup of a data directory a server writes to', () => {
  it('[OP3] a compaction between reading a workshop’s log and its snapshot: the copy holds every record, once, and rebuilds to the same state', async () => {
    const store = await DurableStore.open(data, { compactRecords: 10 });
    const { records, state } = scenario(12);
    for (const record of records.slice(0, 8)) await store.append(state.id, record);
    let compacted = false;
    const report = await backupDataDir(data, dest, {
      ...quiet,
      hooks: {
        betweenReads: async () => {
          if (compacted) return;
          // The rest arrives; the log passes 10 records, is compacted and cut.
          for (const record of records.slice(8)) await store.append(state.id, record);
          await store.release(state.id);
          compacted = true;
        },
      },
    });
    expect(compacted).toBe(true);
    // The snapshot read after the log holds at least the 8 records acknowledged when the backup
    // began (records acknowledged after the log was read may be left out).
    const snapshotSeq = JSON.parse(
      await readFile(path.join(data, 'workshops', state.id, 'snapshot.json'), 'utf8'),
    ).seq;
    expect(snapshotSeq).toBeGreaterThan(8);
    expect(report.workshops).toEqual([
      expect.objectContaining({ id: state.id, seq: snapshotSeq, notes: snapshotSeq - 2 }),
    ]);
    await store.close();
    const copy = await DurableStore.open(dest);
    const texts = Object.values((await copy.load(state.id))!.state.notes).map((n) => n.text);
    const sent = records
      .slice(2, snapshotSeq)
      .map((r) => (r.events[0] as { note: { text: string } }).note.text);
    expect(texts.sort()).toEqual(sent.sort());
    await copy.close();
  });

  it('[OP16] a second compaction that cuts the whole log between the two reads: nothing acknowledged before the backup is lost (no sequence number could tell, so the log is read first)', async () => {
    const store = await DurableStore.open(data, { compactRecords: 10 });
    const { records, state } = scenario(20);
    // A first compaction: a snapshot up to record 11, the log empty; then records 12–16.
    for (const record of records.slice(0, 11)) await store.append(state.id, record);
    await store.release(state.id);
    for (const record of records.slice(11, 16)) await store.append(state.id, record);
    let cut = false;
    const report = await backupDataDir(data, dest, {
      ...quiet,
      hooks: {
        betweenReads: async () => {
          if (cut) return;
          // Six more: the log passes 10 records, the snapshot takes all 22, the log is emptied.
          for (const record of records.slice(16)) await store.append(state.id, record);
          await store.release(state.id);
          cut = true;
        },
      },
    });
    await store.close();
    const log = await readFile(path.join(data, 'workshops', state.id, 'log'));
    expect(log.length).toBe(0);
    // A reader of the old snapshot and then the emptied log would stop at record 11.
    expect(report.workshops[0]!.seq).toBe(records.length);
    expect(report.workshops[0]!.notes).toBe(records.length - 2);
  });

  it('[OP4] an old snapshot beside an already-cut log (records missing between them) is read again until they join; if they never do, the backup fails naming the records and leaves its directory empty', async () => {
    const store = await DurableStore.open(data, { compactRecords: 10 });
    const state = await workshop(store, 15);
    await store.close();
    const snapshot = path.join(data, 'workshops', state.id, 'snapshot.json');
    const aside = path.join(dir, 'snapshot-aside.json');
    expect(JSON.parse(await readFile(snapshot, 'utf8')).seq).toBeGreaterThan(1);
    const attempts: number[] = [];
    // The first read sees no snapshot yet (as a snapshot-first reader would see an old one).
    const report = await backupDataDir(data, dest, {
      ...quiet,
      hooks: {
        betweenReads: async (_id, attempt) => {
          attempts.push(attempt);
          if (attempt === 0) await rename(snapshot, aside);
          if (attempt === 1) await rename(aside, snapshot);
        },
      },
    });
    expect(attempts).toEqual([0, 1]);
    expect(report.workshops[0]!.notes).toBe(15);

    // Never joining up: a clear failure, nothing left in the backup directory.
    await rm(snapshot);
    const again = path.join(dir, 'again');
    const error = await backupDataDir(data, again, { ...quiet, retries: 2 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackupError);
    expect((error as Error).message).toMatch(
      new RegExp(`workshop ${state.id}: .*record 1–\\d+ missing`),
    );
    expect(await readdir(again)).toEqual([]);
  });

  it('[OP5] a last record being written (torn) is left out, as start-up does, and the copy verifies; damage before the end fails the backup', async () => {
    const store = await DurableStore.open(data);
    const state = await workshop(store, 4);
    await store.close();
    const log = path.join(data, 'workshops', state.id, 'log');
    const whole = await readFile(log);
    const frame = encodeRecord({ seq: 999, op: 'x', actor: 'y', at: 0, events: [], reply: {} });
    await appendFile(log, frame.subarray(0, frame.length - 3));
    const lines: string[] = [];
    await backupDataDir(data, dest, { log: (l) => lines.push(l) });
    expect(lines[0]).toContain('a torn last record left out');
    expect(await readFile(path.join(dest, 'workshops', state.id, 'log'))).toEqual(whole);
    expect((await verifyDataDir(dest)).workshops[0]!.notes).toBe(4);

    // A bad byte in the middle of the log, whole records after it.
    const damaged = Buffer.from(whole);
    damaged[20] = damaged[20]! ^ 0xff;
    await writeFile(log, damaged);
    const other = path.join(dir, 'other');
    await expect(backupDataDir(data, other, { ...quiet, retries: 1 })).rejects.toThrow(
      `the log ${log} is damaged at byte 0 and acknowledged records follow it`,
    );
    expect(await readdir(other)).toEqual([]);
  });

  it('[OP6] workshops deleted during the backup are left out (read already or not yet); one created during it is not in it, and the summary says so', async () => {
    const store = await DurableStore.open(data);
    const a = await workshop(store, 2);
    const b = await workshop(store, 3);
    const c = await workshop(store, 1);
    let created = '';
    const lines: string[] = [];
    const report = await backupDataDir(data, dest, {
      log: (l) => lines.push(l),
      hooks: {
        betweenReads: async (id) => {
          if (id !== b.id || created) return;
          await store.erase(a.id);
          await store.erase(c.id);
          created = (await workshop(store, 1)).id;
        },
      },
    });
    await store.close();
    expect(report.workshops.map((w) => w.id)).toEqual([b.id]);
    expect(await readdir(path.join(dest, 'workshops'))).toEqual([b.id]);
    const index = JSON.parse(await readFile(path.join(dest, 'index.json'), 'utf8'));
    expect(index.workshops.map((w: { id: string }) => w.id)).toEqual([b.id]);
    expect(lines.filter((l) => l.includes('deleted during the backup')).join('\n')).toContain(a.id);
    expect(lines.filter((l) => l.includes('deleted during the backup')).join('\n')).toContain(c.id);
    expect(lines.at(-1)).toMatch(
      /^backup: 1 workshops .* verified .*; 1 created during the backup are not in it$/,
    );
  });

  it('[OP7] the backup goes only into an empty or new directory; its files are 0600 and its directories 0700; what it prints names no one and holds no text or key hash', async () => {
    const store = await DurableStore.open(data);
    const state = await workshop(store, 3);
    await store.close();
    await mkdir(dest);
    await writeFile(path.join(dest, 'keep.txt'), 'mine');
    await expect(backupDataDir(data, dest, quiet)).rejects.toThrow(/not empty/);
    expect(await readdir(dest)).toEqual(['keep.txt']);
    await expect(backupDataDir(data, path.join(dest, 'keep.txt'), quiet)).rejects.toThrow(
      /is a file/,
    );
    await expect(
      backupDataDir(path.join(dir, 'nothing'), path.join(dir, 'b2'), quiet),
    ).rejects.toThrow(/holds no cocrea data/);

    const fresh = path.join(dir, 'fresh', 'nested');
    const lines: string[] = [];
    await backupDataDir(data, fresh, { log: (l) => lines.push(l) });
    const all = await modes(fresh);
    expect(all.map(([f]) => f).sort()).toEqual(
      [
        'format.json',
        'index.json',
        'workshops',
        `workshops/${state.id}`,
        `workshops/${state.id}/log`,
      ].sort(),
    );
    for (const [file, mode] of all) {
      const isDir = (await stat(path.join(fresh, file))).isDirectory();
      expect([file, mode]).toEqual([file, isDir ? 0o700 : 0o600]);
    }
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
    const printed = lines.join('\n');
    expect(printed).toContain(state.id);
    expect(printed).not.toContain(state.facilitatorKeyHash);
    expect(printed).not.toContain('Ana');
    expect(printed).not.toContain('xxxxxxxx');
    expect(printed).not.toContain('Atelier');
  });

  it('[OP19] a directory in a newer format version, or whose format file is not cocrea’s, is refused by backup, check and restore as start-up refuses it, naming both versions; nothing is written', async () => {
    const store = await DurableStore.open(data);
    await workshop(store, 2);
    await store.close();
    await writeFormat(data, 3);
    const newer = /format version 3, made by a newer cocrea; this cocrea reads format version 2/;
    await expect(backupDataDir(data, dest, quiet)).rejects.toThrow(newer);
    await expect(verifyDataDir(data)).rejects.toThrow(newer);
    const restored = path.join(dir, 'restored');
    await expect(restoreDataDir(data, restored, quiet)).rejects.toThrow(newer);
    await writeFile(path.join(data, 'format.json'), '{"format":"other","version":1}');
    await expect(backupDataDir(data, dest, quiet)).rejects.toThrow(
      /format.json is not a cocrea data format file/,
    );
    await expect(verifyDataDir(data)).rejects.toThrow(/not a cocrea data format file/);
    for (const untouched of [dest, restored]) {
      await expect(readdir(untouched)).rejects.toThrow(/ENOENT/);
    }
  });

  it('[OP18] an index naming something that is no workshop id (a path out of the directory) fails the backup and the check', async () => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'log'), 'not a workshop');
    const index = { version: 1, workshops: [{ id: '../../outside', createdAt: 0 }] };
    await writeFile(path.join(data, 'index.json'), JSON.stringify(index));
    await expect(backupDataDir(data, dest, quiet)).rejects.toThrow(
      /the index names an invalid workshop id/,
    );
    expect(await readdir(dest)).toEqual([]);
    await expect(verifyDataDir(data)).rejects.toThrow(
      'the index names an invalid workshop id "../../outside"',
    );
  });
});

describe('restore', () => {
  it('[OP8] into an empty DATA_DIR only, from a backup that verifies; the store then loads every workshop as it was', async () => {
    const store = await DurableStore.open(data, { compactRecords: 6 });
    const a = await workshop(store, 9);
    const b = await workshop(store, 2);
    await store.close();
    await backupDataDir(data, dest, quiet);

    // A DATA_DIR in use (not empty): refused, untouched.
    await expect(restoreDataDir(dest, data, quiet)).rejects.toThrow(
      /^nothing restored: DATA_DIR .* is not empty \(3 entries\).*stop the server/,
    );
    expect((await readdir(data)).sort()).toEqual(['format.json', 'index.json', 'workshops']);
    // A DATA_DIR that is a file: refused with a message, not an error from the file system.
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'mine');
    const refused = await restoreDataDir(dest, file, quiet).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackupError);
    expect((refused as Error).message).toMatch(/^nothing restored: DATA_DIR .* is a file/);
    expect(await readFile(file, 'utf8')).toBe('mine');

    // A damaged backup: refused before anything is written.
    const target = path.join(dir, 'target');
    const log = path.join(dest, 'workshops', b.id, 'log');
    const good = await readFile(log);
    const bad = Buffer.from(good);
    bad[10] = bad[10]! ^ 0xff;
    await writeFile(log, bad);
    await expect(restoreDataDir(dest, target, quiet)).rejects.toThrow(
      /nothing restored: the backup .* does not verify/,
    );
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
    await writeFile(log, good);

    const lines: string[] = [];
    await restoreDataDir(dest, target, { log: (l) => lines.push(l) });
    expect(lines.at(-1)).toMatch(
      /^restore: 2 workshops \(format version 2\) restored from .* verified$/,
    );
    const restored = await DurableStore.open(target);
    expect((await restored.load(a.id))!.state).toEqual(a);
    expect((await restored.load(b.id))!.state).toEqual(b);
    await restored.close();
    expect(JSON.parse(await readFile(path.join(target, 'format.json'), 'utf8')).version).toBe(2);
  });
});

describe('going back to before an upgrade', () => {
  it('[OP17] the copy kept by an upgrade (format version 1) restores into an empty DATA_DIR as version 1 (the release before reads it as its own); the new release then migrates it again', async () => {
    const fixture = path.resolve('tests/integration/fixtures/data-v1');
    const target = path.join(dir, 'back');
    const lines: string[] = [];
    await restoreDataDir(fixture, target, { log: (l) => lines.push(l) });
    expect(lines.at(-1)).toMatch(/^restore: 2 workshops \(format version 1\)/);
    expect(JSON.parse(await readFile(path.join(target, 'format.json'), 'utf8')).version).toBe(1);
    const said: string[] = [];
    await prepareDataDir(target, { log: (l) => said.push(l) });
    expect(said).toEqual([expect.stringMatching(/upgraded from format version 1 to 2/)]);
    const store = await DurableStore.open(target);
    expect((await store.loadAll()).map((w) => w.state.title).sort()).toEqual([
      'Mieux se parler',
      'Travailler ensemble',
    ]);
    await store.close();
  });
});

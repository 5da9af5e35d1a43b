import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../server/backup';
import { closeClients, connect, createWorkshop, hello, joinAs, openReplica, send } from './helpers';
import { bundleServerProcess, spawnServer, type ServerProcess } from './processes';

// The server and the backup command are separate processes, as in production: phones post
// through socket.io while `cocrea backup` copies DATA_DIR; the copy is restored with
// `cocrea restore` and a server started on it must hold every note acknowledged before the
// backup began, once. Small logs (COMPACT_BYTES) make compactions run during the backup.
const PHONES = 4;
const LOAD_MS = 400;

let serverScript: string;
let cliScript: string;
let server: ServerProcess | null = null;
let work: string;

beforeAll(async () => {
  serverScript = await bundleServerProcess();
  cliScript = await bundleServerProcess('server/cli.ts');
  work = await mkdtemp(path.join(tmpdir(), 'cocrea-backup-it-'));
});
afterAll(async () => {
  closeClients();
  await server?.kill();
  await rm(work, { recursive: true, force: true });
  await rm(path.dirname(serverScript), { recursive: true, force: true });
  await rm(path.dirname(cliScript), { recursive: true, force: true });
});

/** Run the operator's command; resolves with its exit code and output. */
function cocrea(
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliScript, ...args], {
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

interface Sent {
  workshop: number;
  text: string;
  acked: boolean;
}

/** A phone posting notes one after another until stopped. */
async function post(
  socket: Socket,
  workshop: number,
  phone: number,
  target: { boardId: string; columnId: string },
  sent: Sent[],
  stop: { now: boolean },
): Promise<void> {
  for (let i = 0; !stop.now; i++) {
    const entry: Sent = {
      workshop,
      text: `w${workshop} p${phone} n${i} ${'·'.repeat(60)}`,
      acked: false,
    };
    sent.push(entry);
    const ack = await send(socket, { type: 'addNote', ...target, text: entry.text });
    if (!ack.ok) throw new Error(`refused: ${ack.error.code}`);
    entry.acked = true;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The note texts a server holds for a workshop, through a projector's replica. */
async function notesOn(url: string, joinCode: string, atLeast: number): Promise<string[]> {
  const projector = await connect(url, { code: joinCode, as: 'projector' });
  const replica = openReplica(url, await hello(projector));
  const snap = await replica.waitFor((s) => Object.keys(s.notes).length >= atLeast);
  return Object.values(snap.notes).map((n) => n.text);
}

describe('backup while the server runs, restore, start', () => {
  it('[OP9] under load (phones posting, compactions under way): every note acknowledged before the backup began is in the restored data, once; the backup prints one line per workshop and is private (0600/0700)', async () => {
    const dataDir = path.join(work, 'data');
    // As the production start does before opening the store (this test server skips it).
    await prepareDataDir(dataDir);
    server = await spawnServer(serverScript, dataDir, { COMPACT_BYTES: '3000' });
    const url = server.url;
    const rooms = [];
    for (let w = 0; w < 2; w++) {
      const created = await createWorkshop(url, { title: `Atelier ${w}` });
      const phones = [];
      for (let p = 0; p < PHONES; p++)
        phones.push(await joinAs(url, created.joinCode, `P${w}${p}`));
      const welcome = await hello(phones[0]!.socket);
      const snap = await openReplica(url, welcome).waitFor((s) => s.workshop !== null);
      const boardId = snap.workshop!.stages.define.boardIds[0]!;
      rooms.push({
        ...created,
        phones,
        target: { boardId, columnId: snap.boards[boardId]!.columns[0]!.id },
      });
    }
    const sent: Sent[] = [];
    const stop = { now: false };
    const posting = rooms.flatMap((room, w) =>
      room.phones.map((phone, p) => post(phone.socket, w, p, room.target, sent, stop)),
    );
    await new Promise((r) => setTimeout(r, LOAD_MS));
    // Acknowledged before the backup process starts: all of these must be in it.
    const before = sent.filter((s) => s.acked).map((s) => ({ ...s }));
    const backupDir = path.join(work, 'backup');
    const backup = await cocrea(['backup', backupDir], dataDir);
    const ackedDuring = sent.filter((s) => s.acked).length - before.length;
    stop.now = true;
    await Promise.all(posting);
    closeClients();
    await server.kill('SIGKILL');
    server = null;

    expect(backup.code, backup.stderr).toBe(0);
    const lines = backup.stdout.trim().split('\n');
    for (const room of rooms) {
      expect(lines.filter((l) => l.includes(` ${room.workshopId}  ok `))).toHaveLength(1);
    }
    expect(lines.at(-1)).toMatch(
      /^backup: 2 workshops \(\d+ records, format version 2\) copied to .* verified in \d+ ms$/,
    );
    expect(backup.stdout).not.toContain('P00');
    // Compactions ran while phones posted (so the backup met cut logs and fresh snapshots).
    for (const room of rooms) {
      expect(await readdir(path.join(dataDir, 'workshops', room.workshopId))).toContain(
        'snapshot.json',
      );
    }
    expect(before.length).toBeGreaterThan(40);
    expect(ackedDuring).toBeGreaterThan(0);
    for (const entry of await readdir(backupDir, { recursive: true })) {
      const info = await stat(path.join(backupDir, entry));
      expect([entry, info.mode & 0o777]).toEqual([entry, info.isDirectory() ? 0o700 : 0o600]);
    }

    // Restore into an empty directory; a second restore into it is refused.
    const restoredDir = path.join(work, 'restored');
    const restore = await cocrea(['restore', backupDir], restoredDir);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/restore: 2 workshops \(format version 2\) restored from/);
    const twice = await cocrea(['restore', backupDir], restoredDir);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(
      /^cocrea restore failed: nothing restored: DATA_DIR .* is not empty/,
    );

    server = await spawnServer(serverScript, restoredDir);
    for (const [w, room] of rooms.entries()) {
      const mine = before.filter((s) => s.workshop === w).map((s) => s.text);
      const texts = await notesOn(server.url, room.joinCode, mine.length);
      for (const text of mine) expect(texts.filter((t) => t === text)).toHaveLength(1);
      expect(new Set(texts).size).toBe(texts.length);
      // Nothing that was never sent.
      const all = new Set(sent.filter((s) => s.workshop === w).map((s) => s.text));
      for (const text of texts) expect(all.has(text)).toBe(true);
    }
    console.log(
      `backup under load: ${before.length} notes acknowledged before it began, ${ackedDuring} during it`,
    );
    closeClients();
    await server.kill('SIGKILL');
    server = null;
  }, 60_000);

  it('[OP15] the command says how to use it (exit 2), refuses a backup into a directory that holds something and a DATA_DIR without cocrea data (exit 1, one message), and verify checks a backup without changing it', async () => {
    const usage = await cocrea([], work);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage: cocrea backup DIR/);
    const empty = path.join(work, 'empty-data');
    const none = await cocrea(['backup', path.join(work, 'b1')], empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^cocrea backup failed: DATA_DIR .* holds no cocrea data\n$/);
    const busy = path.join(work, 'busy');
    await mkdir(busy);
    await writeFile(path.join(busy, 'notes.txt'), 'mine');
    const full = await cocrea(['backup', busy], path.resolve('tests/integration/fixtures/data-v1'));
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/^cocrea backup failed: the backup directory .* is not empty/);
    expect(await readdir(busy)).toEqual(['notes.txt']);
    const verified = await cocrea(
      ['verify', path.resolve('tests/integration/fixtures/data-v1')],
      work,
    );
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/verify: 2 workshops \(format version 1\)/);
  });
});

import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableStore } from '../../server/store/durable';
import type { DataV1Expected } from './fixtures/makeDataV1';
import { closeClients, connect, hello, openReplica } from './helpers';
import { bundleServerProcess } from './processes';

// The production entry (server/index.ts), bundled as dist/ is, with a stub page handler in
// ../build/handler.js (no SvelteKit build needed), against copies of a data directory made by
// the release before the format version (tests/integration/fixtures/data-v1, see makeDataV1.ts).
const FIXTURE = path.resolve('tests/integration/fixtures/data-v1');
let root: string;
let script: string;
let work: string;
let expected: DataV1Expected;

beforeAll(async () => {
  await mkdir(path.resolve('node_modules/.cache'), { recursive: true });
  root = await mkdtemp(path.resolve('node_modules/.cache/cocrea-upgrade-'));
  script = await bundleServerProcess('server/index.ts', path.join(root, 'dist', 'server.mjs'));
  await mkdir(path.join(root, 'build'));
  await writeFile(
    path.join(root, 'build', 'handler.js'),
    'export const handler = (req, res) => { res.statusCode = 404; res.end(); };\n',
  );
  work = await mkdtemp(path.join(tmpdir(), 'cocrea-upgrade-'));
  expected = JSON.parse(
    await readFile(path.resolve('tests/integration/fixtures/data-v1-expected.json'), 'utf8'),
  ) as DataV1Expected;
});
afterAll(async () => {
  closeClients();
  await rm(root, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

interface Started {
  url: string | null;
  code: number | null;
  stdout: string;
  stderr: string;
  stop(): Promise<void>;
}

/** Run the production entry on a data directory until it listens or exits. */
function start(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Started = {
    url: null,
    code: null,
    stdout: '',
    stderr: '',
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  child.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 10 s: ${result.stderr}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      result.stdout += chunk.toString();
      const match = /listening on (http:\/\/[0-9.:]+)/.exec(result.stdout);
      if (match && !result.url) {
        result.url = match[1]!;
        clearTimeout(timer);
        resolve(result);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      result.code = code;
      resolve(result);
    });
  });
}

/** Every file under `dir` with its bytes and permission bits. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of (await readdir(dir, { recursive: true })).sort()) {
    const file = path.join(dir, entry);
    const info = await stat(file);
    const mode = (info.mode & 0o777).toString(8);
    out[entry] = info.isDirectory()
      ? `dir ${mode}`
      : `${mode} ${(await readFile(file)).toString('base64')}`;
  }
  return out;
}

describe('a data directory of the release before format versions', () => {
  it('[OP10] the new server migrates it at start, keeps a copy of it as it was (said in one line), and serves every workshop, note, theme and dot from it', async () => {
    const dataDir = path.join(work, 'v1');
    await cp(FIXTURE, dataDir, { recursive: true });
    const before = await tree(dataDir);
    expect(Object.keys(before)).not.toContain('format.json');

    const server = await start(dataDir);
    expect(server.url, server.stderr).not.toBeNull();
    const line =
      /data directory upgraded from format version 1 to 2; a copy of it as it was is in ([^"\s]+)/.exec(
        server.stdout,
      );
    expect(line, server.stdout).not.toBeNull();
    const kept = line![1]!;
    expect(path.dirname(kept)).toBe(dataDir);
    expect(path.basename(kept)).toMatch(/^pre-upgrade-v1-\d{4}-\d\d-\d\dT/);
    expect(JSON.parse(await readFile(path.join(dataDir, 'format.json'), 'utf8'))).toEqual({
      format: 'cocrea-data',
      version: 2,
    });
    // The copy: the same records, marked as version 1, private.
    for (const [file, content] of Object.entries(before)) {
      if (file.endsWith('index.json') || content.startsWith('dir')) continue;
      const copied = await readFile(path.join(kept, file));
      expect(copied.toString('base64'), file).toBe(content.split(' ')[1]);
    }
    expect(JSON.parse(await readFile(path.join(kept, 'format.json'), 'utf8')).version).toBe(1);
    expect((await stat(kept)).mode & 0o777).toBe(0o700);
    // The migrated directory's own files are the server's user's only now.
    for (const file of ['index.json', 'format.json']) {
      expect((await stat(path.join(dataDir, file))).mode & 0o777, file).toBe(0o600);
    }
    for (const { workshopId } of expected.workshops) {
      expect((await stat(path.join(dataDir, 'workshops', workshopId))).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(dataDir, 'workshops', workshopId, 'log'))).mode & 0o777).toBe(
        0o600,
      );
    }

    // Over the real transports: each console finds its workshop, notes and theme.
    for (const w of expected.workshops) {
      const console_ = await connect(server.url!, {
        workshopId: w.workshopId,
        key: w.facilitatorKey,
      });
      const replica = openReplica(server.url!, await hello(console_), 'facilitator');
      const snap = await replica.waitFor((s) => s.workshop !== null);
      expect(snap.workshop!.title).toBe(w.title);
      expect(
        Object.values(snap.notes)
          .map((n) => n.text)
          .sort(),
      ).toEqual([...w.notes].sort());
      expect(Object.values(snap.themes).map((t) => t.title)).toEqual(w.themes);
    }
    closeClients();
    await server.stop();

    // The dots, in the store's own state.
    const store = await DurableStore.open(dataDir);
    for (const w of expected.workshops) {
      const state = (await store.load(w.workshopId))!.state;
      const dots = Object.values(state.dots ?? {}).flatMap((byCandidate) =>
        Object.values(byCandidate),
      );
      expect(dots.reduce((a, b) => a + b, 0)).toBe(w.dots);
    }
    await store.close();

    // A second start: nothing to migrate, no second copy.
    const again = await start(dataDir);
    expect(again.url).not.toBeNull();
    expect(again.stdout).not.toContain('upgraded');
    expect((await readdir(dataDir)).filter((e) => e.startsWith('pre-upgrade-'))).toHaveLength(1);
    await again.stop();
  }, 40_000);

  it('[OP11] a directory marked with a newer format version is refused with one line naming both versions, and nothing in it changes', async () => {
    const dataDir = path.join(work, 'v3');
    await cp(FIXTURE, dataDir, { recursive: true });
    await writeFile(
      path.join(dataDir, 'format.json'),
      JSON.stringify({ format: 'cocrea-data', version: 3 }),
    );
    const before = await tree(dataDir);
    const server = await start(dataDir);
    expect(server.url).toBeNull();
    expect(server.code).toBe(1);
    const lines = server.stderr.trim().split('\n');
    expect(lines, server.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/format version 3, made by a newer cocrea.*format version 2/);
    expect(lines[0]).toContain(dataDir);
    expect(await tree(dataDir)).toEqual(before);
  });

  it('[OP12] a new, empty data directory starts in the current format version, with nothing to migrate', async () => {
    const dataDir = path.join(work, 'new');
    const server = await start(dataDir);
    expect(server.url, server.stderr).not.toBeNull();
    expect(server.stdout).not.toContain('upgraded');
    expect(JSON.parse(await readFile(path.join(dataDir, 'format.json'), 'utf8')).version).toBe(2);
    expect((await readdir(dataDir)).filter((e) => e.startsWith('pre-upgrade-'))).toEqual([]);
    await server.stop();
  });
});

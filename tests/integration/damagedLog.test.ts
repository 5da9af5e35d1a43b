import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableStore } from '../../server/store/durable';
import { scenario } from '../unit/store/scenario';
import { bundleServerProcess } from './processes';

// The production entry (server/index.ts), bundled as `npm run build` does, next to a stub of the
// SvelteKit handler it loads: what an operator sees when a log is damaged.
let root: string;
let dataDir: string;
let logFile: string;
let damagedAt: number;

beforeAll(async () => {
  await mkdir(path.resolve('node_modules/.cache'), { recursive: true });
  root = await mkdtemp(path.resolve('node_modules/.cache/cocrea-entry-'));
  await bundleServerProcess('server/index.ts', path.join(root, 'dist', 'server.js'));
  await writeFile(path.join(root, 'package.json'), '{ "type": "module" }');
  await mkdir(path.join(root, 'build'));
  await writeFile(
    path.join(root, 'build', 'handler.js'),
    'export const handler = (req, res) => { res.statusCode = 404; res.end(); };\n',
  );

  dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-damaged-'));
  const { records, state } = scenario(4);
  const store = await DurableStore.open(dataDir);
  for (const record of records) await store.append(state.id, record);
  await store.close();
  logFile = path.join(dataDir, 'workshops', state.id, 'log');
  const bytes = await readFile(logFile);
  damagedAt = 8 + bytes.readUInt32LE(0);
  bytes[damagedAt + 20] = bytes[damagedAt + 20]! ^ 0x55;
  await writeFile(logFile, bytes);
}, 20_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

/** Run the entry until it exits (or says it listens: then it is stopped). */
function run(
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('listening on')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

describe('a damaged log at start-up', () => {
  it('[D3] the server stops with one plain line naming the file, the offset and what to do', async () => {
    const { code, err } = await run({ DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(err.trimEnd().split('\n')).toEqual([
      `cocrea: the log ${logFile} is damaged at byte ${damagedAt} and acknowledged records ` +
        'follow it: restore it from a backup, or move it aside to start without it ' +
        '(its workshop then comes back as of its last snapshot)',
    ]);
  });

  it('[D19] a bad COMPACT_BYTES stops the start the same way; a good one starts it', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'cocrea-empty-'));
    try {
      const bad = await run({ DATA_DIR: empty, COMPACT_BYTES: 'lots' });
      expect(bad.code).toBe(1);
      expect(bad.err.trimEnd().split('\n')).toEqual([
        'cocrea: COMPACT_BYTES must be a whole number of bytes (1 or more), not "lots"',
      ]);
      const good = await run({ DATA_DIR: empty, COMPACT_BYTES: '65536' });
      expect(good.out).toContain('cocrea listening on');
      expect(good.err).toBe('');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

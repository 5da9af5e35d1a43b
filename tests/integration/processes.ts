import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundle a server entry (the crash-test one by default) into a temp dir, or into `outfile`
 * (which must lie inside the project); returns its path.
 */
export async function bundleServerProcess(
  entry = 'tests/integration/fixtures/serverProcess.ts',
  outfile?: string,
): Promise<string> {
  // Inside the project, so that the bundle's bare imports resolve from node_modules (ESM
  // ignores NODE_PATH).
  await mkdir(path.resolve('node_modules/.cache'), { recursive: true });
  outfile ??= path.join(
    await mkdtemp(path.resolve('node_modules/.cache/cocrea-proc-')),
    'server.mjs',
  );
  await build({
    entryPoints: [path.resolve(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Start the bundled server as a child process on a free port of 127.0.0.1. */
export function spawnServer(
  script: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 10 s')), 10_000);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          child,
          kill: async (signal = 'SIGKILL') => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise((r) => child.once('exit', r));
            child.kill(signal);
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early with ${code}`));
    });
  });
}

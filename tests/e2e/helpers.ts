import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const SCREENSHOTS = path.resolve('tests/e2e/screenshots');

/** Debian's Chromium, headless, with a fresh profile and no background traffic. */
export async function launchBrowser(): Promise<{ browser: Browser; dispose: () => Promise<void> }> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}`);
  // playwright's launch() gives every browser a fresh, temporary user-data dir of its own.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    dispose: async () => {
      await browser.close();
    },
  };
}

/** A free TCP port on 127.0.0.1 (so a restarted server can come back on the same one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface BuiltServer {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Stop the process (SIGTERM by default); the data directory is kept. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stop and remove the data directory. */
  dispose(): Promise<void>;
}

/** The built app (`npm run build`), started as `npm start` would. */
export async function startBuiltServer(
  options: { port?: number; dataDir?: string; env?: Record<string, string> } = {},
): Promise<BuiltServer> {
  if (!existsSync('dist/server.js') || !existsSync('build/handler.js')) {
    throw new Error('the app is not built: run `npm run build` (npm test does it)');
  }
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'cocrea-data-'));
  const child = spawn(process.execPath, ['dist/server.js'], {
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 15 s')), 15_000);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What an e2e file runs against: the built server, Chromium, and the contexts to close. */
export interface E2E {
  /** Reassign to restart the server (the durability tests do); the last one is disposed. */
  server: BuiltServer;
  browser: Browser;
  contexts: BrowserContext[];
}

/** Start the built server and Chromium before the file's tests, and stop both after. */
export function useServerAndBrowser(
  serverOptions: () => Promise<Parameters<typeof startBuiltServer>[0]> = async () => ({}),
): E2E {
  const e2e = { contexts: [] as BrowserContext[] } as E2E;
  let disposeBrowser: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    e2e.server = await startBuiltServer(await serverOptions());
    ({ browser: e2e.browser, dispose: disposeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    for (const c of e2e.contexts) await c.close();
    await disposeBrowser?.();
    await e2e.server?.dispose();
  });
  return e2e;
}

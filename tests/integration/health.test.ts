import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../server/app';
import { writableDirectory } from '../../server/health';
import { createLogger, useLogger } from '../../server/log';
import { DurableStore } from '../../server/store/durable';
import { MemoryStore } from '../../server/store/memory';
import type { LoadedWorkshop } from '../../server/store/types';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { closeClients, connect, createWorkshop } from './helpers';
import { bundleServerProcess, spawnServer, type ServerProcess } from './processes';

/*
 * GET /healthz (the process serves) and GET /readyz (it takes work: loaded, not stopping, its
 * data directory writable), over the real server: what they answer, to which methods, that
 * loopback is never limited, and that nothing a stranger sends on those paths stops the process.
 */

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (no keep-alive: every request is counted on its own). */
function request(
  url: string,
  target: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${target}`,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(3000, () => req.destroy(new Error(`no answer to ${target}`)));
    req.end();
  });
}

const running: RunningServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  closeClients();
  for (const server of running.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function serve(options: Partial<Parameters<typeof startServer>[0]> = {}) {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    store: new MemoryStore(),
    ...options,
  });
  running.push(server);
  return server;
}

describe('/healthz and /readyz', () => {
  it('[OP20] answer GET and HEAD with JSON that is never cached: alive, and ready once serving', async () => {
    const { url } = await serve();
    const alive = await request(url, '/healthz');
    expect(alive.status).toBe(200);
    expect(JSON.parse(alive.body)).toEqual({ status: 'ok' });
    expect(alive.headers['content-type']).toMatch(/^application\/json/);
    expect(alive.headers['cache-control']).toBe('no-store');
    const ready = await request(url, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true });
    expect(ready.headers['cache-control']).toBe('no-store');
    for (const target of ['/healthz', '/readyz', '/readyz?probe=1']) {
      const head = await request(url, target, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    }
    // Only those two paths: a neighbour is the pages' (404 without them here).
    expect((await request(url, '/healthz/x')).status).toBe(404);
  });

  it('[OP21] refuse every other method with 405 and Allow: GET, HEAD', async () => {
    const { url } = await serve();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const target of ['/healthz', '/readyz']) {
        const answer = await request(url, target, { method });
        expect(answer.status, `${method} ${target}`).toBe(405);
        expect(answer.headers.allow).toBe('GET, HEAD');
      }
    }
    expect((await request(url, '/healthz')).status).toBe(200);
  });

  it('[OP22] tell no secret: the answers are the same few words whatever the server holds', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-health-'));
    dirs.push(dataDir);
    const createToken = 'create-token-that-must-not-show';
    const server = await serve({
      store: await DurableStore.open(dataDir),
      createToken,
      probe: writableDirectory(dataDir),
    });
    await createWorkshop(server.url, { createToken });
    const answers = [await request(server.url, '/healthz'), await request(server.url, '/readyz')];
    // Not ready: the data directory is gone (still no path, no error text).
    await rm(dataDir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 2100));
    const unready = await request(server.url, '/readyz');
    expect(unready.status).toBe(503);
    expect(JSON.parse(unready.body)).toEqual({ ready: false, reason: 'store-unwritable' });
    answers.push(unready);
    for (const { body, headers } of [...answers]) {
      const all = body + JSON.stringify(headers);
      for (const secret of [createToken, dataDir, server.realtime.epoch, 'ENOENT']) {
        expect(all).not.toContain(secret);
      }
      expect(headers['set-cookie']).toBeUndefined();
    }
    // It is alive all the same.
    expect((await request(server.url, '/healthz')).status).toBe(200);
  });

  it('[OP23] probe the store at most once every two seconds, however often asked', async () => {
    let probes = 0;
    const { url } = await serve({ probe: async () => void probes++ });
    const answers = await Promise.all(Array.from({ length: 40 }, () => request(url, '/readyz')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(probes).toBe(1);
  });

  it('[OP23] say once, at error level, that the store stopped taking writes (with its error code), not once per probe; again if it stops again after taking them', async () => {
    let failing = true;
    const { url } = await serve({
      probe: async () => {
        if (failing) throw Object.assign(new Error('read-only'), { code: 'EROFS' });
      },
    });
    const lines: string[] = [];
    const previous = useLogger(
      createLogger('error', { write: (line: string) => lines.push(line) }),
    );
    try {
      const said = () => lines.filter((l) => l.includes('takes no writes'));
      expect((await request(url, '/readyz')).status).toBe(503);
      await new Promise((r) => setTimeout(r, 2100));
      expect((await request(url, '/readyz')).status).toBe(503);
      expect(said()).toHaveLength(1);
      expect(JSON.parse(said()[0]!)).toMatchObject({ level: 'error', code: 'EROFS' });
      failing = false;
      await new Promise((r) => setTimeout(r, 2100));
      expect((await request(url, '/readyz')).status).toBe(200);
      failing = true;
      await new Promise((r) => setTimeout(r, 2100));
      expect((await request(url, '/readyz')).status).toBe(503);
      expect(said()).toHaveLength(2);
    } finally {
      useLogger(previous);
    }
  });

  it('[OP24] never limit loopback; limit a stranger (behind the trusted proxy) with 429 and Retry-After, and nobody else', async () => {
    const { url } = await serve({ trustProxy: 1 });
    const from = (address: string) => ({ headers: { 'X-Forwarded-For': address } });
    const stranger: number[] = [];
    for (let i = 0; i < 130; i++) {
      stranger.push((await request(url, '/healthz', from('203.0.113.9'))).status);
    }
    expect(stranger.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(stranger.slice(100)).toContain(429);
    const limited = await request(url, '/readyz', from('203.0.113.9'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address has its own budget; this machine has none at all.
    expect((await request(url, '/healthz', from('198.51.100.4'))).status).toBe(200);
    const local: number[] = [];
    for (let i = 0; i < 300; i++) local.push((await request(url, '/healthz')).status);
    for (let i = 0; i < 20; i++) local.push((await request(url, '/readyz')).status);
    expect(new Set(local)).toEqual(new Set([200]));
    expect((await request(url, '/healthz', from('127.0.0.1'))).status).toBe(200);
    expect((await request(url, '/healthz', from('::1'))).status).toBe(200);
  });
});

/** A port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A memory store whose start-up load waits until `release` is called. */
class SlowLoadStore extends MemoryStore {
  open!: () => void;
  readonly #gate = new Promise<void>((resolve) => (this.open = resolve));
  override async loadAll(): Promise<LoadedWorkshop[]> {
    await this.#gate;
    return super.loadAll();
  }
}

describe('while the workshops load', () => {
  it('[OP25] it listens already: alive, not ready ("starting"), 503 with Retry-After for the rest, realtime refused cleanly; then it serves', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const store = new SlowLoadStore();
    const starting = startServer({ port, host: '127.0.0.1', store });
    // Until the port answers.
    await expect
      .poll(() =>
        request(url, '/healthz').then(
          (a) => a.status,
          () => 0,
        ),
      )
      .toBe(200);
    const readyz = await request(url, '/readyz');
    expect(readyz.status).toBe(503);
    expect(JSON.parse(readyz.body)).toEqual({ ready: false, reason: 'starting' });
    for (const target of ['/', '/join/ABC123', '/socket.io/?EIO=4&transport=polling', '/import']) {
      const answer = await request(url, target);
      expect(answer.status, target).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.body).toMatch(/^cocrea démarre .*\ncocrea is starting/s);
    }
    const replica = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/yjs/w.e.public?ticket=x`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('error', () => resolve(-1));
    });
    expect(replica).toBe(503);
    const refused = await new Promise<string>((resolve) => {
      const socket = io(url, {
        auth: { v: PROTOCOL_VERSION },
        transports: ['websocket'],
        reconnection: false,
      });
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', () => resolve('refused'));
    });
    expect(refused).toBe('refused');

    store.open();
    const server = await starting;
    running.push(server);
    expect((await request(url, '/readyz')).status).toBe(200);
    await connect(url);
    expect((await request(url, '/')).status).toBe(404);
  });
});

describe('a stranger on the health paths', () => {
  let script: string;
  let child: ServerProcess | null = null;
  let dataDir: string;
  afterAll(async () => {
    await child?.kill();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (script) await rm(path.dirname(script), { recursive: true, force: true });
  });

  /** Raw bytes to the server; resolves with what came back (or nothing) once it closes. */
  function raw(port: number, bytes: string, waitMs = 500): Promise<string> {
    return new Promise((resolve) => {
      let got = '';
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      socket.on('data', (chunk) => (got += chunk.toString('latin1')));
      socket.on('error', () => {});
      const done = () => resolve(got);
      socket.on('close', done);
      setTimeout(() => {
        socket.destroy();
        done();
      }, waitMs);
    });
  }

  it('[OP26] cannot stop the process: garbage requests, bad methods, floods and half requests on /healthz and /readyz', async () => {
    script = await bundleServerProcess('tests/integration/fixtures/httpServerProcess.ts');
    dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-health-proc-'));
    child = await spawnServer(script, dataDir, { PORT: '0', HOST: '127.0.0.1' });
    const port = Number(new URL(child.url).port);
    const attacks = [
      'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'GET /readyz?%zz%00 HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET /healthz?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n',
      'GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\n', // never finished
      'BREW /healthz HTCPCP/1.0\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ::::,[zz\r\n\r\n',
      '\u0000\u00ff\r\n\r\nGET /readyz',
      'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(200), // a pipelined flood
    ];
    const answers = await Promise.all(attacks.map((bytes) => raw(port, bytes)));
    // The pipelined flood was answered, every one of its requests (loopback: never limited).
    expect(answers.at(-1)!.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(200);
    expect(answers[3]).toMatch(/^HTTP\/1\.1 405/);
    expect(child.child.exitCode).toBeNull();
    expect(child.child.signalCode).toBeNull();
    const after = await request(child.url, '/healthz');
    expect(JSON.parse(after.body)).toEqual({ status: 'ok' });
    expect((await request(child.url, '/readyz')).status).toBe(200);
  });
});

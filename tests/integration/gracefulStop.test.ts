import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveWorkshop } from '../../src/lib/client/live.svelte';
import { newRejoinCode } from '../../src/lib/client/opId';
import type { ConnectionStatus } from '../../src/lib/client/live.svelte';
import { closeClients, connect, createWorkshop, hello, joinAs, openReplica, send } from './helpers';
import { bundleServerProcess } from './processes';

/*
 * SIGTERM (and SIGINT) against the real server in its own process, with the signal handling of
 * `npm start`: while phones post notes, the server stops taking anything new, lets what it took
 * reach the disk and its answers go out, tells every client it restarts, and exits 0. Restarted
 * on the same data and port, every acknowledged note is there once, and the phones' outboxes
 * deliver the rest by themselves, each note exactly once, without showing any error.
 */

let script: string;
const dirs: string[] = [];
const children = new Set<ChildProcess>();
const lives = new Set<LiveWorkshop>();

beforeAll(async () => {
  script = await bundleServerProcess('tests/integration/fixtures/stoppingServerProcess.ts');
});
afterEach(async () => {
  for (const live of lives) live.close();
  lives.clear();
  closeClients();
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  await rm(path.dirname(script), { recursive: true, force: true });
});

interface Child {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far, both streams. */
  out: () => string;
  /** Its exit code (or 128 + signal) and when it came, once it has exited. */
  exited: Promise<{ code: number; at: number }>;
}

/** The stopping server fixture as a child process; both its streams are kept. */
function start(dataDir: string, port: number, env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number; at: number }>((resolve) =>
    // 'close', not 'exit': by then everything it printed has been read.
    child.once('close', (code, signal) =>
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), at: Date.now() }),
    ),
  );
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve({ url: match[1]!, child, out: () => out, exited });
      }
    }, 10);
    void exited.then(({ code }) => {
      clearInterval(timer);
      reject(new Error(`server exited early with ${code}: ${out}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cocrea-stop-'));
  dirs.push(dir);
  return dir;
}

/** /readyz's status, or 0 when nothing answers. */
function readyz(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/readyz`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => req.destroy());
  });
}

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/** A phone as the browser runs it (LiveWorkshop, outbox included), joined. */
async function livePhone(url: string, joinCode: string, name: string): Promise<LiveWorkshop> {
  const live = new LiveWorkshop(
    { code: joinCode, as: 'participant', token: randomBytes(16).toString('base64url') },
    {
      origin: url,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      outboxKey: `cocrea:outbox:${name}`,
      storage: memoryStorage(),
    },
  );
  lives.add(live);
  await expect.poll(() => live.status).toBe('online');
  const ack = await live.send({
    type: 'joinWorkshop',
    name,
    sector: null,
    rejoinCode: newRejoinCode(),
  });
  expect(ack.ok).toBe(true);
  await expect.poll(() => live.welcome?.role).toBe('participant');
  return live;
}

interface Sent {
  op: string;
  text: string;
  phone: number;
  /** 'ok', a refusal code, or 'none' (no answer: the connection went). */
  answer: string | null;
}

/** Post notes one after another through a raw socket.io client until stopped or cut. */
async function post(
  socket: Socket,
  phone: number,
  target: { boardId: string; columnId: string },
  sent: Sent[],
  stop: { now: boolean },
): Promise<void> {
  // (under the 200 notes a participant may write)
  for (let i = 0; !stop.now && i < 150; i++) {
    const entry: Sent = {
      op: `raw-p${phone}-n${i}-xx`,
      text: `raw p${phone} n${i}`,
      phone,
      answer: null,
    };
    sent.push(entry);
    try {
      const ack = await send(socket, { type: 'addNote', ...target, text: entry.text }, entry.op);
      entry.answer = ack.ok ? 'ok' : ack.error.code;
    } catch {
      entry.answer = 'none';
      return;
    }
    if (!socket.connected) return;
    await new Promise((r) => setTimeout(r, 3));
  }
}

describe('SIGTERM while phones post', () => {
  it('[OP30] [OP31] [OP32] [OP33] nothing acknowledged is lost, nothing doubled; clients are told and come back by themselves; /readyz says 503 while it drains; exit 0 within the bound', async () => {
    const dir = await dataDir();
    const port = await freePort();
    // A slow fdatasync (120 ms): the stop always finds commands on their way to the disk.
    const env = { SLOW_SYNC_MS: '120' };
    let server = await start(dir, port, env);
    const { url } = server;
    const { joinCode, workshopId } = await createWorkshop(url);

    // Two raw phones (to see each answer) and three phones as the browser runs them.
    const raws: Awaited<ReturnType<typeof joinAs>>[] = [];
    for (let p = 0; p < 2; p++) raws.push(await joinAs(url, joinCode, `Raw${p}`));
    const told: number[] = [];
    raws.forEach(({ socket }, p) => socket.on('restarting', () => told.push(p)));
    const phones: LiveWorkshop[] = [];
    for (let p = 0; p < 3; p++) phones.push(await livePhone(url, joinCode, `Live${p}`));
    const welcome = await hello(raws[0]!.socket);
    const replica = openReplica(url, welcome);
    const snap = await replica.waitFor((s) => s.workshop !== null);
    const boardId = snap.workshop!.stages.define.boardIds[0]!;
    const target = { boardId, columnId: snap.boards[boardId]!.columns[0]!.id };

    // What the browser phones go through, sampled every 5 ms.
    const seen = phones.map(() => ({ statuses: new Set<ConnectionStatus>(), restarting: false }));
    const sampler = setInterval(() => {
      phones.forEach((live, p) => {
        seen[p]!.statuses.add(live.status);
        if (live.restarting) seen[p]!.restarting = true;
      });
    }, 5);

    // The browser phones queue a note every 15 ms, before, during and after the stop.
    const queued: string[] = [];
    let n = 0;
    const queueing = setInterval(() => {
      if (n === 100) return; // (under the 200 notes a participant may write)
      phones.forEach((live, p) => {
        const text = `live p${p} n${n}`;
        queued.push(text);
        live.queue({ type: 'addNote', ...target, text });
      });
      n++;
    }, 15);

    const sent: Sent[] = [];
    const stop = { now: false };
    const posting = raws.map(({ socket }, p) => post(socket, p, target, sent, stop));
    await new Promise((r) => setTimeout(r, 700));

    // /readyz, every 10 ms from the signal until nothing answers.
    const readiness: number[] = [];
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const polling = (async () => {
      for (;;) {
        const status = await readyz(url);
        readiness.push(status);
        if (status === 0) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const { code, at } = await server.exited;
    stop.now = true;
    await Promise.all(posting);
    await polling;
    clearInterval(queueing);

    // [OP30] exit 0, well within the bound, saying what it did in one line.
    expect(`${code} ${server.out()}`).toMatch(/^0 /);
    expect(at - signalledAt).toBeLessThan(4000);
    expect(server.out()).toMatch(
      /cocrea stopped on SIGTERM in \d+ ms: \d+ commands under way reached the disk, \d+ HTTP requests finished, \d+ sessions and \d+ replica connections told the server restarts/,
    );
    // The stop did find commands on their way to the disk (otherwise this proves little).
    const inFlight = Number(/(\d+) commands under way reached the disk/.exec(server.out())![1]);
    expect(inFlight).toBeGreaterThan(0);
    // [OP31] not ready while it drained (and never ready again once it said no).
    const firstNo = readiness.indexOf(503);
    expect(firstNo).toBeGreaterThanOrEqual(0);
    expect(readiness.slice(firstNo).every((s) => s === 503 || s === 0)).toBe(true);
    // [OP32] every raw phone was told; each command got an answer or the connection went,
    // and the only refusal was RESTARTING (commands sent while it drained).
    expect(new Set(told)).toEqual(new Set([0, 1]));
    const answers = new Set(sent.map((s) => s.answer));
    for (const answer of answers) expect(['ok', 'RESTARTING', 'none']).toContain(answer);
    expect(sent.filter((s) => s.answer === 'ok').length).toBeGreaterThan(4);
    const refusedWhileDraining = sent.filter((s) => s.answer === 'RESTARTING').length;
    // the browser phones heard it too, and never showed a warning
    for (const s of seen) expect(s.restarting).toBe(true);

    // Back up on the same data and port.
    closeClients();
    server = await start(dir, port);
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    const fresh = await hello(projector);
    expect(fresh.workshopId).toBe(workshopId);
    const after = openReplica(url, fresh);
    const restored = await after.waitFor((s) => s.workshop !== null);
    const texts = () => Object.values(after.snapshot.notes).map((note) => note.text);
    // [OP30] every acknowledged note is there, exactly once.
    for (const entry of sent.filter((s) => s.answer === 'ok')) {
      expect(Object.values(restored.notes).filter((note) => note.text === entry.text)).toHaveLength(
        1,
      );
    }
    // [OP33] the browser phones deliver what waited, by themselves; the raw ones resend theirs.
    const resend = await Promise.all(
      raws.map((r) => connect(url, { code: joinCode, as: 'participant', token: r.token })),
    );
    for (const entry of sent.filter((s) => s.answer !== 'ok')) {
      const ack = await send(
        resend[entry.phone]!,
        { type: 'addNote', ...target, text: entry.text },
        entry.op,
      );
      expect(ack.ok).toBe(true);
    }
    await expect
      .poll(
        () =>
          phones.map((live) => ({
            status: live.status,
            outbox: live.outbox.map((e) => e.status + (e.error ? ` ${e.error.code}` : '')),
          })),
        { timeout: 20_000 },
      )
      .toEqual(phones.map(() => ({ status: 'online', outbox: [] })));
    clearInterval(sampler);
    const all = [...queued, ...sent.map((s) => s.text)].sort();
    await expect.poll(() => texts().length, { timeout: 10_000 }).toBe(all.length);
    expect(texts().sort()).toEqual(all);
    for (const [p, s] of seen.entries()) {
      expect(
        [...s.statuses].filter((x) => x !== 'online' && x !== 'connecting'),
        `phone ${p}`,
      ).toEqual([]);
      expect(phones[p]!.refusal).toBeNull();
    }
    console.log(
      `graceful stop: ${sent.length} raw notes (${refusedWhileDraining} refused while draining), ${queued.length} queued by browser phones, stopped in ${at - signalledAt} ms`,
    );
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 60_000);
});

describe('a stop that takes long', () => {
  /** A server with a very slow disk and one command on its way to it. */
  async function busy(env: Record<string, string>): Promise<Child> {
    const server = await start(await dataDir(), await freePort(), { SLOW_SYNC_MS: '4000', ...env });
    const visitor = await connect(server.url);
    // The creation waits on the slow disk: the stop will wait for it.
    void send(visitor, {
      type: 'createWorkshop',
      title: 'Lent',
      question: 'Lent ?',
      language: 'fr',
      sectors: ['A', 'B', 'C'],
    }).catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    return server;
  }

  it('[OP34] a second SIGTERM exits at once with 143, a second SIGINT with 130', async () => {
    for (const [signal, expected] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      const server = await busy({});
      server.child.kill(signal);
      await new Promise((r) => setTimeout(r, 150));
      expect(server.child.exitCode).toBeNull();
      const again = Date.now();
      server.child.kill(signal);
      const { code, at } = await server.exited;
      expect(code).toBe(expected);
      expect(at - again).toBeLessThan(1000);
      expect(server.out()).toContain(`${signal} again, stopping at once`);
    }
  });

  it('[OP35] past its bound (DRAIN_MS), the stop gives up, says so and exits 1', async () => {
    const server = await busy({ DRAIN_MS: '600' });
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const { code, at } = await server.exited;
    expect(code).toBe(1);
    expect(at - signalled).toBeGreaterThanOrEqual(550);
    expect(at - signalled).toBeLessThan(2500);
    expect(server.out()).toContain('took longer than 600 ms, stopping anyway');
    expect(server.out()).toContain('it was waiting for commands under way');
  });
});

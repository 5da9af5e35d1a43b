// What every bench scenario shares: the servers (pinned to core 0), the simulated phones, the
// figures and their targets. Plain JS run by node against the built server (dist/server.js).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const HAS_TASKSET =
  spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0;

/** The bench's own threads on core 1, so the server has core 0 to itself (as far as we can). */
export function pinBenchProcess() {
  if (!HAS_TASKSET) return false;
  try {
    execFileSync('taskset', ['-a', '-pc', '1', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function percentile(xs, p) {
  if (xs.length === 0) return null;
  const sorted = Float64Array.from(xs).sort();
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}
export const round = (x, digits = 1) => (x === null ? null : Number(x.toFixed(digits)));

/** A figure next to its target: `met` is null when there is nothing to compare (no value). */
export function figure(value, target, met) {
  return { value, target, met: value === null || value === undefined ? null : met };
}

/** CPU time (user + system) of a process, in ms. */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
export const rssKb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

/**
 * Loopback addresses for the phones: a venue's phones come from a few addresses, and the
 * server's per-address budgets (100 new participants, 5 creations) would otherwise make a
 * 500-phone room take minutes to fill. Every one of them is 127.0.0.0/8: nothing leaves the host.
 */
export const phoneAddress = (i) => `127.0.0.${10 + Math.floor(i / 90)}`;
export const creatorAddress = (i) => `127.0.1.${10 + Math.floor(i / 4)}`;

/** Start a node script pinned to core 0; resolves once it prints `listening on <url>`. */
export async function startProcess(script, env, { args = [], nodeArgs = MEMORY_PROBE } = {}) {
  const command = HAS_TASKSET ? 'taskset' : process.execPath;
  const own = [...nodeArgs, script, ...args];
  const argv = HAS_TASKSET ? ['-c', '0', process.execPath, ...own] : own;
  const startedAt = performance.now();
  const child = spawn(command, argv, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s`)), 60_000);
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited ${code}`));
    });
  });
  const listeningAt = performance.now();
  return {
    url,
    pid: child.pid,
    child,
    startedAt,
    listeningAt,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Every server the bench starts can be asked for its live memory (`serverMemory`): a preload
 * that collects garbage on SIGUSR2 and prints the heap's figures. Costs nothing until asked.
 */
const MEMORY_PROBE = ['--expose-gc', '--import', new URL('memprobe.js', import.meta.url).href];

/**
 * What a server holds alive, after a full garbage collection: the JS heap plus memory outside it
 * (Buffers, zlib, …), in KB. RSS is printed beside it but is no measure of what a phone costs:
 * it keeps the high-water mark of the heap and whatever the allocator has not returned.
 */
export async function serverMemory(server) {
  const line = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no memory figures from the server')), 30_000);
    let out = '';
    const onData = (c) => {
      out += c;
      const m = /bench-memory (\{.*\})\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      server.child.stdout.off('data', onData);
      resolve(JSON.parse(m[1]));
    };
    server.child.stdout.on('data', onData);
  });
  server.child.kill('SIGUSR2');
  const m = await line;
  if (!m.gc) throw new Error('the server runs without --expose-gc: its heap figures would lie');
  return {
    liveKb: Math.round((m.heapUsed + m.external) / 1024),
    heapKb: Math.round(m.heapUsed / 1024),
    externalKb: Math.round(m.external / 1024),
    rssKb: Math.round(m.rss / 1024),
    snapshot: m.snapshot,
  };
}

export function requireBuild() {
  if (!existsSync('dist/server.js') || !existsSync('build/handler.js')) {
    console.error('Build first: npm run build');
    process.exit(1);
  }
}

export const newDataDir = () => mkdtempSync(path.join(tmpdir(), 'cocrea-bench-'));
export const removeDir = (dir) => rmSync(dir, { recursive: true, force: true });

/** The server under test: dist/server.js, or another bundle (BENCH_SERVER) to compare builds. */
export const SERVER_SCRIPT = process.env.BENCH_SERVER || 'dist/server.js';

export async function startCocrea(dataDir) {
  return startProcess(SERVER_SCRIPT, { DATA_DIR: dataDir });
}

export function connectSocket(url, auth, localAddress) {
  const socket = io(url, {
    auth: { v: 1, ...auth },
    transports: ['websocket'],
    reconnection: false,
    localAddress,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.disconnect();
      reject(new Error(`connect: ${e.data?.code ?? e.message}`));
    });
  });
}

let opSeq = 0;
export const counters = { rateLimited: 0 };
/** Send a command; RATE_LIMITED waits and retries (the per-person budget is 10 a second). */
export async function send(socket, cmd) {
  const op = `bench-op-${++opSeq}`;
  for (let tries = 0; ; tries++) {
    const ack = await socket.timeout(60_000).emitWithAck('cmd', { v: 1, op, cmd });
    if (ack.ok) return ack.value;
    if (ack.error.code !== 'RATE_LIMITED' || tries > 600) {
      throw new Error(`${cmd.type}: ${ack.error.code}`);
    }
    counters.rateLimited++;
    await sleep(200 + randomInt(300));
  }
}

export async function hello(socket) {
  for (let tries = 0; ; tries++) {
    const ack = await socket.timeout(60_000).emitWithAck('hello');
    if (ack.ok) return ack.value;
    if (ack.error.code !== 'RATE_LIMITED' || tries > 120)
      throw new Error(`hello: ${ack.error.code}`);
    await sleep(1000);
  }
}

export const rejoinCode = () =>
  Array.from({ length: 8 }, () => 'ACDEFGHJKMNPQRTUVWXY3467'[randomInt(24)]).join('');
export const deviceToken = () => randomBytes(16).toString('base64url');

/** A workshop created by a visitor; returns its join code and the facilitator's socket. */
export async function createWorkshop(url, index, title = 'Bench') {
  const address = creatorAddress(index);
  const visitor = await connectSocket(url, {}, address);
  const created = await send(visitor, {
    type: 'createWorkshop',
    title: `${title} ${index}`,
    question: 'Charge',
    language: 'fr',
    sectors: ['A', 'B', 'C'],
  });
  visitor.disconnect();
  const facilitator = await connectSocket(
    url,
    { workshopId: created.workshopId, key: created.key ?? created.facilitatorKey },
    address,
  ).catch(() => null);
  return { ...created, facilitator };
}

// Notes carry a marker `bm<seq>z`: Yjs writes strings as UTF-8, so a phone finds it in the raw
// bytes of an update without decoding it.
export const marker = (seq) => `bm${seq}z`;
const Z = 'z'.charCodeAt(0);
export function scanMarkers(buf, onSeq) {
  let i = buf.indexOf('bm');
  while (i !== -1) {
    let j = i + 2;
    let n = 0;
    while (j < buf.length && buf[j] >= 48 && buf[j] <= 57) n = n * 10 + buf[j++] - 48;
    if (j > i + 2 && buf[j] === Z) onSeq(n);
    i = buf.indexOf('bm', j);
  }
}

/**
 * A thin replica connection: the y-websocket protocol's handshake (our empty state vector, an
 * empty answer to the server's), then every update scanned for markers. No Y.Doc.
 */
export function thinReplica(wsBase, grant, localAddress, onSeq, keepState = false) {
  const ws = new WebSocket(
    `${wsBase}/yjs/${grant.room}?ticket=${encodeURIComponent(grant.ticket)}`,
    {
      localAddress,
    },
  );
  ws.binaryType = 'nodebuffer';
  let synced;
  let state = null;
  const syncedP = new Promise((resolve, reject) => {
    synced = resolve;
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`replica closed ${code}`)));
  });
  ws.on('open', () => {
    ws.send(Uint8Array.of(0, 0, 1, 0)); // sync step 1: a state vector that holds nothing
  });
  ws.on('message', (buf) => {
    if (buf[0] !== 0) return;
    if (buf[1] === 0) {
      ws.send(Uint8Array.of(0, 1, 2, 0, 0)); // step 2: an empty update, as a client with nothing
      return;
    }
    if (buf[1] === 1) {
      if (keepState && !state) state = buf;
      synced(performance.now());
    }
    if (onSeq) scanMarkers(buf, onSeq);
  });
  return { ws, synced: syncedP, close: () => ws.terminate(), state: () => state };
}

/** A full replica (the stock y-websocket client and a Y.Doc), to check what the thin ones saw. */
export function fullReplica(wsBase, grant, onSeq) {
  const doc = new Y.Doc();
  if (onSeq) doc.on('update', (update) => scanMarkers(Buffer.from(update), onSeq));
  const provider = new WebsocketProvider(`${wsBase}/yjs`, grant.room, doc, {
    params: { ticket: grant.ticket },
    disableBc: true,
    WebSocketPolyfill: WebSocket,
  });
  provider.awareness.setLocalState(null);
  const synced = provider.synced
    ? Promise.resolve()
    : new Promise((r) => provider.once('sync', () => r()));
  return {
    doc,
    synced,
    close() {
      provider.awareness.destroy();
      provider.destroy();
    },
  };
}

/**
 * A phone of cocrea: socket.io with the real client, join, hello, and a replica connection per
 * granted room (thin, or full for a few). `onSeq(phone, seq)` on each marker seen.
 */
export async function cocreaPhone(
  url,
  joinCode,
  i,
  { full = false, onSeq, token, join = true, keepState = false, vision = false } = {},
) {
  const localAddress = phoneAddress(i);
  token ??= deviceToken();
  const socket = await connectSocket(
    url,
    { code: joinCode, as: 'participant', token },
    localAddress,
  );
  if (join) {
    await send(socket, {
      type: 'joinWorkshop',
      name: `Phone ${i}`,
      sector: null,
      rejoinCode: rejoinCode(),
    });
  }
  const welcome = await hello(socket);
  const wsBase = url.replace('http', 'ws');
  const phone = { i, socket, token, replicas: [], welcome, fullDocs: [] };
  for (const grant of welcome.rooms) {
    if (full && grant.audience === 'public') {
      const r = fullReplica(wsBase, grant, onSeq ? (seq) => onSeq(phone, seq) : null);
      phone.fullDocs.push(r.doc);
      phone.replicas.push(r);
    } else {
      const r = thinReplica(
        wsBase,
        grant,
        localAddress,
        onSeq ? (seq) => onSeq(phone, seq) : null,
        keepState && grant.audience === 'public',
      );
      if (grant.audience === 'public') phone.publicState = r.state;
      phone.replicas.push(r);
    }
  }
  // The writable vision room (issue 13): a phone's client opens it while the workshop is in
  // Devenir only; the bench's workshops stay in Définition, so only `vision: true` opens it.
  if (vision && welcome.vision) {
    phone.replicas.push(thinReplica(wsBase, welcome.vision, localAddress, null));
  }
  phone.synced = Promise.all(phone.replicas.map((r) => r.synced)).then(() => performance.now());
  phone.close = () => {
    for (const r of phone.replicas) r.close();
    socket.disconnect();
  };
  return phone;
}

/** A replica's state as sync step 2 carried it, decoded once into a Y.Doc. */
export function docFromStep2(buf) {
  const decoder = decoding.createDecoder(buf);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  return doc;
}

/** Where phones post: the first board of the "define" stage, its first column. */
export function firstColumn(doc) {
  const meta = doc.getMap('meta').get('workshop');
  const boardId = meta?.stages?.define?.boardIds?.[0];
  const board = boardId && doc.getMap('boards').get(boardId);
  const columnId = board?.columns?.[0]?.id;
  if (!columnId) throw new Error('no board to post on: the replica layout changed?');
  return { boardId, columnId };
}

/** The median time to write 4 KB and fdatasync it here: what a durable ack costs at least. */
export function fsyncMs() {
  const dir = newDataDir();
  const fd = openSync(path.join(dir, 'f'), 'w');
  const block = Buffer.alloc(4096, 1);
  const times = [];
  for (let k = 0; k < 40; k++) {
    const t0 = performance.now();
    writeSync(fd, block);
    fdatasyncSync(fd);
    times.push(performance.now() - t0);
  }
  closeSync(fd);
  removeDir(dir);
  return percentile(times, 50);
}

/** Run `fn` over `items` with at most `limit` at a time. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const k = next++;
        results[k] = await fn(items[k], k);
      }
    }),
  );
  return results;
}

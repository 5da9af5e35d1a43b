// `npm run bench`: the built server under a room of phones, with the real clients, on 127.0.0.1.
// Prints one JSON object: ack latency, post → arrival on every replica, acknowledged commands per
// second, server memory per connection. Options: --phones N (200), --seconds S (10), --rate R
// (notes per second across the room, 40), --burst S (3: everyone posts as fast as acks allow).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { participantBundle } from './pageWeight.js';

const { values } = parseArgs({
  options: {
    phones: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '40' },
    burst: { type: 'string', default: '3' },
  },
});
const PHONES = Number(values.phones);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const BURST = Number(values.burst);

if (!existsSync('dist/server.js')) {
  console.error('Build first: npm run build');
  process.exit(1);
}

process.setMaxListeners(0); // y-websocket adds an exit listener per provider in Node
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs, p) => {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return Number(
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2),
  );
};
/** CPU time (user + system) of a process, in ms. */
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const rssKb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const dataDir = mkdtempSync(path.join(tmpdir(), 'cocrea-bench-'));
const child = spawn(process.execPath, ['dist/server.js'], {
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});

const sockets = [];
const providers = [];
let opSeq = 0;
function connect(auth) {
  const socket = io(url, {
    auth: { v: 1, ...auth },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}
let rateLimited = 0;
/** Send a command; a RATE_LIMITED answer (10 commands/s per connection) waits and retries. */
async function send(socket, cmd) {
  const op = `bench-op-${++opSeq}`;
  for (;;) {
    const ack = await socket.timeout(30_000).emitWithAck('cmd', { v: 1, op, cmd });
    if (ack.ok) return ack.value;
    if (ack.error.code !== 'RATE_LIMITED') throw new Error(`${cmd.type}: ${ack.error.code}`);
    rateLimited++;
    await sleep(100);
  }
}

try {
  const visitor = await connect({});
  const { joinCode } = await send(visitor, {
    type: 'createWorkshop',
    title: 'Bench',
    question: 'Charge',
    language: 'fr',
    sectors: ['A', 'B'],
  });
  await sleep(300);
  const rssBefore = rssKb(child.pid);

  const sentAt = new Map();
  const arrivals = [];
  const phones = [];
  for (let i = 0; i < PHONES; i++) {
    const socket = await connect({
      code: joinCode,
      as: 'participant',
      token: randomBytes(16).toString('base64url'),
    });
    const rejoinCode = Array.from(
      { length: 8 },
      () => 'ACDEFGHJKMNPQRTUVWXY3467'[randomInt(24)],
    ).join('');
    await send(socket, { type: 'joinWorkshop', name: `Phone ${i}`, sector: null, rejoinCode });
    const hello = await socket.timeout(10_000).emitWithAck('hello');
    const grant = hello.value.rooms[0];
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/yjs`, grant.room, doc, {
      params: { ticket: grant.ticket },
      disableBc: true,
      WebSocketPolyfill: WebSocket,
    });
    provider.awareness.setLocalState(null);
    providers.push(provider);
    doc.getMap('notes').observe((event) => {
      const now = performance.now();
      for (const [key, change] of event.changes.keys) {
        if (change.action !== 'add') continue;
        const t0 = sentAt.get(doc.getMap('notes').get(key)?.text);
        if (t0 !== undefined) arrivals.push(now - t0);
      }
    });
    phones.push({ socket, doc, provider });
  }
  await Promise.all(
    providers.map((p) => (p.synced ? null : new Promise((r) => p.once('sync', r)))),
  );
  await sleep(500);
  const rssConnected = rssKb(child.pid);
  const meta = phones[0].doc.getMap('meta').get('workshop');
  const boardId = meta.stages.define.boardIds[0];
  const columnId = phones[0].doc.getMap('boards').get(boardId).columns[0].id;

  // Phase 1: a steady rate across the room.
  const acks = [];
  const total = Math.round(RATE * SECONDS);
  const pending = [];
  const start = performance.now();
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const phone = phones[n % PHONES];
    const text = `steady ${n}`;
    const t0 = performance.now();
    sentAt.set(text, t0);
    pending.push(
      send(phone.socket, { type: 'addNote', boardId, columnId, text }).then(() =>
        acks.push(performance.now() - t0),
      ),
    );
  }
  await Promise.all(pending);
  const expectedArrivals = total * PHONES;
  const deadline = performance.now() + 30_000;
  while (arrivals.length < expectedArrivals && performance.now() < deadline) await sleep(50);
  const steadyArrivals = arrivals.length;

  // Phase 2: a burst, every phone posting as fast as its acks come back.
  const cpuBefore = cpuMs(child.pid);
  const burstStart = performance.now();
  let burstAcked = 0;
  const burstEnd = performance.now() + BURST * 1000;
  let burstSeq = 0;
  await Promise.all(
    phones.slice(0, Math.min(PHONES, 100)).map(async (phone) => {
      while (performance.now() < burstEnd) {
        await send(phone.socket, {
          type: 'addNote',
          boardId,
          columnId,
          text: `burst ${++burstSeq}`,
        });
        burstAcked++;
        if (burstSeq > PHONES * 150) break;
      }
    }),
  );
  const rssEnd = rssKb(child.pid);
  const serverCpuBurst = (cpuMs(child.pid) - cpuBefore) / (performance.now() - burstStart);

  console.log(
    JSON.stringify(
      {
        node: process.version,
        phones: PHONES,
        steady: { notes: total, ratePerSecond: RATE, seconds: SECONDS },
        ackMs: { p50: percentile(acks, 50), p99: percentile(acks, 99) },
        postToReplicaMs: {
          p50: percentile(arrivals.slice(0, steadyArrivals), 50),
          p99: percentile(arrivals.slice(0, steadyArrivals), 99),
          arrived: steadyArrivals,
          expected: expectedArrivals,
        },
        burst: {
          seconds: BURST,
          phones: Math.min(PHONES, 100),
          ackedPerSecond: Math.round(burstAcked / BURST),
          rateLimitedAnswers: rateLimited,
          serverCpuPercent: Math.round(serverCpuBurst * 100),
        },
        serverRssMb: {
          idle: Number((rssBefore / 1024).toFixed(1)),
          connected: Number((rssConnected / 1024).toFixed(1)),
          end: Number((rssEnd / 1024).toFixed(1)),
        },
        serverKbPerConnection: Number(((rssConnected - rssBefore) / PHONES).toFixed(1)),
        participantPageJsGzipKb: participantBundle().gzipKb,
      },
      null,
      2,
    ),
  );
} finally {
  for (const p of providers) {
    p.awareness.destroy();
    p.destroy();
  }
  for (const s of sockets) s.disconnect();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}

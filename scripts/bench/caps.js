// A room at the caps (5,000 notes, 60 themes, 500 participants) and a restart: how fast the
// workshop is served again, a reconnect storm of its 500 phones, a second busy workshop's acks
// meanwhile, then fan-out at 20 notes/s in the full room.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import {
  cocreaPhone,
  connectSocket,
  cpuMs,
  createWorkshop,
  deviceToken,
  docFromStep2,
  figure,
  firstColumn,
  HAS_TASKSET,
  marker,
  newDataDir,
  percentile,
  phoneAddress,
  pool,
  rejoinCode,
  removeDir,
  round,
  rssKb,
  send,
  serverMemory,
  sleep,
  startCocrea,
} from './lib.js';

const PARTICIPANTS = 500;
const THEMES = 60;
const NOTES = 5000;
const BUSY_PHONES = 25;

async function seed(dataDir, workshopId, notes) {
  const dir = path.resolve('node_modules/.cache/cocrea-bench');
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, 'seedCaps.mjs');
  await build({
    entryPoints: [path.resolve('scripts/bench/seedCaps.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  const run = spawnSync(
    process.execPath,
    [outfile, dataDir, workshopId, String(notes), String(THEMES)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (run.status !== 0) throw new Error('seeding failed');
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/** Join `count` people (tokens kept for the restart), each from its own loopback slot. */
async function joinPeople(url, joinCode, count, offset) {
  return pool(
    Array.from({ length: count }, (_, k) => k),
    25,
    async (k) => {
      const token = deviceToken();
      const socket = await connectSocket(
        url,
        { code: joinCode, as: 'participant', token },
        phoneAddress(offset + k),
      );
      await send(socket, {
        type: 'joinWorkshop',
        name: `Personne ${k}`,
        sector: null,
        rejoinCode: rejoinCode(),
      });
      socket.disconnect();
      return token;
    },
  );
}

export async function capsAndStorm({ rate, seconds, log }) {
  const dataDir = newDataDir();
  let server = await startCocrea(dataDir);
  const phones = [];
  const result = { pinned: HAS_TASKSET };
  try {
    // 1. Two workshops and their people, through the real server.
    const caps = await createWorkshop(server.url, 0, 'Caps');
    const busy = await createWorkshop(server.url, 1, 'Busy');
    caps.facilitator?.disconnect();
    busy.facilitator?.disconnect();
    const t0 = performance.now();
    const capsTokens = await joinPeople(server.url, caps.joinCode, PARTICIPANTS, 0);
    const busyTokens = await joinPeople(server.url, busy.joinCode, BUSY_PHONES, 560);
    log(
      `caps: ${PARTICIPANTS + BUSY_PHONES} joined in ${round((performance.now() - t0) / 1000)} s`,
    );
    await server.stop();

    // 2. Notes and themes straight into the log (the command budgets would take many minutes).
    const seedNotes = NOTES - Math.round(rate * seconds);
    const seeded = await seed(dataDir, caps.workshopId, seedNotes);
    log(`caps: seeded ${JSON.stringify(seeded)}`);
    result.workshop = { ...seeded, notesAfterMeasure: seeded.notes + Math.round(rate * seconds) };

    // 3. Restart: process start → first phone of the big workshop has its replica.
    server = await startCocrea(dataDir);
    const first = await cocreaPhone(server.url, caps.joinCode, 0, {
      token: capsTokens[0],
      join: false,
      keepState: true,
    });
    const firstAt = await first.synced;
    phones.push(first);
    const served = firstAt - server.startedAt;
    result.restart = {
      processStartToListeningMs: round(server.listeningAt - server.startedAt),
      processStartToFirstReplicaMs: round(served),
      target: figure(round(served), '≤ 500 ms (loaded and serving)', served <= 500),
    };
    const doc = docFromStep2(first.publicState());
    const capsColumn = firstColumn(doc);
    doc.destroy();

    // 4. The busy workshop's phones, then its notes at `rate` while 499 phones come back at once.
    const busyPhones = await pool(busyTokens, 25, (token, k) =>
      cocreaPhone(server.url, busy.joinCode, 560 + k, { token, join: false, keepState: k === 0 }),
    );
    phones.push(...busyPhones);
    await Promise.all(busyPhones.map((p) => p.synced));
    const busyDoc = docFromStep2(busyPhones[0].publicState());
    const busyColumn = firstColumn(busyDoc);
    busyDoc.destroy();
    const rssBefore = rssKb(server.pid);
    const memBefore = await serverMemory(server);
    const busyAcks = [];
    let stormDone = false;
    let busySeq = 0;
    const busyLoop = (async () => {
      const pending = [];
      const start = performance.now();
      while (!stormDone) {
        const n = busySeq++;
        const wait = start + (n * 1000) / rate - performance.now();
        if (wait > 1) await sleep(wait);
        const t = performance.now();
        pending.push(
          send(busyPhones[n % busyPhones.length].socket, {
            type: 'addNote',
            ...busyColumn,
            text: `Busy ${n}`,
          }).then(() => busyAcks.push(performance.now() - t)),
        );
      }
      await Promise.all(pending);
    })();
    await sleep(1000);
    const stormStart = performance.now();
    const storm = await Promise.allSettled(
      capsTokens.slice(1).map((token, k) =>
        cocreaPhone(server.url, caps.joinCode, k + 1, { token, join: false }).then(async (p) => {
          phones.push(p);
          return (await p.synced) - stormStart;
        }),
      ),
    );
    const back = storm.filter((s) => s.status === 'fulfilled').map((s) => s.value);
    const failed = storm
      .filter((s) => s.status === 'rejected')
      .map((s) => String(s.reason?.message));
    const allBackMs = back.length ? Math.max(...back) : null;
    await sleep(1000);
    stormDone = true;
    await busyLoop;
    const busyP99 = percentile(busyAcks, 99);
    result.storm = {
      phones: capsTokens.length - 1,
      replicasBack: back.length,
      failed: failed.length,
      ...(failed.length ? { firstFailures: [...new Set(failed)].slice(0, 3) } : {}),
      allBackMs: figure(
        round(allBackMs),
        '≤ 10000 ms',
        back.length === capsTokens.length - 1 && allBackMs <= 10_000,
      ),
      replicaBackMs: { p50: percentile(back, 50), p99: percentile(back, 99) },
      busyWorkshop: {
        phones: BUSY_PHONES,
        notesPerSecond: rate,
        acked: busyAcks.length,
        ackP50Ms: percentile(busyAcks, 50),
        ackP99Ms: figure(busyP99, '< 50 ms', busyP99 !== null && busyP99 < 50),
      },
    };
    log(`storm: ${back.length} back, ${failed.length} failed, last after ${round(allBackMs)} ms`);

    // 5. The full room at the caps: notes at `rate`, ack and fan-out to its phones.
    await sleep(1000);
    const rssConnected = rssKb(server.pid);
    const memConnected = await serverMemory(server);
    const capsPhones = phones.filter((p) => !busyPhones.includes(p));
    const sentAt = new Map();
    const arrivals = [];
    for (const p of capsPhones) {
      p.seen = new Set();
      for (const r of p.replicas) {
        r.ws.on('message', (buf) => {
          if (buf[0] !== 0 || buf[1] !== 2) return;
          scanInto(buf, p, sentAt, arrivals);
        });
      }
    }
    const acks = [];
    const total = Math.round(rate * seconds);
    const pending = [];
    const cpuBefore = cpuMs(server.pid);
    const start = performance.now();
    for (let n = 0; n < total; n++) {
      const wait = start + (n * 1000) / rate - performance.now();
      if (wait > 1) await sleep(wait);
      const t = performance.now();
      sentAt.set(n, t);
      pending.push(
        send(capsPhones[n % capsPhones.length].socket, {
          type: 'addNote',
          ...capsColumn,
          text: `Caps ${marker(n)}`,
        }).then(() => acks.push(performance.now() - t)),
      );
    }
    await Promise.allSettled(pending);
    const expected = total * capsPhones.length;
    const deadline = performance.now() + 20_000;
    while (arrivals.length < expected && performance.now() < deadline) await sleep(50);
    const cpu = (cpuMs(server.pid) - cpuBefore) / (performance.now() - start);
    result.atTheCaps = {
      phones: capsPhones.length,
      notesPerSecond: rate,
      seconds,
      ackMs: {
        p50: percentile(acks, 50),
        p99: percentile(acks, 99),
        acked: acks.length,
        sent: total,
      },
      fanOutMs: {
        p50: percentile(arrivals, 50),
        p99: percentile(arrivals, 99),
        arrived: arrivals.length,
        expected,
      },
      serverCpuPercent: Math.round(cpu * 100),
      serverRssMb: round(rssConnected / 1024),
      serverLiveMb: round(memConnected.liveKb / 1024),
      // Live memory (heap + external after a full GC) the storm's phones added, each; they were
      // participants already, so this is their connections and private replicas. The busy
      // workshop's notes of the storm's seconds count in it too (a few KB in all).
      kbPerPhone: figure(
        round((memConnected.liveKb - memBefore.liveKb) / Math.max(1, back.length)),
        '≤ 30 KB (the storm phones, on a workshop at the caps)',
        (memConnected.liveKb - memBefore.liveKb) / Math.max(1, back.length) <= 30,
      ),
      rssKbPerPhone: round((rssConnected - rssBefore) / Math.max(1, back.length)),
    };
    return result;
  } finally {
    for (const p of phones) p.close();
    await server.stop();
    removeDir(dataDir);
  }
}

function scanInto(buf, phone, sentAt, arrivals) {
  let i = buf.indexOf('bm');
  while (i !== -1) {
    let j = i + 2;
    let n = 0;
    while (j < buf.length && buf[j] >= 48 && buf[j] <= 57) n = n * 10 + buf[j++] - 48;
    if (j > i + 2 && buf[j] === 122 && !phone.seen.has(n)) {
      const t = sentAt.get(n);
      if (t !== undefined) {
        phone.seen.add(n);
        arrivals.push(performance.now() - t);
      }
    }
    i = buf.indexOf('bm', j);
  }
}

// Where a phone's server memory goes: one workshop, N phones brought in step by step (socket.io
// session and join, then the public replica connection, then the private one), the server's
// live memory read after a full GC at each step. `node scripts/bench/memory.js [N ...]` prints
// JSON; `--snapshot <prefix>` also writes the server's heap snapshots, one per step; `--server
// <file>` runs another bundle than dist/server.js (to compare two builds).
import { parseArgs } from 'node:util';
import {
  connectSocket,
  createWorkshop,
  deviceToken,
  hello,
  newDataDir,
  phoneAddress,
  pool,
  rejoinCode,
  removeDir,
  send,
  serverMemory,
  SERVER_SCRIPT,
  sleep,
  startProcess,
  thinReplica,
} from './lib.js';

/** KB per phone for each step, over `phones` phones, on a fresh server. */
export async function memoryBreakdown({
  phones: count,
  snapshot = null,
  script = 'dist/server.js',
}) {
  const dataDir = newDataDir();
  const server = await startProcess(script, {
    DATA_DIR: dataDir,
    ...(snapshot ? { BENCH_HEAP_SNAPSHOT: `${snapshot}-${count}` } : {}),
  });
  const settle = async () => {
    // The presence update is coalesced (about a second); let it and the sockets' writes land.
    await sleep(1500);
    return serverMemory(server);
  };
  const phones = [];
  try {
    const created = await createWorkshop(server.url, 0);
    created.facilitator?.disconnect();
    const steps = [['workshop, no phone', await settle()]];
    const wsBase = server.url.replace('http', 'ws');
    await pool(
      Array.from({ length: count }, (_, i) => i),
      20,
      async (i) => {
        const socket = await connectSocket(
          server.url,
          { code: created.joinCode, as: 'participant', token: deviceToken() },
          phoneAddress(i),
        );
        await send(socket, {
          type: 'joinWorkshop',
          name: `Phone ${i}`,
          sector: null,
          rejoinCode: rejoinCode(),
        });
        const welcome = await hello(socket);
        phones.push({ i, socket, welcome, replicas: [] });
      },
    );
    steps.push(['+ socket.io session, joined', await settle()]);
    for (const audience of ['public', 'private', 'vision']) {
      // The writable vision room, where the server grants it (issue 13): a phone opens it too.
      if (audience === 'vision' && !phones.some((p) => p.welcome.vision)) continue;
      await pool(phones, 20, async (phone) => {
        const grant =
          audience === 'vision'
            ? phone.welcome.vision
            : phone.welcome.rooms.find((g) => g.audience === audience);
        if (!grant) throw new Error(`no ${audience} replica granted`);
        const r = thinReplica(wsBase, grant, phoneAddress(phone.i), null);
        phone.replicas.push(r);
        await r.synced;
      });
      steps.push([`+ ${audience} room connection`, await settle()]);
    }
    for (const phone of phones) phone.socket.disconnect();
    steps.push(['- socket.io sessions (replicas still open)', await settle()]);
    for (const phone of phones) for (const r of phone.replicas) r.close();
    steps.push(['- replica connections (participants stay)', await settle()]);

    const out = { phones: count, steps: [] };
    let previous = null;
    for (const [name, m] of steps) {
      const step = { step: name, liveKb: m.liveKb, heapKb: m.heapKb, externalKb: m.externalKb };
      step.rssKb = m.rssKb;
      if (previous && count > 0) {
        step.kbPerPhone = {
          live: round((m.liveKb - previous.liveKb) / count),
          heap: round((m.heapKb - previous.heapKb) / count),
          external: round((m.externalKb - previous.externalKb) / count),
        };
      }
      if (m.snapshot) step.snapshot = m.snapshot;
      out.steps.push(step);
      previous = m;
    }
    const connected = steps[steps.length - 3][1]; // every connection open
    out.kbPerConnectedPhone = round((connected.liveKb - steps[0][1].liveKb) / Math.max(1, count));
    return out;
  } finally {
    for (const p of phones) {
      for (const r of p.replicas) r.close();
      p.socket.disconnect();
    }
    await server.stop();
    removeDir(dataDir);
  }
}

const round = (x) => Number(x.toFixed(1));

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    options: {
      snapshot: { type: 'string' },
      server: { type: 'string', default: SERVER_SCRIPT },
    },
    allowPositionals: true,
  });
  const counts = positionals.length ? positionals.map(Number) : [300];
  const results = [];
  for (const phones of counts) {
    results.push(
      await memoryBreakdown({ phones, snapshot: values.snapshot ?? null, script: values.server }),
    );
  }
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}

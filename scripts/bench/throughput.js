// Throughput at saturation: many workshops, every phone posting open-loop (on a clock, not
// waiting for its acks), at rising offered rates; acknowledged commands per second on the
// server's one core.
import {
  cocreaPhone,
  cpuMs,
  createWorkshop,
  docFromStep2,
  figure,
  firstColumn,
  newDataDir,
  percentile,
  pool,
  removeDir,
  sleep,
  startCocrea,
} from './lib.js';

const WORKSHOPS = 20;
const PHONES = 20;
// Each phone stays under its 10 commands a second, and under 200 notes over all the levels.
const OFFERED = [800, 2000, 3200];
const LEVEL_SECONDS = 5;

export async function throughput({ log }) {
  const dataDir = newDataDir();
  const server = await startCocrea(dataDir);
  const phones = [];
  try {
    const rooms = [];
    for (let w = 0; w < WORKSHOPS; w++) {
      const created = await createWorkshop(server.url, w, 'Débit');
      created.facilitator?.disconnect();
      rooms.push(created);
    }
    const slots = rooms.flatMap((room, w) =>
      Array.from({ length: PHONES }, (_, k) => ({ room, i: w * PHONES + k, k })),
    );
    await pool(slots, 20, async ({ room, i, k }) => {
      const phone = await cocreaPhone(server.url, room.joinCode, i, { keepState: k === 0 });
      await phone.synced;
      if (k === 0) {
        const doc = docFromStep2(phone.publicState());
        room.column = firstColumn(doc);
        doc.destroy();
      }
      phone.room = room;
      phones.push(phone);
    });
    log(`throughput: ${phones.length} phones in ${WORKSHOPS} workshops`);
    const levels = [];
    let seq = 0;
    for (const offered of OFFERED) {
      const perPhoneMs = (1000 * phones.length) / offered;
      const acks = [];
      let refused = 0;
      const codes = {};
      let failed = 0;
      const pending = [];
      const cpuBefore = cpuMs(server.pid);
      const start = performance.now();
      const end = start + LEVEL_SECONDS * 1000;
      await Promise.all(
        phones.map(async (phone, p) => {
          // Phones start spread over one period, so the offered load is smooth.
          let due = start + (p / phones.length) * perPhoneMs;
          while (due < end) {
            const wait = due - performance.now();
            if (wait > 1) await sleep(wait);
            const t = performance.now();
            const op = `bench-tp-${++seq}`;
            pending.push(
              phone.socket
                .timeout(30_000)
                .emitWithAck('cmd', {
                  v: 1,
                  op,
                  cmd: { type: 'addNote', ...phone.room.column, text: `Débit ${seq}` },
                })
                .then(
                  (ack) => {
                    if (ack.ok) acks.push({ at: performance.now(), ms: performance.now() - t });
                    else {
                      refused++;
                      codes[ack.error.code] = (codes[ack.error.code] ?? 0) + 1;
                    }
                  },
                  () => failed++,
                ),
            );
            due += perPhoneMs;
          }
        }),
      );
      const sentBy = performance.now();
      await Promise.all(pending);
      const done = performance.now();
      const cpu = (cpuMs(server.pid) - cpuBefore) / (done - start);
      const ms = acks.map((a) => a.ms);
      levels.push({
        offeredPerSecond: offered,
        sent: pending.length,
        sentPerSecond: Math.round(pending.length / ((sentBy - start) / 1000)),
        acked: acks.length,
        refused,
        ...(refused ? { refusals: codes } : {}),
        failed,
        // Over the whole time it took to ack what was sent: a backlog lowers this.
        ackedPerSecond: Math.round(acks.length / ((done - start) / 1000)),
        ackMs: { p50: percentile(ms, 50), p99: percentile(ms, 99) },
        serverCpuPercent: Math.round(cpu * 100),
      });
      log(`throughput: ${offered}/s offered → ${levels.at(-1).ackedPerSecond}/s acked`);
      await sleep(1000);
    }
    const best = Math.max(...levels.map((l) => l.ackedPerSecond));
    return {
      workshops: WORKSHOPS,
      phonesPerWorkshop: PHONES,
      secondsPerLevel: LEVEL_SECONDS,
      levels,
      ackedPerSecond: figure(
        best,
        '≥ 10000 on one core (the bench offers at most ' +
          `${Math.max(...OFFERED)}/s: ${WORKSHOPS * PHONES} phones under their 10 commands a second)`,
        best >= 10_000,
      ),
      note:
        levels.at(-1).serverCpuPercent >= 85
          ? 'the server was saturated at the highest offered rate'
          : 'the server was not saturated: the bench could not offer more',
    };
  } finally {
    for (const p of phones) p.close();
    await server.stop();
    removeDir(dataDir);
  }
}

// Fan-out: rooms of phones, notes posted at a steady rate, post → arrival on every phone. The
// same harness drives cocrea (thin phones, a few full ones) and the stock socket.io relay.
import {
  cocreaPhone,
  connectSocket,
  cpuMs,
  createWorkshop,
  docFromStep2,
  firstColumn,
  marker,
  newDataDir,
  percentile,
  phoneAddress,
  pool,
  removeDir,
  round,
  rssKb,
  send,
  serverMemory,
  sleep,
  startCocrea,
  startProcess,
} from './lib.js';

/**
 * @param {{target: 'cocrea'|'relay', rooms: number, phonesPerRoom: number, rate: number,
 *   seconds: number, fullPhones?: number}} o  `rate`: notes per second across all rooms.
 */
export async function fanOut(o) {
  const { target, rooms: roomCount, phonesPerRoom, rate, seconds, fullPhones = 0 } = o;
  const dataDir = target === 'cocrea' ? newDataDir() : null;
  const server =
    target === 'cocrea'
      ? await startCocrea(dataDir)
      : await startProcess('scripts/bench/relay.js', {});
  const sentAt = new Map();
  const arrivals = [];
  const onSeq = (phone, seq) => {
    const t0 = sentAt.get(seq);
    if (t0 === undefined || phone.seen.has(seq)) return;
    phone.seen.add(seq);
    arrivals.push(performance.now() - t0);
  };
  const all = [];
  try {
    const setupStart = performance.now();
    const rooms = [];
    for (let r = 0; r < roomCount; r++) {
      if (target === 'cocrea') {
        const created = await createWorkshop(server.url, r);
        created.facilitator?.disconnect();
        rooms.push({ joinCode: created.joinCode, phones: [] });
      } else {
        rooms.push({ name: `room-${r}`, phones: [] });
      }
    }
    await sleep(300);
    const rssIdle = rssKb(server.pid);
    const memIdle = await serverMemory(server);
    const slots = [];
    for (let r = 0; r < roomCount; r++)
      for (let k = 0; k < phonesPerRoom; k++) slots.push({ r, k, i: slots.length });
    const connectPhone = async ({ r, k, i }) => {
      const room = rooms[r];
      let phone;
      if (target === 'cocrea') {
        phone = await cocreaPhone(server.url, room.joinCode, i, {
          full: r === 0 && k < fullPhones,
          onSeq,
          keepState: k === fullPhones,
        });
      } else {
        const socket = await connectSocket(server.url, {}, phoneAddress(i));
        phone = { socket, close: () => socket.disconnect() };
        socket.on('note', (note) => {
          const m = /bm(\d+)z/.exec(note?.text ?? '');
          if (m) onSeq(phone, Number(m[1]));
        });
        await socket.timeout(30_000).emitWithAck('join', room.name);
        phone.synced = Promise.resolve();
      }
      phone.seen = new Set();
      room.phones[k] = phone;
      all.push(phone);
      await phone.synced;
    };
    // The first phones also pay for what the server does once (code compiled on first use,
    // buffers and tables sized): memory per phone is measured over the phones after them.
    const warm = Math.min(20, Math.floor(slots.length / 10));
    await pool(slots.slice(0, warm), 20, connectPhone);
    await sleep(300);
    const memWarm = await serverMemory(server);
    await pool(slots.slice(warm), 20, connectPhone);
    if (target === 'cocrea') {
      for (const room of rooms) {
        const doc = docFromStep2(room.phones[fullPhones].publicState());
        room.column = firstColumn(doc);
        doc.destroy();
      }
    }
    await sleep(1000);
    const rssConnected = rssKb(server.pid);
    const memConnected = await serverMemory(server);
    const setupSeconds = (performance.now() - setupStart) / 1000;

    const acks = [];
    const total = Math.round(rate * seconds);
    const pending = [];
    const cpuBefore = cpuMs(server.pid);
    const start = performance.now();
    let expected = 0;
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const room = rooms[n % roomCount];
      const phone = room.phones[Math.floor(n / roomCount) % phonesPerRoom];
      const text = `Note ${marker(n)}`;
      expected += room.phones.length;
      const t0 = performance.now();
      sentAt.set(n, t0);
      const acked =
        target === 'cocrea'
          ? send(phone.socket, { type: 'addNote', ...room.column, text })
          : phone.socket.timeout(30_000).emitWithAck('note', { text });
      pending.push(acked.then(() => acks.push(performance.now() - t0)));
    }
    await Promise.all(pending);
    const deadline = performance.now() + 20_000;
    while (arrivals.length < expected && performance.now() < deadline) await sleep(50);
    const elapsed = performance.now() - start;
    const serverCpu = (cpuMs(server.pid) - cpuBefore) / elapsed;

    let fullCheck;
    if (target === 'cocrea' && fullPhones > 0) {
      const room0 = [];
      for (let n = 0; n < total; n += roomCount) room0.push(n);
      const seenByFull = rooms[0].phones.slice(0, fullPhones).map((p) => {
        const json = JSON.stringify(p.fullDocs[0].getMap('notes').toJSON());
        return room0.filter((n) => json.includes(marker(n))).length;
      });
      fullCheck = { phones: fullPhones, notesExpected: room0.length, notesSeen: seenByFull };
    }
    return {
      target,
      rooms: roomCount,
      phonesPerRoom,
      notesPerSecond: rate,
      seconds,
      setupSeconds: round(setupSeconds),
      ackMs: { p50: percentile(acks, 50), p99: percentile(acks, 99) },
      fanOutMs: {
        p50: percentile(arrivals, 50),
        p99: percentile(arrivals, 99),
        arrived: arrivals.length,
        expected,
      },
      serverCpuPercent: Math.round(serverCpu * 100),
      serverRssMb: { idle: round(rssIdle / 1024), connected: round(rssConnected / 1024) },
      serverLiveMb: {
        idle: round(memIdle.liveKb / 1024),
        [`after ${warm} phones`]: round(memWarm.liveKb / 1024),
        connected: round(memConnected.liveKb / 1024),
      },
      // What each phone after the first `warm` holds alive in the server (heap + external after
      // a full GC). RSS grows by much more (the heap's headroom and the allocator's), and by a
      // different amount from run to run: shown, not judged.
      kbPerPhone: round((memConnected.liveKb - memWarm.liveKb) / (slots.length - warm)),
      rssKbPerPhone: round((rssConnected - rssIdle) / slots.length),
      ...(fullCheck ? { fullReplicas: fullCheck } : {}),
    };
  } finally {
    for (const p of all) p.close();
    for (const p of all) for (const d of p.fullDocs ?? []) d.destroy();
    await server.stop();
    if (dataDir) removeDir(dataDir);
  }
}

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, connect, createWorkshop, hello, joinAs, openReplica, send } from './helpers';
import { bundleServerProcess, spawnServer, type ServerProcess } from './processes';

const ROUNDS = 10;
const PHONES = 4;
const KILLS_IN_COMPACTION = 6;

let script: string;
let server: ServerProcess | null = null;
const dataDirs: string[] = [];

beforeAll(async () => {
  script = await bundleServerProcess();
});
afterAll(async () => {
  closeClients();
  await server?.kill();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  await rm(path.dirname(script), { recursive: true, force: true });
});

interface Sent {
  op: string;
  text: string;
  acked: boolean;
  phone: number;
}

/** Post notes from a phone, one after another, until stopped; record what was acknowledged. */
async function postUntilStopped(
  socket: Socket,
  phone: number,
  round: number,
  target: { boardId: string; columnId: string },
  sent: Sent[],
  stop: { now: boolean },
): Promise<void> {
  for (let i = 0; !stop.now && i < 12; i++) {
    const entry: Sent = {
      op: `r${round}-p${phone}-n${i}-padding`,
      text: `r${round} p${phone} n${i}`,
      acked: false,
      phone,
    };
    sent.push(entry);
    try {
      const ack = await send(socket, { type: 'addNote', ...target, text: entry.text }, entry.op);
      if (ack.ok) entry.acked = true;
      else throw new Error(`refused: ${ack.error.code}`);
    } catch (error) {
      if (String(error).includes('refused')) throw error;
      return; // the server died under us: this one stays unacknowledged
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Phones post while the server is killed with SIGKILL `rounds` times and restarted on the same
 * data; after each restart every acknowledged note is there exactly once. `afterKill` looks at
 * the data directory of the dead server. Returns how many notes were in flight at a kill.
 */
async function crashRounds(
  rounds: number,
  env: Record<string, string> = {},
  afterKill: (workshopDir: string) => Promise<void> = async () => {},
): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-crash-'));
  dataDirs.push(dataDir);
  server = await spawnServer(script, dataDir, env);
  const { joinCode, workshopId } = await createWorkshop(server.url);
  const tokens: string[] = [];
  const participantIds: string[] = [];
  for (let p = 0; p < PHONES; p++) {
    const joined = await joinAs(server.url, joinCode, `Phone${p}`);
    tokens.push(joined.token);
    participantIds.push(joined.participantId);
    joined.socket.disconnect();
  }
  const all: Sent[] = [];
  let unackedAtKill = 0;
  let target: { boardId: string; columnId: string } | null = null;

  for (let round = 0; round < rounds; round++) {
    const sockets = await Promise.all(
      tokens.map((token) => connect(server!.url, { code: joinCode, as: 'participant', token })),
    );
    const welcome = await hello(sockets[0]!);
    expect(welcome.participantId).toBe(participantIds[0]);
    const replica = openReplica(server.url, welcome);
    const snap = await replica.waitFor((s) => s.workshop !== null);
    if (!target) {
      const boardId = snap.workshop!.stages.define.boardIds[0]!;
      target = { boardId, columnId: snap.boards[boardId]!.columns[0]!.id };
    }

    // Before anything new: resend last round's unacknowledged commands with the same op ids.
    const retried = all.filter((s) => !s.acked);
    for (const entry of retried) {
      const ack = await send(
        sockets[entry.phone]!,
        { type: 'addNote', ...target, text: entry.text },
        entry.op,
      );
      expect(ack.ok).toBe(true);
      entry.acked = true;
    }

    const stop = { now: false };
    const posting = sockets.map((socket, phone) =>
      postUntilStopped(socket, phone, round, target!, all, stop),
    );
    await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 80)));
    await server.kill('SIGKILL');
    stop.now = true;
    await Promise.all(posting);
    unackedAtKill += all.filter((s) => !s.acked).length;
    closeClients();
    await afterKill(path.join(dataDir, 'workshops', workshopId));

    server = await spawnServer(script, dataDir, env);
    const projector = await connect(server.url, { code: joinCode, as: 'projector' });
    const fresh = await hello(projector);
    expect(fresh.workshopId).toBe(workshopId);
    expect(fresh.epoch).not.toBe(welcome.epoch);
    const after = openReplica(server.url, fresh);
    const restored = await after.waitFor((s) => s.workshop !== null);
    const texts = Object.values(restored.notes).map((n) => n.text);
    // every acknowledged note is there, exactly once; nothing appears twice
    for (const entry of all.filter((s) => s.acked)) {
      expect(texts.filter((t) => t === entry.text)).toHaveLength(1);
    }
    expect(new Set(texts).size).toBe(texts.length);
    closeClients();
  }

  // A last pass: everything ever sent was applied exactly once after its retries.
  const sockets = await Promise.all(
    tokens.map((token) => connect(server!.url, { code: joinCode, as: 'participant', token })),
  );
  for (const entry of all.filter((s) => !s.acked)) {
    const ack = await send(
      sockets[entry.phone]!,
      { type: 'addNote', ...target!, text: entry.text },
      entry.op,
    );
    expect(ack.ok).toBe(true);
    entry.acked = true;
  }
  const replica = openReplica(server.url, await hello(sockets[0]!));
  const final = await replica.waitFor((s) => Object.keys(s.notes).length >= all.length);
  const texts = Object.values(final.notes)
    .map((n) => n.text)
    .sort();
  expect(texts).toEqual(all.map((s) => s.text).sort());
  expect(all.length).toBeGreaterThan(rounds * PHONES);
  console.log(`crash test: ${all.length} notes sent, ${unackedAtKill} in flight at a kill`);
  closeClients();
  await server.kill('SIGKILL');
  server = null;
  return unackedAtKill;
}

describe('nothing acknowledged is lost, nothing applied twice', () => {
  it(`[D12] SIGKILL while phones post, restart on the same data, ${ROUNDS} times`, async () => {
    const unackedAtKill = await crashRounds(ROUNDS);
    // The kills did land while commands were in flight (otherwise this test proves little).
    expect(unackedAtKill).toBeGreaterThan(0);
  }, 120_000);

  it('[D20] SIGKILL in the middle of compactions (a tiny COMPACT_BYTES, a slow snapshot disk): every acknowledged note is there once', async () => {
    let killedMidCompaction = 0;
    const unackedAtKill = await crashRounds(
      KILLS_IN_COMPACTION,
      { COMPACT_BYTES: '2048', SLOW_SNAPSHOT_MS: '30' },
      async (workshopDir) => {
        // A temp file left behind: the snapshot (or the rewritten log) was being written.
        const files = await readdir(workshopDir);
        if (files.some((f) => f.endsWith('.tmp'))) killedMidCompaction++;
        expect(files).toContain('snapshot.json');
      },
    );
    console.log(
      `compaction crash test: ${killedMidCompaction} of ${KILLS_IN_COMPACTION} kills inside a compaction`,
    );
    expect(unackedAtKill).toBeGreaterThan(0);
    expect(killedMidCompaction).toBeGreaterThan(0);
  }, 60_000);
});

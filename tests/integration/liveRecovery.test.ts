import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../server/app';
import { LiveWorkshop } from '../../src/lib/client/live.svelte';
import { newRejoinCode } from '../../src/lib/client/opId';
import { connect, createWorkshop, useTestServer } from './helpers';

/*
 * The browser's client class, LiveWorkshop, run in Node against the real server: a screen
 * recovers by itself from any close of its replicas, and a phone's outbox waits out rate limits.
 */

const opened = new Set<LiveWorkshop>();

/** A fresh server per test; the LiveWorkshops a test opened close before it does. */
function useServer(realtime: Parameters<typeof useTestServer>[0] = {}) {
  const server = useTestServer(realtime);
  // registered after the server's: runs before it (hooks unwind like a stack)
  afterEach(() => {
    for (const live of opened) live.close();
    opened.clear();
  });
  return server;
}

/** The outbox's storage on a phone, in memory. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

function open(url: string, auth: ConstructorParameters<typeof LiveWorkshop>[0], outbox = false) {
  const live = new LiveWorkshop(auth, {
    origin: url,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    ...(outbox ? { outboxKey: 'cocrea:outbox:test', storage: memoryStorage() } : {}),
  });
  opened.add(live);
  return live;
}

/** A phone that has joined, with its private replica synced. */
async function phone(url: string, joinCode: string, name: string) {
  const token = randomBytes(16).toString('base64url');
  const live = open(url, { code: joinCode, as: 'participant', token }, true);
  await expect.poll(() => live.status).toBe('online');
  const ack = await live.send({
    type: 'joinWorkshop',
    name,
    sector: null,
    rejoinCode: newRejoinCode(),
  });
  expect(ack.ok).toBe(true);
  await expect.poll(() => live.snapshot('private').me?.name).toBe(name);
  await expect.poll(() => live.snapshot('public').workshop).not.toBeNull();
  return live;
}

function firstColumn(server: RunningServer, workshopId: string) {
  const state = server.realtime.rooms.get(workshopId)!.durable;
  const boardId = state.stages.define.boardIds[0]!;
  return { boardId, columnId: state.boards[boardId]!.columns[0]!.id };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a phone whose ticket expired', () => {
  const server = useServer({ ticketTtlMs: 300 });

  it('[R7] comes back by itself after its replica connections drop, and never stops showing its own notes', async () => {
    const { url, realtime } = server.current;
    const { joinCode, workshopId } = await createWorkshop(url);
    const live = await phone(url, joinCode, 'Ana');
    const { boardId, columnId } = firstColumn(server.current, workshopId);

    live.queue({ type: 'addNote', boardId, columnId, text: 'avant la coupure' });
    await expect.poll(() => live.delivered).toBe(1);
    const mine = () => Object.values(live.snapshot('private').notes).map((n) => n.text);
    await expect.poll(mine).toEqual(['avant la coupure']);
    expect(realtime.yjs.connectionCount()).toBe(2);

    // well past the ticket's lifetime, the network drops both replica connections
    await sleep(500);
    const opened = realtime.yjs.stats.opened;
    realtime.yjs.closeRooms(`${workshopId}.`, 1012);

    // it reconnects (the stale ticket is refused, a fresh one is fetched); meanwhile and after,
    // the screen keeps showing the note
    const back = () =>
      realtime.yjs.stats.opened >= opened + 2 && realtime.yjs.connectionCount() === 2;
    const deadline = Date.now() + 10_000;
    let seenWithoutNote = 0;
    while (!back() && Date.now() < deadline) {
      if (!mine().includes('avant la coupure')) seenWithoutNote++;
      await sleep(5);
    }
    expect(back()).toBe(true);
    expect(seenWithoutNote).toBe(0);

    live.queue({ type: 'addNote', boardId, columnId, text: 'après la coupure' });
    await expect.poll(() => mine().sort()).toEqual(['après la coupure', 'avant la coupure']);
    await expect
      .poll(() =>
        Object.values(live.snapshot('public').notes)
          .map((n) => n.text)
          .sort(),
      )
      .toEqual(['après la coupure', 'avant la coupure']);
    expect(live.outbox).toEqual([]);
  });
});

describe('the main console when a co-facilitator link is revoked', () => {
  const server = useServer();

  it('[R8] keeps a live facilitator replica: a change made afterwards shows up', async () => {
    const { url } = server.current;
    const { workshopId, facilitatorKey } = await createWorkshop(url);
    const main = open(url, { workshopId, key: facilitatorKey });
    await expect.poll(() => main.snapshot('facilitator').workshop).not.toBeNull();

    const key = randomBytes(16).toString('base64url');
    const created = await main.send({ type: 'createCoFacilitatorLink', label: 'Sam', key });
    expect(created.ok).toBe(true);
    const linkId = created.ok ? created.value.linkId! : '';
    await connect(url, { workshopId, key });
    await expect.poll(() => main.snapshot('facilitator').links.length).toBe(1);

    // the revocation closes every facilitator replica connection (4401), the main one too
    expect((await main.send({ type: 'revokeCoFacilitatorLink', linkId })).ok).toBe(true);
    await expect
      .poll(() => main.snapshot('facilitator').links[0]?.revokedAt ?? null)
      .not.toBeNull();

    const question = 'Que retenir de cette séance ?';
    expect((await main.send({ type: 'setQuestion', question })).ok).toBe(true);
    await expect.poll(() => main.snapshot('facilitator').workshop?.question).toBe(question);
    expect(main.status).toBe('online');
  });
});

describe('a phone that comes back with many notes', () => {
  const server = useServer();

  it('[R9] sends every queued note once, waiting out RATE_LIMITED instead of marking them refused', async () => {
    const { url, realtime } = server.current;
    const { joinCode, workshopId } = await createWorkshop(url);
    const live = await phone(url, joinCode, 'Ana');
    const { boardId, columnId } = firstColumn(server.current, workshopId);

    // more than the command burst (20) at once
    const texts = Array.from({ length: 30 }, (_, i) => `note ${i + 1}`);
    for (const text of texts) live.queue({ type: 'addNote', boardId, columnId, text });

    await expect.poll(() => live.delivered, { timeout: 15_000 }).toBe(30);
    expect(live.outbox).toEqual([]);
    const stored = Object.values(realtime.rooms.get(workshopId)!.durable.notes).map((n) => n.text);
    expect(stored.sort()).toEqual([...texts].sort());
    await expect
      .poll(() => Object.keys(live.snapshot('private').notes).length, { timeout: 10_000 })
      .toBe(30);
  });
});

describe('a venue where many phones join at once behind one address', () => {
  const server = useServer({ limits: { joinsPerAddress: { capacity: 1, perSecond: 2 } } });

  it('[R10] a join the server asks to slow down is sent again by itself (same op id) and gets in', async () => {
    const { url } = server.current;
    const { joinCode } = await createWorkshop(url);
    const first = await phone(url, joinCode, 'Ana');
    expect(first.welcome?.role).toBe('participant');
    // The address's budget is spent: this join is refused with RATE_LIMITED at first...
    const second = await phone(url, joinCode, 'Béa');
    // ...and still went through, once.
    expect(second.welcome?.role).toBe('participant');
    const state = server.current.realtime.rooms.values().next().value!.durable;
    expect(Object.values(state.participants).map((p) => p.name)).toEqual(['Ana', 'Béa']);
  });
});

describe('the vision room on a phone', () => {
  const server = useServer();

  it('[V30] a phone opens the writable vision room while the workshop is in Devenir only, and closes it once it leaves', async () => {
    const { url, realtime } = server.current;
    const { joinCode, workshopId, facilitatorKey } = await createWorkshop(url);
    const console_ = await connect(url, { workshopId, key: facilitatorKey });
    const live = await phone(url, joinCode, 'Ana');
    await expect.poll(() => realtime.yjs.connectionCount()).toBe(2);
    expect(live.vision).toBeNull();

    const stage = async (to: string) => {
      const ack = (await console_
        .timeout(5000)
        .emitWithAck('cmd', { v: 1, op: `stage-${to}`, cmd: { type: 'setStage', stage: to } })) as {
        ok: boolean;
      };
      expect(ack.ok).toBe(true);
    };
    await stage('dream');
    await expect.poll(() => live.vision?.status).toBe('online');
    expect(realtime.yjs.connectionCount()).toBe(3);

    await stage('decide');
    await expect.poll(() => live.vision).toBeNull();
    await expect.poll(() => realtime.yjs.connectionCount()).toBe(2);
  });
});

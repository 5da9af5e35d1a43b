import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app';
import { DurableStore } from '../../server/store/durable';
import type { FsOps } from '../../server/store/fsOps';
import { REMEMBERED_ACKS } from '../../server/store/types';
import { sequencedOp } from '../../src/lib/protocol/opIds';
import type { Ack } from '../../src/lib/protocol/ack';
import type { ClientCommand } from '../../src/lib/protocol/commands';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { errno, faultyFs } from '../unit/store/faultyFs';
import {
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  send,
  sendOk,
} from './helpers';

let dir: string;
let server: RunningServer | null = null;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cocrea-durable-'));
});
afterEach(async () => {
  closeClients();
  await server?.close();
  server = null;
  await rm(dir, { recursive: true, force: true });
});

/** The real server on a durable store in `dir` (a restart is close + start on the same dir). */
async function start(
  options: { fs?: FsOps; compactBytes?: number; onFatal?: (e: unknown) => void } = {},
): Promise<RunningServer> {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    store: await DurableStore.open(dir, { fs: options.fs, compactBytes: options.compactBytes }),
    realtime: {
      onFatal: options.onFatal,
      limits: {
        commands: { capacity: 100_000, perSecond: 100_000 },
        creations: { capacity: 100, perSecond: 100 },
      },
    },
  });
  return server;
}

async function restart(options: Parameters<typeof start>[0] = {}): Promise<RunningServer> {
  closeClients();
  await server!.close();
  return start(options);
}

describe('the durable store under the real server', () => {
  it('[D16] eight workshops created at once from eight sockets all succeed, and all survive a restart', async () => {
    const { url } = await start();
    const created = await Promise.all(Array.from({ length: 8 }, () => createWorkshop(url)));
    expect(new Set(created.map((c) => c.workshopId)).size).toBe(8);
    const { url: again } = await restart();
    for (const { joinCode, workshopId } of created) {
      const projector = await connect(again, { code: joinCode, as: 'projector' });
      expect((await hello(projector)).workshopId).toBe(workshopId);
    }
  });

  it('[D17] a full disk while recording a creation: the creation is refused and fail-stop is called', async () => {
    const fatal: unknown[] = [];
    const disk = faultyFs();
    const { url } = await start({ fs: disk.fs, onFatal: (e) => fatal.push(e) });
    disk.set((call, file) => {
      if (call === 'write' && file.includes('index.json')) throw errno('ENOSPC', call);
    });
    const visitor = await connect(url);
    const ack = await send(visitor, {
      type: 'createWorkshop',
      title: 'Plein',
      question: 'Et si le disque était plein ?',
      language: 'fr',
      sectors: ['Clinique'],
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(fatal.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ENOSPC']);
  });

  it(`[D25] a phone's sequenced command resent after more than ${REMEMBERED_ACKS} later commands, and after a restart, applies once`, async () => {
    // A small threshold: the marks go through several compactions on the way.
    const compactBytes = 256 * 1024;
    const { url } = await start({ compactBytes });
    const { joinCode } = await createWorkshop(url);
    const phone = await joinAs(url, joinCode, 'Ana');
    const welcome = await hello(phone.socket);
    const snap = await openReplica(url, welcome).waitFor((s) => s.workshop !== null);
    const boardId = snap.workshop!.stages.define.boardIds[0]!;
    const columnId = snap.boards[boardId]!.columns[0]!.id;
    const stream = randomBytes(8).toString('hex');
    const post = (text: string) => ({ type: 'addNote', boardId, columnId, text }) as const;

    const first = sequencedOp(stream, 1);
    await sendOk(phone.socket, post('une seule fois'), first);
    // A random op id, applied once too: it shows where the recent answers alone stop.
    const random = randomBytes(12).toString('hex');
    await sendOk(phone.socket, post('op au hasard'), random);
    const { noteId } = await sendOk(phone.socket, post('brouillon'), sequencedOp(stream, 2));

    // More commands than answers are remembered, sent in order as the outbox does.
    let seq = 2;
    const total = REMEMBERED_ACKS + 50;
    for (let sent = 0; sent < total;) {
      const batch = Array.from({ length: Math.min(500, total - sent) }, () =>
        emit(phone.socket, { type: 'editNote', noteId: noteId!, text: `v${++seq}` }, seq),
      );
      sent += batch.length;
      const acks = await Promise.all(batch);
      expect(acks.every((a) => a.ok)).toBe(true);
    }
    function emit(socket: typeof phone.socket, cmd: ClientCommand, n: number) {
      const envelope = { v: PROTOCOL_VERSION, op: sequencedOp(stream, n), cmd };
      return socket.timeout(20_000).emitWithAck('cmd', envelope) as Promise<Ack<unknown>>;
    }

    const count = (notes: Record<string, { text: string }>, text: string) =>
      Object.values(notes).filter((n) => n.text === text).length;
    expect(await send(phone.socket, post('une seule fois'), first)).toEqual({
      ok: true,
      value: { duplicate: 'true' },
    });
    // The random op id was forgotten: resent now, it would be applied a second time.
    expect((await send(phone.socket, post('op au hasard'), random)).ok).toBe(true);
    const replica = openReplica(url, await hello(phone.socket));
    const seen = await replica.waitFor((s) => count(s.notes, 'op au hasard') === 2);
    expect(count(seen.notes, 'une seule fois')).toBe(1);

    const { url: again } = await restart({ compactBytes });
    const back = await connect(again, { code: joinCode, as: 'participant', token: phone.token });
    expect(await send(back, post('une seule fois'), first)).toEqual({
      ok: true,
      value: { duplicate: 'true' },
    });
    const after = await openReplica(again, await hello(back)).waitFor(
      (s) => Object.keys(s.notes).length > 0,
    );
    expect(count(after.notes, 'une seule fois')).toBe(1);
    expect(Object.values(after.notes).find((n) => n.id === noteId)?.text).toBe(`v${seq}`);
  }, 60_000);
});

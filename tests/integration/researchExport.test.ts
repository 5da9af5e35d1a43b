import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ResearchExport } from '../../src/lib/export';
import type { Ack } from '../../src/lib/protocol/ack';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import {
  bytesOf,
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  sendOk,
  useDurableServer,
} from './helpers';

/*
 * The research export over the real server: for whoever runs the room only, no name in the file,
 * the research salt drawn and recorded once (on disk, through the room like any command), and
 * the same pseudonyms after a restart.
 */

const durable = useDurableServer('research');
const start = () => durable.start();

async function ask(
  socket: Socket,
  request: Record<string, unknown>,
): Promise<Ack<{ path: string; filename: string }>> {
  return (await socket
    .timeout(5000)
    .emitWithAck('export', { v: PROTOCOL_VERSION, ...request })) as Ack<{
    path: string;
    filename: string;
  }>;
}

/** Ask for the research file and download it; its text. */
async function download(url: string, socket: Socket, coarsenTimes?: 'day'): Promise<string> {
  const ack = await ask(socket, {
    format: 'research.json',
    ...(coarsenTimes ? { coarsenTimes } : {}),
  });
  if (!ack.ok) throw new Error(`research export refused: ${ack.error.code}`);
  expect(ack.value.filename).toBe('travailler-ensemble-research.json');
  const res = await fetch(`${url}${ack.value.path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(res.headers.get('content-disposition')).toBe(
    'attachment; filename="travailler-ensemble-research.json"',
  );
  expect(res.headers.get('cache-control')).toBe('no-store');
  return res.text();
}

/** How many times the files of the data directory hold a text. */
async function occurrences(text: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(durable.dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const body = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
    count += body.split(text).length - 1;
  }
  return count;
}

const PEOPLE = [
  ['Aline Tremblay', 0],
  ['Bruno Gagnon', 0],
  ['Chloé Roy', 0],
  ['Dina Côté', 1],
  ['Émile Bouchard', 1],
  ['Fanny Morin', 1],
] as const;

describe('the research export over the real server', () => {
  it('[EX48] whoever runs the room downloads it, nobody else; it names nobody; the salt is recorded once, stays on the server, and a restart keeps every pseudonym', async () => {
    const { url } = await start();
    const w = await createWorkshop(url);
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    const sectors = durable.current.realtime.rooms
      .get(w.workshopId)!
      .durable.sectors.map((s) => s.id);
    const phones = [];
    for (const [name, sector] of PEOPLE) {
      phones.push(await joinAs(url, w.joinCode, name, sectors[sector]!));
    }
    const state0 = durable.current.realtime.rooms.get(w.workshopId)!.durable;
    const boardId = state0.stages.define.boardIds[0]!;
    const columnId = state0.boards[boardId]!.columns[0]!.id;
    await sendOk(phones[0]!.socket, {
      type: 'addNote',
      boardId,
      columnId,
      text: 'Une note signée',
    });
    await sendOk(console_, { type: 'setStage', stage: 'decide' });
    const candidates: string[] = [];
    for (const title of ['Guichet unique', 'Infirmière de liaison', 'Répertoire partagé']) {
      const reply = await sendOk(console_, {
        type: 'addCandidate',
        title,
        description: '',
        sources: [],
      });
      candidates.push(reply.candidateId!);
    }
    await sendOk(console_, { type: 'openDotVote', budget: 3, cap: 2 });
    for (const [i, phone] of phones.entries()) {
      await sendOk(phone.socket, { type: 'castDots', candidateId: candidates[i % 3]!, dots: 2 });
      await sendOk(phone.socket, {
        type: 'castDots',
        candidateId: candidates[(i + 1) % 3]!,
        dots: 1,
      });
    }
    await sendOk(console_, { type: 'closeDotVote' });
    await sendOk(console_, { type: 'revealDotVote' });
    await sendOk(console_, { type: 'setShortlist', size: 3 });
    await sendOk(console_, { type: 'openRanking' });
    for (const [i, phone] of phones.entries()) {
      const order = [candidates[i % 3]!, candidates[(i + 2) % 3]!].slice(0, 1 + (i % 2));
      await sendOk(phone.socket, { type: 'submitRanking', order });
    }
    await sendOk(console_, { type: 'closeRanking' });
    await sendOk(console_, { type: 'revealRanking' });

    // Nobody else: a participant, a projector; nor a bad option.
    const projector = await connect(url, { code: w.joinCode, as: 'projector' });
    for (const socket of [phones[0]!.socket, projector]) {
      expect(await ask(socket, { format: 'research.json' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_ALLOWED' },
      });
    }
    expect(await ask(console_, { format: 'research.json', coarsenTimes: 'hour' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // Asking draws nothing yet: only a download does, and nothing was downloaded.
    expect(durable.current.realtime.rooms.get(w.workshopId)!.durable.researchSalt).toBeUndefined();

    // Two first downloads at once: one salt drawn and kept, the same file twice.
    const [first, twin] = await Promise.all([download(url, console_), download(url, console_)]);
    expect(twin).toBe(first);
    const room = durable.current.realtime.rooms.get(w.workshopId)!;
    const salt = room.durable.researchSalt!;
    expect(salt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const doc = JSON.parse(first) as ResearchExport;
    expect(doc.format).toBe('cocrea-research');
    expect(doc.participants.map((p) => p.pseudonym)).toEqual(PEOPLE.map((_, i) => `P0${i + 1}`));
    expect(doc.calculation.dotVote.ballots!.rows).toHaveLength(6);
    expect(doc.calculation.ranking.ballots!.rows).toHaveLength(6);
    expect(doc.notes.map((n) => n.text)).toEqual(['Une note signée']);
    const secrets = [salt, w.facilitatorKey, w.joinCode, room.durable.facilitatorKeyHash];
    for (const phone of phones) {
      secrets.push(phone.participantId, phone.token, phone.rejoinCode);
    }
    for (const [name] of PEOPLE) secrets.push(name, name.split(' ')[0]!);
    for (const secret of secrets) expect(first).not.toContain(secret);

    // Once: a second download records nothing more, and gives the same file.
    expect(await download(url, console_)).toBe(first);
    expect(room.durable.researchSalt).toBe(salt);
    expect(await occurrences(salt)).toBe(1);
    // Times to the day when asked.
    const days = await download(url, console_, 'day');
    expect(days).not.toMatch(/T\d\d:\d\d/);
    expect((JSON.parse(days) as ResearchExport).notes[0]!.time).toMatch(/^\d{4}-\d\d-\d\d$/);
    // The salt is in no replica and no other export.
    const consoleReplica = openReplica(url, await hello(console_), 'facilitator');
    const own = openReplica(url, await hello(phones[0]!.socket), 'private');
    const roomReplica = openReplica(url, await hello(projector));
    for (const replica of [consoleReplica, own, roomReplica]) {
      await replica.waitFor((s) => Object.keys(s.notes ?? {}).length > 0);
      expect(bytesOf(replica)).not.toContain(salt);
    }
    for (const format of ['workshop.json', 'workshop.md', 'notes.csv', 'priorities.csv']) {
      const ack = await ask(console_, { format });
      const body = await (await fetch(`${url}${ack.ok ? ack.value.path : ''}`)).text();
      expect(body.length, format).toBeGreaterThan(50);
      expect(body, format).not.toContain(salt);
    }

    // A restart: the salt comes back from disk, and with it every pseudonym.
    closeClients();
    await durable.current.close();
    const again = await start();
    const console2 = await connect(again.url, {
      workshopId: w.workshopId,
      key: w.facilitatorKey,
    });
    expect(await download(again.url, console2)).toBe(first);
    expect(again.realtime.rooms.get(w.workshopId)!.durable.researchSalt).toBe(salt);
    expect(await occurrences(salt)).toBe(1);
  });
});

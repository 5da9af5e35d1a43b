import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app';
import { IMPORT_PATH } from '../../server/imports';
import type { RealtimeOptions } from '../../server/realtime';
import { DurableStore } from '../../server/store/durable';
import { MemoryStore } from '../../server/store/memory';
import type { Ack } from '../../src/lib/protocol/ack';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import {
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  sendOk,
  VisionWriter,
} from './helpers';
import { bundleServerProcess, spawnServer, type ServerProcess } from './processes';
import { until } from './scene';

/*
 * A JSON export posted to `/import` over the real server becomes a new workshop: the same
 * content, new secrets, the vision statements' text in its vision room, through a restart too.
 * Anything wrong is refused whole with a code and the reason, and nothing is made; the creation
 * token and the creation budget are createWorkshop's; hostile requests leave the server serving.
 */

type Created = { workshopId: string; joinCode: string; facilitatorKey: string };
type Answer = { status: number; body: Ack<Created> };

let server: RunningServer | null = null;
let dataDir: string | null = null;

async function start(
  realtime: Omit<RealtimeOptions, 'store'> = {},
  durable = false,
): Promise<RunningServer> {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    store: durable ? await DurableStore.open(dataDir!) : new MemoryStore(),
    realtime,
  });
  return server;
}

afterEach(async () => {
  closeClients();
  await server?.close();
  server = null;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = null;
});

/** The workshop's JSON export, downloaded the way the console does. */
async function exportJson(url: string, console_: Socket): Promise<unknown> {
  const ack = (await console_
    .timeout(5000)
    .emitWithAck('export', { v: PROTOCOL_VERSION, format: 'workshop.json' })) as Ack<{
    path: string;
  }>;
  if (!ack.ok) throw new Error(`export refused: ${ack.error.code}`);
  const res = await fetch(`${url}${ack.value.path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as unknown;
}

/** POST a body to /import; the JSON content type unless told otherwise. */
async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<Answer> {
  const res = await fetch(`${url}${IMPORT_PATH}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: method === 'GET' ? undefined : body,
  });
  return { status: res.status, body: (await res.json()) as Ack<Created> };
}

/** A workshop with a bit of everything: a session, notes, a theme, a statement with text. */
async function fullWorkshop(url: string) {
  const w = await createWorkshop(url, { title: 'Atelier : santé & familles' });
  const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
  await sendOk(console_, { type: 'startSession', label: 'Première rencontre' });
  const first = server!.realtime.rooms.get(w.workshopId)!.durable;
  const phone = await joinAs(url, w.joinCode, 'Aline', first.sectors[0]!.id);
  const boardId = first.stages.define.boardIds[0]!;
  const columnId = first.boards[boardId]!.columns[0]!.id;
  const noteIds: string[] = [];
  for (const text of ['Les délais d’attente', 'Le transport <b>rural</b>', '=1+1']) {
    const { noteId } = (await sendOk(phone.socket, {
      type: 'addNote',
      boardId,
      columnId,
      text,
    })) as { noteId: string };
    noteIds.push(noteId);
  }
  await sendOk(console_, { type: 'createTheme', boardId, title: 'Accès', noteIds });
  const { statementId } = (await sendOk(console_, {
    type: 'addStatement',
    title: 'Dans trois ans, chaque personne…',
  })) as { statementId: string };
  await sendOk(console_, { type: 'setStage', stage: 'dream' });
  const writer = new VisionWriter(url, (await hello(console_)).vision!);
  await writer.synced();
  const text = 'a un médecin de famille à moins de 30 minutes.';
  writer.text(statementId).insert(0, text);
  await until(
    () => server!.realtime.rooms.get(w.workshopId)!.durable.statements![statementId]!.text === text,
    'the statement is written',
  );
  writer.destroy();
  return { ...w, console_, statementId, text };
}

const roomCount = (): number => [...server!.realtime.rooms.values()].length;

describe('importing a JSON export over the real server', () => {
  it('[EX70] export → import → export gives the same document; the new workshop has its own id, join code and key, and the old key does not open it', async () => {
    const { url } = await start();
    const w = await fullWorkshop(url);
    const exported = await exportJson(url, w.console_);

    const answer = await post(url, JSON.stringify(exported));
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    const imported = (answer.body as { ok: true; value: Created }).value;
    expect(imported.workshopId).not.toBe(w.workshopId);
    expect(imported.joinCode).not.toBe(w.joinCode);
    expect(imported.facilitatorKey).not.toBe(w.facilitatorKey);
    expect(imported.facilitatorKey.length).toBeGreaterThanOrEqual(20);

    // The new key opens it as facilitator, and its export is the same document.
    const console2 = await connect(url, {
      workshopId: imported.workshopId,
      key: imported.facilitatorKey,
    });
    expect((await hello(console2)).role).toBe('facilitator');
    expect(await exportJson(url, console2)).toEqual(exported);
    // Recorded like a created workshop: the key is kept hashed, the join code leads there.
    const state = server!.realtime.rooms.get(imported.workshopId)!.durable;
    expect(state.joinCode).toBe(imported.joinCode);
    expect(state.facilitatorKeyHash).not.toBe('');
    expect(state.facilitatorKeyHash).not.toContain(imported.facilitatorKey);
    expect(server!.realtime.rooms.byCode(imported.joinCode)?.room.durable.id).toBe(
      imported.workshopId,
    );

    // The old key does not open the new workshop; the new key does not open the old one.
    await expect(
      connect(url, { workshopId: imported.workshopId, key: w.facilitatorKey }),
    ).rejects.toBeTruthy();
    await expect(
      connect(url, { workshopId: w.workshopId, key: imported.facilitatorKey }),
    ).rejects.toBeTruthy();
  });

  it('[EX71] the vision statements’ text is in the new workshop’s vision room, for a phone that joins it, and after a restart', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-import-'));
    const { url } = await start({}, true);
    const w = await fullWorkshop(url);
    const exported = await exportJson(url, w.console_);
    const answer = await post(url, JSON.stringify(exported));
    const imported = (answer.body as { ok: true; value: Created }).value;

    const readAsPhone = async (base: string, name: string): Promise<string> => {
      const phone = await joinAs(base, imported.joinCode, name);
      const writer = new VisionWriter(base, (await hello(phone.socket)).vision!);
      await writer.synced();
      const text = writer.text(w.statementId).toString();
      writer.destroy();
      return text;
    };
    expect(await readAsPhone(url, 'Béa')).toBe(w.text);

    closeClients();
    await server!.close();
    const again = await start({}, true);
    expect(again.realtime.rooms.has(imported.workshopId)).toBe(true);
    expect(await readAsPhone(again.url, 'Carl')).toBe(w.text);
    // and the room's document holds it once, not twice
    expect(
      again.realtime.rooms.get(imported.workshopId)!.vision.doc.getText(w.statementId).toString(),
    ).toBe(w.text);
  });

  it('[EX72] refused whole with the reason, nothing made: a schema error, a broken invariant, not JSON, the wrong content type or method, too big, another site', async () => {
    const { url } = await start({ importLimits: { maxBytes: 256 * 1024 } });
    const w = await fullWorkshop(url);
    const exported = (await exportJson(url, w.console_)) as {
      workshop: Record<string, unknown> & { stages: { dream: { boardIds: string[] } } };
    };
    const before = roomCount();

    const schemaError = structuredClone(exported);
    schemaError.workshop.title = 42;
    const broken = structuredClone(exported);
    broken.workshop.stages.dream.boardIds = ['no-such-board'];
    const cases: [string, Promise<Answer>, number, string, RegExp][] = [
      ['schema', post(url, JSON.stringify(schemaError)), 400, 'BAD_REQUEST', /title/],
      ['invariant', post(url, JSON.stringify(broken)), 400, 'BAD_REQUEST', /not sound/],
      ['not JSON', post(url, '{"format": "cocrea-workshop",'), 400, 'BAD_REQUEST', /not JSON/],
      ['empty', post(url, ''), 400, 'BAD_REQUEST', /not JSON/],
      ['not an export', post(url, '[1,2,3]'), 400, 'BAD_REQUEST', /Not a cocrea/],
      [
        'content type',
        post(url, JSON.stringify(exported), { 'Content-Type': 'text/plain' }),
        415,
        'BAD_REQUEST',
        /application\/json/,
      ],
      ['method', post(url, '', {}, 'GET'), 405, 'BAD_REQUEST', /POST/],
      [
        'too big',
        post(url, JSON.stringify({ ...exported, pad: 'x'.repeat(300 * 1024) })),
        413,
        'BAD_REQUEST',
        /larger than/,
      ],
      [
        'another site',
        post(url, JSON.stringify(exported), { Origin: 'https://evil.example' }),
        403,
        'NOT_ALLOWED',
        /this site/,
      ],
    ];
    for (const [what, pending, status, code, reason] of cases) {
      const { status: got, body } = await pending;
      expect(got, what).toBe(status);
      expect(body.ok, what).toBe(false);
      if (!body.ok) {
        expect(body.error.code, what).toBe(code);
        expect(body.error.message, what).toMatch(reason);
      }
    }
    expect(roomCount()).toBe(before);
    // The page's own origin is fine.
    const same = await post(url, JSON.stringify(exported), { Origin: url });
    expect(same.status).toBe(200);
    expect(roomCount()).toBe(before + 1);
  });

  it('[EX73] an import spends the creation budget createWorkshop spends, and needs the creation token when the server asks for one', async () => {
    const { url } = await start({
      createToken: 'sesame-sesame',
      limits: { creations: { capacity: 2, perSecond: 1 / 3600 } },
    });
    const w = await createWorkshop(url, { createToken: 'sesame-sesame' });
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    const doc = JSON.stringify(await exportJson(url, console_));

    const noToken = await post(url, doc);
    expect(noToken.status).toBe(403);
    expect(noToken.body).toMatchObject({ ok: false, error: { code: 'CREATE_TOKEN_REQUIRED' } });
    const wrongToken = await post(url, doc, { 'X-Create-Token': 'guess' });
    expect(wrongToken.body).toMatchObject({ ok: false, error: { code: 'CREATE_TOKEN_REQUIRED' } });
    // a document refused spends no creation…
    const broken = await post(url, doc.replace('"version":1', '"version":2'), {
      'X-Create-Token': 'sesame-sesame',
    });
    expect(broken.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // …so one creation is left: the import takes it…
    expect((await post(url, doc, { 'X-Create-Token': 'sesame-sesame' })).status).toBe(200);
    // …so neither another import nor a createWorkshop gets one
    const over = await post(url, doc, { 'X-Create-Token': 'sesame-sesame' });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    await expect(createWorkshop(url, { createToken: 'sesame-sesame' })).rejects.toThrow(
      /RATE_LIMITED/,
    );
    expect(roomCount()).toBe(2);
  });

  it('[EX78] an import named by X-Import-Op is made once: the same file sent again after a lost answer gets the first answer back, spending no second creation; another name makes another; a malformed name is refused and makes nothing', async () => {
    const { url } = await start({ limits: { creations: { capacity: 3, perSecond: 1 / 3600 } } });
    const w = await createWorkshop(url);
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    const doc = JSON.stringify(await exportJson(url, console_));
    const name = 'import-op-0123456789abcdef';
    const first = await post(url, doc, { 'X-Import-Op': name });
    expect(first.status).toBe(200);
    const again = await post(url, doc, { 'X-Import-Op': name });
    expect(again).toEqual(first);
    expect(roomCount()).toBe(2);
    // one creation was spent by the import, whichever copy came: one is left
    const other = await post(url, doc, { 'X-Import-Op': 'another-import-op-0123' });
    expect(other.status).toBe(200);
    expect(other.body.ok && first.body.ok && other.body.value.workshopId).not.toBe(
      first.body.ok && first.body.value.workshopId,
    );
    expect(roomCount()).toBe(3);
    for (const bad of ['short', 'x'.repeat(65), 'pas de blancs permis', 'op/avec/barres-0123']) {
      const refused = await post(url, doc, { 'X-Import-Op': bad });
      expect(refused.status, bad).toBe(400);
      expect(refused.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(roomCount()).toBe(3);
  });

  it('[EX74] every request spends the home page’s budget of commands: past it, 429 before the body is read', async () => {
    const { url } = await start({ limits: { commands: { capacity: 3, perSecond: 1 / 3600 } } });
    for (let i = 0; i < 3; i++) expect((await post(url, '[]')).status).toBe(400);
    const over = await post(url, '[]');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('[EX74] the budget is the home page’s own: a workshop created from that address’s home page leaves the imports one request less', async () => {
    const { url } = await start({ limits: { commands: { capacity: 3, perSecond: 1 / 3600 } } });
    // a home page (no device token) on the same address spends one…
    expect((await createWorkshop(url)).joinCode).toMatch(/\S/);
    // …so two imports are read, the third is not
    for (let i = 0; i < 2; i++) expect((await post(url, '[]')).status).toBe(400);
    expect((await post(url, '[]')).status).toBe(429);
  });

  it('[EX74] a body that stops coming is cut after the time allowed (408), a streamed one past the cap is cut (413), and the server goes on', async () => {
    const { url, port } = await start({ importLimits: { maxBytes: 64 * 1024, bodyMs: 400 } });
    // slowloris: headers and a few bytes, then nothing
    const slow = await rawExchange(
      port,
      `POST ${IMPORT_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"for`,
      3000,
    );
    expect(slow).toMatch(/^HTTP\/1\.1 408/);
    // two slow senders from one address hold its places: a third request is told to wait
    const slowHead = `POST ${IMPORT_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{`;
    const holders = [rawExchange(port, slowHead, 3000), rawExchange(port, slowHead, 3000)];
    await new Promise((r) => setTimeout(r, 100));
    const third = await post(url, '{}');
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    for (const reply of await Promise.all(holders)) expect(reply).toMatch(/^HTTP\/1\.1 408/);
    // once they are cut, the place is free again
    expect((await post(url, '{}')).status).toBe(400);
    // chunked, no length: cut once past the cap, without reading it all
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}${IMPORT_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const piece = 'x'.repeat(16 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < 40 && req.write(piece)) sent++;
        if (sent < 40) req.once('drain', more);
      };
      more();
    });
    expect(status).toBe(413);
    // still serving
    expect((await createWorkshop(url)).joinCode).toMatch(/\S/);
  });
});

/** Send raw bytes, gather what comes back until the server closes or `ms` pass. */
function rawExchange(port: number, data: string | Buffer, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (chunk) => (got += chunk.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
  });
}

describe('hostile imports against a server in its own process', () => {
  let script: string;
  let child: ServerProcess | null = null;
  let childDir: string;

  beforeAll(async () => {
    script = await bundleServerProcess();
    childDir = await mkdtemp(path.join(tmpdir(), 'cocrea-import-proc-'));
    child = await spawnServer(script, childDir, { PORT: '0', HOST: '127.0.0.1' });
  });
  afterAll(async () => {
    closeClients();
    await child?.kill();
    await rm(childDir, { recursive: true, force: true });
    await rm(path.dirname(script), { recursive: true, force: true });
  });

  it('[EX75] garbage, truncated, aborted, huge and odd requests to /import get an answer or a closed connection, and the process still imports', async () => {
    const { url } = child!;
    const port = Number(new URL(url).port);
    const head = (length: number | null, extra = '') =>
      `POST ${IMPORT_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      `${length === null ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`}${extra}\r\n`;
    const body = (text: string, encoding: BufferEncoding = 'utf8') => {
      const bytes = Buffer.from(text, encoding);
      return Buffer.concat([Buffer.from(head(bytes.length), 'latin1'), bytes]);
    };
    const hostile: [string, Buffer, RegExp][] = [
      ['binary garbage', body('\u0000\u00ff\u0001{{{]]]'.repeat(6), 'latin1'), / 400 /],
      ['invalid UTF-8', body('"\u00c3\u0028\u00a0\u00a1\u00ff\u00fe"', 'latin1'), / 400 /],
      ['deep nesting', body('['.repeat(100_000) + ']'.repeat(100_000)), / 400 /],
      ['huge numbers', body('{"format":1e999999,"version":-0e-9}'), / 400 /],
      [
        'a proto key',
        body('{"__proto__":{"polluted":1},"constructor":{"prototype":{"a":1}}}'),
        / 400 /,
      ],
      ['bad chunks', Buffer.from(head(null) + 'zz\r\nhello\r\n0\r\n\r\n'), / 400 /],
      ['declared too big', Buffer.from(head(50 * 1024 * 1024)), / 413 /],
      ['odd method', Buffer.from(`DELETE ${IMPORT_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`), / 405 /],
      [
        'odd path',
        Buffer.from(
          `POST ${IMPORT_PATH}/../import?x=%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`,
        ),
        / 404 /,
      ],
    ];
    for (const [what, data, status] of hostile) {
      const reply = await rawExchange(port, data, 2000);
      // an HTTP answer, never a server error nor a workshop
      expect(reply.split('\r\n')[0], what).toMatch(status);
      expect(reply, what).not.toMatch(/"ok":true/);
    }
    // a body cut off midway: the client goes away
    const truncated = net.connect(port, '127.0.0.1', () => {
      truncated.write(head(5000) + '{"format":"cocrea-workshop","version":1,"workshop":{');
      setTimeout(() => truncated.destroy(), 50);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(child!.child.exitCode).toBeNull();

    // and a good import still goes through
    const w = await createWorkshop(url, { title: 'Après la tempête' });
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    const doc = await exportJson(url, console_);
    const answer = await post(url, JSON.stringify(doc));
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
  });
});

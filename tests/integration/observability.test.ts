import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app';
import { createLogger, useLogger, type Logger } from '../../server/log';
import type { RealtimeOptions } from '../../server/realtime';
import { DurableStore } from '../../server/store/durable';
import { MemoryStore } from '../../server/store/memory';
import type { WorkshopStore } from '../../server/store/types';
import { newRejoinCode } from '../../src/lib/client/opId';
import type { Ack } from '../../src/lib/protocol/ack';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
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
import { bundleServerProcess } from './processes';
import { newToken, until } from './scene';

/*
 * Logs and metrics over the real server (127.0.0.1, an ephemeral port): what an IT team sees,
 * and that none of it carries a secret, a text or a name.
 */

const TOKEN = 'metrics-token-0123456789abcdef';

let server: RunningServer | null = null;
let restoreLogger: Logger | null = null;
let dataDir: string | null = null;

afterEach(async () => {
  closeClients();
  await server?.close();
  server = null;
  if (restoreLogger) useLogger(restoreLogger);
  restoreLogger = null;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = null;
});

async function start(
  realtime: Omit<RealtimeOptions, 'store'> = {},
  store: WorkshopStore = new MemoryStore(),
): Promise<RunningServer> {
  server = await startServer({ port: 0, host: '127.0.0.1', store, realtime });
  return server;
}

/** Every line the process logger writes from now on (the most verbose level), as text. */
function captureLog(): string[] {
  const raw: string[] = [];
  restoreLogger = useLogger(
    createLogger('trace', { write: (line: string) => void raw.push(line) }),
  );
  return raw;
}

function scrape(url: string, authorization?: string, method = 'GET'): Promise<Response> {
  return fetch(`${url}/metrics`, {
    method,
    headers: authorization === undefined ? {} : { authorization },
  });
}

async function metricsText(url: string): Promise<string> {
  const res = await scrape(url, `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The value of one series (labels as given, in any order), or undefined when absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(found).length && wanted.every(([k, v]) => found[k] === v)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

async function askExport(socket: Socket, format: string) {
  return (await socket
    .timeout(5000)
    .emitWithAck('export', { v: PROTOCOL_VERSION, format })) as Ack<{ path: string }>;
}

/** A workshop with its console, a projector and a participant who wrote a note. */
async function room(url: string, createToken?: string) {
  const w = await createWorkshop(url, {
    title: 'Atelier confidentiel 4417',
    ...(createToken ? { createToken } : {}),
  });
  const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
  const welcome = await hello(console_);
  const facilitatorReplica = openReplica(url, welcome, 'facilitator');
  const projector = await connect(url, { code: w.joinCode, as: 'projector' });
  const publicReplica = openReplica(url, await hello(projector), 'public');
  const name = 'Awa Diallo-Traoré';
  const phone = await joinAs(url, w.joinCode, name);
  const phoneWelcome = await hello(phone.socket);
  const privateReplica = openReplica(url, phoneWelcome, 'private');
  const first = await facilitatorReplica.waitFor((s) => s.workshop !== null);
  const boardId = first.workshop!.stages.define.boardIds[0]!;
  const columnId = first.boards[boardId]!.columns[0]!.id;
  const note = 'Une note sur la garde de nuit 7341';
  await sendOk(phone.socket, { type: 'addNote', boardId, columnId, text: note });
  await publicReplica.waitFor((s) => Object.keys(s.notes ?? {}).length > 0);
  await privateReplica.waitFor((s) => s.workshop !== null || Object.keys(s).length > 0);
  return {
    ...w,
    console_,
    welcome,
    phoneWelcome,
    projector,
    phone,
    name,
    note,
    boardId,
    columnId,
    replicas: [facilitatorReplica, publicReplica, privateReplica],
  };
}

describe('the log over a real server', () => {
  it('[OP47] each command is one JSON line (type, workshop, outcome, ms) and no line holds a secret, a text, a name or an address', async () => {
    const raw = captureLog();
    const createToken = 'CreateTokenNobodyMaySee-5521';
    const { url, realtime } = await start({ createToken, metricsToken: TOKEN });
    const w = await room(url, createToken);

    // A participant coming back on another device, with the right rejoin code and a wrong one.
    const otherDevice = newToken();
    const back = await connect(url, { code: w.joinCode, as: 'participant', token: otherDevice });
    const wrong = newRejoinCode();
    expect((await send(back, { type: 'rejoinWorkshop', rejoinCode: wrong })).ok).toBe(false);
    await sendOk(back, { type: 'rejoinWorkshop', rejoinCode: w.phone.rejoinCode });
    // A command no server knows, carrying a text; a co-facilitator link (its key is a secret).
    const unknown = await send(w.console_, { type: 'dropEverything', text: 'SecretPayload-881' });
    expect(unknown.ok).toBe(false);
    const coKey = newToken();
    await sendOk(w.console_, {
      type: 'createCoFacilitatorLink',
      label: 'Co-animation',
      key: coKey,
    });
    // A download on a single-use ticket, and a scrape of the metrics.
    const asked = await askExport(w.console_, 'workshop.json');
    const exportPath = asked.ok ? asked.value.path : '';
    const exported = await (await fetch(`${url}${exportPath}`)).text();
    expect(exported).toContain(w.note);
    // The export imported as a new workshop, and a document that is not one.
    const post = (body: string) =>
      fetch(`${url}/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-create-token': createToken },
        body,
      });
    const imported = (await (await post(exported)).json()) as Ack<{
      workshopId: string;
      joinCode: string;
      facilitatorKey: string;
    }>;
    expect(imported.ok).toBe(true);
    expect((await post('{"format":"Awa Diallo-Traoré"}')).status).toBe(400);
    await metricsText(url);
    await until(() => raw.some((l) => l.includes('"createCoFacilitatorLink"')), 'the last line');

    const lines = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines) {
      expect(typeof line.level).toBe('string');
      expect(new Date(line.time as string).toISOString()).toBe(line.time);
      expect(typeof line.msg).toBe('string');
    }
    const commands = lines.filter((l) => String(l.msg).startsWith('command '));
    const summary = commands.map((l) => `${l.type} ${l.outcome}`);
    expect(summary).toEqual([
      'createWorkshop ok',
      'joinWorkshop ok',
      'addNote ok',
      'rejoinWorkshop UNKNOWN_REJOIN_CODE',
      'rejoinWorkshop ok',
      'other BAD_REQUEST',
      'createCoFacilitatorLink ok',
    ]);
    for (const line of commands) {
      expect(line.workshopId).toBe(w.workshopId);
      expect(line.ms).toBeTypeOf('number');
      expect(line.from).toMatch(/^[0-9a-f]{8}$/);
      expect(line.level).toBe('info');
    }
    expect(commands.find((l) => l.type === 'addNote')!.role).toBe('participant');
    const imports = lines.filter((l) => l.type === 'import');
    expect(imports.map((l) => `${l.msg} ${l.status}`)).toEqual([
      'import: ok 200',
      'import: BAD_REQUEST 400',
    ]);
    expect(imports[0]!.workshopId).toBe(imported.ok && imported.value.workshopId);
    expect(imports[0]!.workshopId).not.toBe(w.workshopId);

    const text = raw.join('');
    const tickets = [...w.welcome.rooms, ...w.phoneWelcome.rooms].map((r) => r.ticket);
    const secrets = {
      facilitatorKey: w.facilitatorKey,
      coKey,
      joinCode: w.joinCode,
      joinCodeBare: w.joinCode.replace(/\W/g, ''),
      rejoinCode: w.phone.rejoinCode,
      wrongRejoinCode: wrong,
      deviceToken: w.phone.token,
      otherDevice,
      name: w.name,
      surname: 'Diallo',
      note: w.note,
      title: 'Atelier confidentiel',
      payload: 'SecretPayload',
      createToken,
      metricsToken: TOKEN,
      exportTicket: exportPath.split('/').pop()!,
      keyHash: realtime.rooms.get(w.workshopId)!.durable.facilitatorKeyHash,
      address: '127.0.0.1',
      importedKey: imported.ok ? imported.value.facilitatorKey : 'none',
      importedJoinCode: imported.ok ? imported.value.joinCode : 'none',
      ...Object.fromEntries(tickets.map((t, i) => [`ticket${i}`, t])),
    };
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).toBeGreaterThan(5);
      expect(text, what).not.toContain(secret);
    }
  });

  it('[OP48] a refusal for going too fast is logged at debug only, so one client cannot fill the log; it is still counted', async () => {
    const raw = captureLog();
    const { url } = await start({
      metricsToken: TOKEN,
      limits: { commands: { capacity: 2, perSecond: 0.001 } },
    });
    const visitor = await connect(url);
    for (let i = 0; i < 12; i++) await send(visitor, { type: 'bogus', i });
    const lines = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    const refused = lines.filter((l) => l.outcome === 'RATE_LIMITED');
    expect(refused).toHaveLength(10);
    expect(refused.every((l) => l.level === 'debug')).toBe(true);
    expect(lines.filter((l) => l.outcome === 'BAD_REQUEST' && l.level === 'info')).toHaveLength(2);
    const metrics = await metricsText(url);
    expect(
      sample(metrics, 'cocrea_commands_total', { type: 'other', outcome: 'RATE_LIMITED' }),
    ).toBe(10);
  });
});

describe('GET /metrics', () => {
  it('[OP49] without METRICS_TOKEN the path does not exist: 404, with or without a token', async () => {
    const { url } = await start();
    expect((await scrape(url)).status).toBe(404);
    expect((await scrape(url, `Bearer ${TOKEN}`)).status).toBe(404);
  });

  it('[OP50] with it: 401 without the bearer token or with another, 405 for anything but GET and HEAD; never cached', async () => {
    const { url } = await start({ metricsToken: TOKEN });
    for (const authorization of [
      undefined,
      '',
      TOKEN,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      'Bearer ',
    ]) {
      const res = await scrape(url, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toBe('');
    }
    const posted = await scrape(url, `Bearer ${TOKEN}`, 'POST');
    expect(posted.status).toBe(405);
    const head = await scrape(url, `Bearer ${TOKEN}`, 'HEAD');
    expect(head.status).toBe(200);
    const res = await scrape(url, `bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The query does not matter; another path is not the endpoint.
    expect(
      (await fetch(`${url}/metrics?x=1`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect(
      (await fetch(`${url}/metricsx`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(404);
  });

  it('[OP51] commands by type and outcome (once each), ack latency, connections by role and audience up and back down, workshops, replica bytes; no id, name or code', async () => {
    const { url } = await start({ metricsToken: TOKEN });
    const w = await room(url);
    // Refused: a projector may not write a note; a type nobody knows counts as 'other'.
    const refused = await send(w.projector, {
      type: 'addNote',
      boardId: w.boardId,
      columnId: w.columnId,
      text: 'Non',
    });
    expect(refused.ok || refused.error.code).toBe('NOT_ALLOWED');
    for (let i = 0; i < 3; i++) await send(w.console_, { type: `made-up-${i}` });
    const visitor = await connect(url, { code: w.joinCode, as: 'participant', token: newToken() });

    const text = await metricsText(url);
    const commands = (type: string, outcome: string) =>
      sample(text, 'cocrea_commands_total', { type, outcome });
    expect(commands('createWorkshop', 'ok')).toBe(1);
    expect(commands('joinWorkshop', 'ok')).toBe(1);
    expect(commands('addNote', 'ok')).toBe(1);
    expect(commands('addNote', 'NOT_ALLOWED')).toBe(1);
    expect(commands('other', 'BAD_REQUEST')).toBe(3);
    // Only the series that happened: no made-up type became a label.
    const series = text.split('\n').filter((l) => l.startsWith('cocrea_commands_total{'));
    expect(series).toHaveLength(5);
    expect(text).not.toContain('made-up');
    expect(sample(text, 'cocrea_command_ack_seconds_count', { result: 'ok' })).toBe(3);
    expect(sample(text, 'cocrea_command_ack_seconds_count', { result: 'refused' })).toBe(4);
    const okSeconds = sample(text, 'cocrea_command_ack_seconds_sum', { result: 'ok' })!;
    expect(okSeconds).toBeGreaterThan(0);
    expect(okSeconds).toBeLessThan(10);

    const sessions = (role: string) => sample(text, 'cocrea_socket_sessions', { role });
    expect(sessions('facilitator')).toBe(1);
    expect(sessions('projector')).toBe(1);
    expect(sessions('participant')).toBe(1);
    expect(sessions('visitor')).toBe(1);
    expect(sessions('cofacilitator')).toBe(0);
    const replicas = (audience: string) => sample(text, 'cocrea_replica_connections', { audience });
    expect([replicas('public'), replicas('facilitator'), replicas('private')]).toEqual([1, 1, 1]);
    expect(replicas('vision')).toBe(0);
    expect(sample(text, 'cocrea_workshops', { state: 'loaded' })).toBe(1);
    expect(sample(text, 'cocrea_workshops', { state: 'asleep' })).toBe(0);
    // The public replica holds the note; a phone's private replica is smaller than it.
    const bytes = (audience: string) => sample(text, 'cocrea_replica_bytes', { audience })!;
    expect(bytes('public')).toBeGreaterThan(w.note.length);
    expect(bytes('facilitator')).toBeGreaterThan(bytes('private'));
    expect(bytes('private')).toBeGreaterThan(0);
    for (const secret of [w.workshopId, w.joinCode, w.name, w.note, w.facilitatorKey]) {
      expect(text).not.toContain(secret);
    }

    // Everyone leaves: the gauges come back down.
    visitor.disconnect();
    closeClients();
    let after = '';
    const deadline = Date.now() + 5000;
    for (;;) {
      after = await metricsText(url);
      const open = ['facilitator', 'projector', 'participant', 'visitor'].map((role) =>
        sample(after, 'cocrea_socket_sessions', { role }),
      );
      const conns = ['public', 'facilitator', 'private'].map((a) =>
        sample(after, 'cocrea_replica_connections', { audience: a }),
      );
      if ([...open, ...conns].every((n) => n === 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const role of ['facilitator', 'projector', 'participant', 'visitor']) {
      expect(sample(after, 'cocrea_socket_sessions', { role }), role).toBe(0);
    }
    for (const audience of ['public', 'facilitator', 'private']) {
      expect(sample(after, 'cocrea_replica_connections', { audience }), audience).toBe(0);
    }
    // Counters only go up.
    expect(sample(after, 'cocrea_commands_total', { type: 'addNote', outcome: 'ok' })).toBe(1);
  });

  it('[OP52] the durable store times each group commit (fsync histogram); process metrics come along', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-metrics-'));
    const { url } = await start({ metricsToken: TOKEN }, await DurableStore.open(dataDir));
    const w = await createWorkshop(url);
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    for (let i = 0; i < 3; i++) {
      await sendOk(console_, { type: 'addStatement', title: `Vision ${i}` });
    }
    const text = await metricsText(url);
    const flushes = sample(text, 'cocrea_store_fsync_seconds_count')!;
    expect(flushes).toBeGreaterThanOrEqual(4);
    const seconds = sample(text, 'cocrea_store_fsync_seconds_sum')!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(flushes * 5);
    expect(sample(text, 'cocrea_store_fsync_seconds_bucket', { le: '+Inf' })).toBe(flushes);
    expect(text).toContain('\nprocess_cpu_user_seconds_total ');
    expect(text).toContain('\nnodejs_heap_size_used_bytes ');
  });
});

describe('the production entry says what it did', () => {
  // server/index.ts bundled as `npm run build` does, next to a stub of the SvelteKit handler.
  let root: string;
  beforeAll(async () => {
    await mkdir(path.resolve('node_modules/.cache'), { recursive: true });
    root = await mkdtemp(path.resolve('node_modules/.cache/cocrea-entry-'));
    await bundleServerProcess('server/index.ts', path.join(root, 'dist', 'server.js'));
    await writeFile(path.join(root, 'package.json'), '{ "type": "module" }');
    await mkdir(path.join(root, 'build'));
    await writeFile(
      path.join(root, 'build', 'handler.js'),
      'export const handler = (req, res) => { res.statusCode = 404; res.end(); };\n',
    );
  }, 20_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Start the entry; `stop` sends SIGTERM once it listens. Resolves with what it wrote. */
  function run(env: Record<string, string>, stop = true) {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'server.js')], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (stop && out.includes('listening on')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      }),
    );
    return Object.assign(done, { child, out: () => out });
  }

  it('[OP56] one JSON line at start (url, port, data dir, workshops loaded, retention, metrics, time taken) and one at a stop; nothing on stderr', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-entry-data-'));
    const { code, out, err } = await run({
      DATA_DIR: dataDir,
      RETENTION_DAYS: '30',
      METRICS_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
    });
    expect(code, `${out}\n${err}`).toBe(0);
    expect(err).toBe('');
    const lines = out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const started = lines.find((l) => String(l.msg).startsWith('cocrea listening on'))!;
    expect(started).toMatchObject({
      level: 'info',
      dataDir,
      workshops: 0,
      retentionDays: 30,
      metrics: true,
    });
    expect(started.port).toBeGreaterThan(0);
    expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
    expect(started.startMs).toBeTypeOf('number');
    expect(String(started.msg)).toMatch(
      new RegExp(
        `^cocrea listening on http://127\\.0\\.0\\.1:${started.port} \\(data in .+; 0 workshops loaded; workshops erased after 30 days without activity; metrics on; started in \\d+ ms\\)$`,
      ),
    );
    const stopped = lines.find((l) => String(l.msg).startsWith('cocrea stopped'))!;
    expect(stopped.level).toBe('info');
    expect(String(stopped.msg)).toMatch(/^cocrea stopped on SIGTERM in \d+ ms/);
    expect(out).not.toContain(TOKEN);
    expect(lines.indexOf(started)).toBeLessThan(lines.indexOf(stopped));
  });

  it('[OP57] LOG_LEVEL=warn leaves the start and stop out; a bad LOG_LEVEL stops the start with one plain line', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-entry-data-'));
    const port = await freePort();
    const quiet = run({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: String(port) }, false);
    // It serves (any answer will do), and says nothing, at start or at a stop.
    let status = 0;
    const deadline = Date.now() + 10_000;
    while (status === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = await fetch(`http://127.0.0.1:${port}/`).then(
        (res) => res.status,
        () => 0,
      );
    }
    expect(status).toBe(404);
    quiet.child.kill('SIGTERM');
    const stopped = await quiet;
    expect(stopped.code).toBe(0);
    expect(stopped.out).toBe('');
    expect(stopped.err).toBe('');

    const bad = await run({ DATA_DIR: dataDir, LOG_LEVEL: 'loud' }, false);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(bad.err.trimEnd().split('\n')).toEqual([
      'cocrea: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, not "loud"',
    ]);
  });
});

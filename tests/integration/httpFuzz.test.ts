import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { newRejoinCode } from '../../src/lib/client/opId';
import type { Ack } from '../../src/lib/protocol/ack';
import type { Welcome } from '../../src/lib/protocol/replica';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { closeClients, TestReplica } from './helpers';
import { bundleServerProcess, spawnServer, type ServerProcess } from './processes';

/*
 * The whole HTTP surface against the real server in its own process (the production wiring:
 * settings from the environment, the durable store, and the built pages when there is a build):
 * hostile and random requests over raw TCP, WebSocket upgrades, engine.io and socket.io packets.
 * After each batch the process must still run and still serve a workshop from end to end. When a
 * batch kills it, its requests are replayed one at a time on a fresh server to name the culprit.
 */

const BATCHES_PER_SEED = 4;
const REQUESTS_PER_BATCH = 50;
/** Fixed seeds reproduce; one more random seed per run explores (printed when it fails). */
const SEEDS = [20_240_611, 7, 987_654_321, 424_242, Math.floor(Math.random() * 2 ** 31)];
const REQUEST_TIMEOUT_MS = 1500;

const BUILT_HANDLER = path.resolve('build/handler.js');
let script: string;
let server: ServerProcess | null = null;
let dataDir: string;
let port: number;

async function startServer(): Promise<void> {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-httpfuzz-'));
  server = await spawnServer(script, dataDir, {
    PORT: '0',
    HOST: '127.0.0.1',
    // Behind a proxy: the end-to-end check comes from a new address each time (the creation
    // budget is per address), and the forwarded header is parsed on every handshake.
    TRUST_PROXY: '1',
    ...(existsSync(BUILT_HANDLER) ? { COCREA_HANDLER: BUILT_HANDLER } : {}),
  });
  port = Number(new URL(server.url).port);
}

async function stopServer(): Promise<void> {
  closeClients();
  await server?.kill();
  server = null;
  await rm(dataDir, { recursive: true, force: true });
}

const alive = () => server !== null && server.child.exitCode === null && !server.child.signalCode;

beforeAll(async () => {
  script = await bundleServerProcess('tests/integration/fixtures/httpServerProcess.ts');
  await startServer();
}, 60_000);
afterAll(async () => {
  await stopServer();
  await rm(path.dirname(script), { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// What a stranger can send

/** One hostile exchange: raw bytes on a TCP connection, or packets on an engine.io session. */
type Probe =
  | { kind: 'raw'; bytes: string; then?: string; reset: boolean }
  | { kind: 'engine-ws'; packets: string[]; headers: Record<string, string> }
  | { kind: 'engine-polling'; body: string; headers: Record<string, string> };

const describeProbe = (p: Probe): string => JSON.stringify(p).slice(0, 400);

const HOSTILE_SEGMENTS = [
  '%E0%A4%A',
  '%',
  '%%',
  '%0',
  '%00',
  '%zz',
  '%C0%AE%C0%AE',
  '%C0%AE%C0%AE%2F%C0%AE%C0%AE%2Fetc%2Fpasswd',
  '%C0%80',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%FF%FE',
  '..',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fpackage.json',
  '%2e%2e/%2e%2e/package.json',
  '..%5c..%5cpackage.json',
  '//',
  '.',
  '~',
  '__proto__',
  'constructor',
  'a'.repeat(4000),
  '%E0%A4%A'.repeat(300),
  '%25'.repeat(1000),
  'x.public.y',
  'a.b.c.d.e',
  '%2F%2F%2F',
];
const PREFIXES = [
  '/',
  '/yjs/',
  '/yjs',
  '/socket.io/',
  '/socket.io',
  '/join/',
  '/join',
  '/console/',
  '/projector/',
  '/_app/',
  '/_app/immutable/',
  '/_app/immutable/chunks/',
  '/service-worker.js',
  '/favicon.svg',
  '/manifest.webmanifest',
  '/no/such/',
];
const QUERIES = [
  '',
  '?EIO=4&transport=polling',
  '?EIO=4&transport=websocket',
  '?EIO=3&transport=polling',
  '?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA',
  '?EIO=4&transport=polling&sid=%E0%A4%A',
  '?EIO=x&transport=y',
  '?EIO=4&transport=polling&b64=1',
  '?EIO=4&transport=polling&t=%',
  '?ticket=%E0%A4%A',
  `?ticket=${'a'.repeat(3000)}`,
  '?__proto__[x]=1',
  '?%',
  '?a=%E0%A4%A&a=%00',
];

const printable = fc.string({
  maxLength: 40,
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const anyText = fc.string({ maxLength: 60, unit: 'binary' });

const target = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...PREFIXES),
        fc.oneof(fc.constantFrom(...HOSTILE_SEGMENTS), printable),
        fc.constantFrom(...QUERIES),
      )
      .map(([a, b, c]) => a + b + c),
  },
  fc.constantFrom(
    '*',
    'http://127.0.0.1/yjs/x',
    'http://[::1',
    'http://evil.example/',
    '127.0.0.1:22',
    '',
    ' ',
    '/a b',
    '/\u00e9',
    '/\u0000',
  ),
  printable,
);

const method = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'GET',
      'POST',
      'PUT',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'PATCH',
      'TRACE',
      'CONNECT',
    ),
  },
  fc.constantFrom('PROPFIND', 'BREW', 'M-SEARCH', 'get', 'G ET', '', 'GET\u0000'),
  fc.stringMatching(/^[A-Z]{1,12}$/),
);

const version = fc.oneof(
  { weight: 9, arbitrary: fc.constant('HTTP/1.1') },
  fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', 'HTTP/1.1 x', ''),
);

const forwarded = fc.oneof(
  fc.constantFrom(
    '10.0.0.1',
    '10.0.0.1, 10.0.0.2',
    '',
    ',,,',
    '[',
    'unknown',
    '::ffff:',
    '1.1.1.1, '.repeat(900),
    'x'.repeat(8000),
    '"><script>',
    '2001:db8::1, 10.0.0.1',
  ),
  printable,
);

type Header = [string, string];
const extraHeader: fc.Arbitrary<Header[]> = fc.oneof(
  forwarded.map((v) => [['X-Forwarded-For', v]] as Header[]),
  fc.tuple(forwarded, forwarded).map(
    ([a, b]) =>
      [
        ['X-Forwarded-For', a],
        ['X-Forwarded-For', b],
      ] as Header[],
  ),
  fc
    .constantFrom('null', 'http://evil.example', '', 'file://', 'http://127.0.0.1', '%E0%A4%A')
    .map((v) => [['Origin', v]] as Header[]),
  fc
    .constantFrom('abc', '-1', '99999999999999999999', '1, 2', '0x10', '')
    .map((v) => [['Content-Length', v]] as Header[]),
  fc.constant([
    ['Content-Length', '3'],
    ['Content-Length', '5'],
  ] as Header[]),
  fc
    .constantFrom('chunked', 'chunked, gzip', 'gzip', 'identity, chunked')
    .map((v) => [['Transfer-Encoding', v]] as Header[]),
  fc
    .constantFrom('bytes=9999999999-', 'bytes=-', 'bytes=0-0,0-0,0-0,0-0,1-1,2-2', 'bytes=a-b', 'x')
    .map((v) => [['Range', v]] as Header[]),
  fc
    .constantFrom('br;q=2, gzip;q=-1', '*', '%', 'x'.repeat(3000))
    .map((v) => [['Accept-Encoding', v]] as Header[]),
  fc
    .constantFrom('fr;q=abc, en;q=', '*', '', 'x'.repeat(2000), '__proto__')
    .map((v) => [['Accept-Language', v]] as Header[]),
  fc
    .constantFrom('a=%E0%A4%A', '=', ';;;', 'io=x'.repeat(500))
    .map((v) => [['Cookie', v]] as Header[]),
  fc.constantFrom('"x"', '*', 'W/', '').map((v) => [['If-None-Match', v]] as Header[]),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/), printable)
    .map(([n, v]) => [[n, v]] as Header[]),
  fc.constant([['X-Big', 'y'.repeat(12_000)]] as Header[]),
  fc.constant([['Bad Name', 'x']] as Header[]),
);

const host = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | null>('LOCAL') },
  fc.constantFrom<string | null>(
    null,
    '',
    'evil.example',
    '[::1',
    'host:99999',
    'a b',
    'x'.repeat(5000),
    '%E0%A4%A',
  ),
);

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  anyText,
  fc.constantFrom(
    'zz\r\nabc\r\n0\r\n\r\n',
    '5\r\nhello\r\n0\r\n\r\n',
    'ffffffffffffffff\r\n',
    '40{"v":1}',
    '\u0000\u0001\u0002',
  ),
);

function rawRequest(
  m: string,
  t: string,
  v: string,
  h: string | null,
  headers: Header[][],
  b: string,
  close: boolean,
): string {
  const lines = [`${m} ${t}${v ? ` ${v}` : ''}`];
  if (h === 'LOCAL') lines.push(`Host: 127.0.0.1:${port}`);
  else if (h !== null) lines.push(`Host: ${h}`);
  for (const group of headers) for (const [n, value] of group) lines.push(`${n}: ${value}`);
  if (close) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${b}`;
}

const plainRequest = fc
  .record({
    m: method,
    t: target,
    v: version,
    h: host,
    headers: fc.array(extraHeader, { maxLength: 3 }),
    b: body,
    close: fc.boolean(),
    reset: fc.boolean(),
  })
  .map(({ m, t, v, h, headers, b, close, reset }): Probe => ({
    kind: 'raw',
    bytes: rawRequest(m, t, v, h, headers, b, close),
    reset,
  }));

const wsKey = fc.oneof(
  { weight: 3, arbitrary: fc.constant('VALID') },
  fc.constantFrom('', 'abc', '%E0%A4%A', 'x'.repeat(500), '==========='),
);
const upgradeRequest = fc
  .record({
    path: fc.oneof(
      fc.constantFrom(...HOSTILE_SEGMENTS).map((s) => `/yjs/${s}`),
      fc.constantFrom(...HOSTILE_SEGMENTS).map((s) => `/yjs/${s}?ticket=${s}`),
      fc.constantFrom(...QUERIES).map((q) => `/socket.io/${q}`),
      fc.constantFrom('/', '/join', '/other', '/yjs', '/socket.ioX', '/_app/'),
    ),
    key: wsKey,
    wsVersion: fc.constantFrom<string | null>('13', '13', '8', 'x', '', null),
    extensions: fc.constantFrom<string | null>(
      null,
      'permessage-deflate',
      'permessage-deflate; client_max_window_bits=99',
      'permessage-deflate; server_no_context_takeover=1; x',
      ';;;',
    ),
    protocol: fc.constantFrom<string | null>(null, '', 'a, a', '%'),
    extra: fc.array(extraHeader, { maxLength: 2 }),
    frames: fc.uint8Array({ maxLength: 64 }),
    reset: fc.boolean(),
  })
  .map(({ path: p, key, wsVersion, extensions, protocol, extra, frames, reset }): Probe => {
    const headers: Header[][] = [
      [
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
      ],
    ];
    if (key !== null)
      headers.push([
        ['Sec-WebSocket-Key', key === 'VALID' ? randomBytes(16).toString('base64') : key],
      ]);
    if (wsVersion !== null) headers.push([['Sec-WebSocket-Version', wsVersion]]);
    if (extensions !== null) headers.push([['Sec-WebSocket-Extensions', extensions]]);
    if (protocol !== null) headers.push([['Sec-WebSocket-Protocol', protocol]]);
    return {
      kind: 'raw',
      bytes: rawRequest('GET', p, 'HTTP/1.1', 'LOCAL', [...headers, ...extra], '', false),
      then: Buffer.from(frames).toString('latin1'),
      reset,
    };
  });

/** Handshake `auth` payloads of every type, valid-looking ones included. */
const authPayload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(
    null,
    1,
    'x',
    [],
    { v: 1 },
    { v: PROTOCOL_VERSION, code: { __proto__: 1 } },
    { v: PROTOCOL_VERSION, code: 'ABCDEF', as: 'participant', token: 'x'.repeat(5000) },
    { v: PROTOCOL_VERSION, code: 'ABCDEF', as: 'participant', token: ['a'] },
    { v: PROTOCOL_VERSION, workshopId: [], key: {} },
    { v: PROTOCOL_VERSION, workshopId: '__proto__', key: 'x' },
    { v: PROTOCOL_VERSION, code: '%E0%A4%A', as: 'projector' },
    { v: 99 },
    { v: '1' },
  ),
);

/** engine.io ("4" = message) around socket.io packets, well-formed or not. */
const enginePacket = fc.oneof(
  authPayload.map((a) => `40${JSON.stringify(a) ?? ''}`),
  fc.constantFrom(
    '40',
    '41',
    '42["hello"]',
    '421["hello"]',
    '421["hello",1,2,3]',
    '42["hello",{"__proto__":{"x":1}}]',
    '421["cmd"]',
    '421["cmd",null]',
    '42["cmd",{"v":1},5]',
    `421["cmd",[${'[1],'.repeat(2000)}1]]`,
    `421["hello",${'['.repeat(500)}${']'.repeat(500)}]`,
    '42["__proto__"]',
    '42["error",{"message":"x"}]',
    '42["error"]',
    '42["newListener","x"]',
    '42["constructor",1]',
    '421["disconnect"]',
    '43',
    '431[]',
    '44{"message":"x"}',
    '45',
    '451-["cmd",{"_placeholder":true,"num":0}]',
    '42',
    '4',
    '2',
    '2probe',
    '3',
    '5',
    '6',
    '1',
    'x',
    'b4AAAA',
    '',
  ),
  anyText.map((s) => `4${s}`),
  anyText,
);

const engineWs = fc
  .record({
    packets: fc.array(enginePacket, { minLength: 1, maxLength: 6 }),
    xff: fc.option(forwarded, { nil: undefined }),
    origin: fc.option(fc.constantFrom('null', 'http://evil.example'), { nil: undefined }),
  })
  .map(({ packets, xff, origin }): Probe => ({
    kind: 'engine-ws',
    packets,
    headers: {
      ...(xff !== undefined ? { 'X-Forwarded-For': xff } : {}),
      ...(origin !== undefined ? { Origin: origin } : {}),
    },
  }));

const enginePolling = fc
  .record({
    packets: fc.array(enginePacket, { minLength: 1, maxLength: 4 }),
    xff: fc.option(forwarded, { nil: undefined }),
  })
  .map(({ packets, xff }): Probe => ({
    kind: 'engine-polling',
    body: packets.join('\u001e'),
    headers: xff !== undefined ? { 'X-Forwarded-For': xff } : {},
  }));

const probe: fc.Arbitrary<Probe> = fc.oneof(
  { weight: 5, arbitrary: plainRequest },
  { weight: 3, arbitrary: upgradeRequest },
  { weight: 2, arbitrary: engineWs },
  { weight: 1, arbitrary: enginePolling },
);

/** Requests known to have hurt servers like this one (and this one: the first). */
function knownHostile(): Probe[] {
  const upgrade = (p: string, headers: Header[] = [], reset = false): Probe => ({
    kind: 'raw',
    bytes: rawRequest(
      'GET',
      p,
      'HTTP/1.1',
      'LOCAL',
      [
        [
          ['Upgrade', 'websocket'],
          ['Connection', 'Upgrade'],
          ['Sec-WebSocket-Key', randomBytes(16).toString('base64')],
          ['Sec-WebSocket-Version', '13'],
        ],
        headers,
      ],
      '',
      false,
    ),
    reset,
  });
  const get = (p: string, headers: Header[] = [], m = 'GET', b = ''): Probe => ({
    kind: 'raw',
    bytes: rawRequest(m, p, 'HTTP/1.1', 'LOCAL', [headers], b, true),
    reset: false,
  });
  return [
    upgrade('/yjs/%E0%A4%A'),
    upgrade('/yjs/%E0%A4%A', [['Origin', 'null']]),
    upgrade('/yjs/%', [], true),
    upgrade('/yjs/a.public.b?ticket=%E0%A4%A'),
    upgrade('/other', [], true),
    upgrade('/', [], true),
    upgrade('/socket.io/?EIO=4&transport=websocket&sid=%E0%A4%A', [], true),
    upgrade('/socket.io/?EIO=4&transport=websocket', [
      ['X-Forwarded-For', '1.1.1.1, '.repeat(900)],
    ]),
    get('/%E0%A4%A'),
    get('/join/%E0%A4%A'),
    get('/console/%E0%A4%A'),
    get('/_app/%E0%A4%A'),
    get('/%00'),
    get('/..%2f..%2fpackage.json'),
    get('/_app/../../package.json'),
    get('/service-worker.js', [['Range', 'bytes=9999999999-']]),
    get('/favicon.svg', [['Accept-Encoding', 'br;q=2, gzip;q=-1']]),
    get('/socket.io/?EIO=4&transport=polling&sid=nope', [['Content-Length', 'abc']], 'POST', 'x'),
    get(
      '/socket.io/?EIO=4&transport=polling',
      [['Transfer-Encoding', 'chunked']],
      'POST',
      'zz\r\nabc\r\n0\r\n\r\n',
    ),
    get('/', [['X-Forwarded-For', 'x'.repeat(8000)]]),
    get('/', [], 'BREW'),
    get('127.0.0.1:22', [], 'CONNECT'),
    {
      kind: 'raw',
      bytes: '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
      reset: true,
    },
    { kind: 'engine-polling', body: '40null', headers: {} },
    { kind: 'engine-polling', body: '40{"v":1,"code":{"__proto__":1}}', headers: {} },
    { kind: 'engine-ws', packets: ['40', '421["hello",1,2,3]', '42["hello"]'], headers: {} },
    {
      kind: 'engine-ws',
      packets: ['40{"v":1}', '421["cmd"]', '42["cmd",{"v":1},5]'],
      headers: { Origin: 'null' },
    },
    {
      kind: 'engine-ws',
      packets: ['40{"v":1}', `421["cmd",[${'[1],'.repeat(2000)}1]]`],
      headers: { 'X-Forwarded-For': ',,,' },
    },
    { kind: 'engine-ws', packets: ['40[]', '40"x"', '401'], headers: {} },
    { kind: 'engine-ws', packets: ['40{"v":1}', '42["error",{"message":"x"}]'], headers: {} },
  ];
}

// ---------------------------------------------------------------------------------------------
// Sending

interface Outcome {
  status: number | null;
  /** After a 101: the close code of the first WebSocket frame, when it is a close frame. */
  closeCode?: number;
}

/** The close code in the first frame after a 101 response (an unmasked server frame). */
function closeCodeOf(bytes: string): number | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0 || bytes.charCodeAt(end + 4) !== 0x88) return undefined;
  return bytes.charCodeAt(end + 6) * 256 + bytes.charCodeAt(end + 7);
}

const statusOf = (bytes: string): number | null => {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(bytes);
  return match ? Number(match[1]) : null;
};

/** Raw bytes on a TCP connection; resolves once answered, closed or timed out (never rejects). */
function sendRaw(p: Extract<Probe, { kind: 'raw' }>): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (p.reset && !socket.destroyed) socket.resetAndDestroy();
      else socket.destroy();
      resolve({ status: statusOf(received), closeCode: closeCodeOf(received) });
    };
    const timer = setTimeout(finish, REQUEST_TIMEOUT_MS);
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('data', (chunk: Buffer) => {
      const first = received === '';
      received += chunk.toString('latin1');
      if (!first) return;
      // An accepted upgrade: say something in the new protocol, then go.
      if (statusOf(received) === 101 && p.then) socket.write(Buffer.from(p.then, 'latin1'));
      setTimeout(finish, 100);
    });
    socket.write(Buffer.from(p.bytes, 'latin1'));
  });
}

function sendEngineWs(p: Extract<Probe, { kind: 'engine-ws' }>): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
      headers: p.headers,
    });
    let status: number | null = null;
    const finish = () => {
      clearTimeout(timer);
      ws.terminate();
      resolve({ status });
    };
    const timer = setTimeout(finish, REQUEST_TIMEOUT_MS);
    ws.on('error', finish);
    ws.on('close', finish);
    ws.on('unexpected-response', (_req, res) => {
      status = res.statusCode ?? null;
      finish();
    });
    ws.on('open', () => {
      status = 101;
      for (const packet of p.packets) ws.send(packet);
      setTimeout(finish, 200);
    });
  });
}

/** An HTTP request with Node's client; never rejects. */
function httpRequest(
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  requestBody?: string,
): Promise<{ status: number | null; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const lines = [`${method} ${pathAndQuery} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
    for (const [n, v] of Object.entries(headers)) lines.push(`${n}: ${v}`);
    lines.push('Connection: close');
    if (requestBody !== undefined) {
      lines.push('Content-Type: text/plain;charset=UTF-8');
      lines.push(`Content-Length: ${Buffer.byteLength(requestBody)}`);
    }
    let received = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const split = received.indexOf('\r\n\r\n');
      resolve({ status: statusOf(received), text: split < 0 ? '' : received.slice(split + 4) });
    };
    const timer = setTimeout(finish, REQUEST_TIMEOUT_MS);
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.write(`${lines.join('\r\n')}\r\n\r\n${requestBody ?? ''}`);
  });
}

/** A polling session: open it, post the packets, read the answer. */
async function sendEnginePolling(p: Extract<Probe, { kind: 'engine-polling' }>): Promise<Outcome> {
  const opened = await httpRequest('GET', '/socket.io/?EIO=4&transport=polling', p.headers);
  const sid = /"sid":"([^"]+)"/.exec(opened.text)?.[1];
  if (!sid) return { status: opened.status };
  const session = `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
  const posted = await httpRequest('POST', session, p.headers, p.body);
  await httpRequest('GET', session, p.headers);
  return { status: posted.status };
}

function send(p: Probe): Promise<Outcome> {
  if (p.kind === 'raw') return sendRaw(p);
  if (p.kind === 'engine-ws') return sendEngineWs(p);
  return sendEnginePolling(p);
}

// ---------------------------------------------------------------------------------------------
// Still serving?

let checks = 0;
const opened: Socket[] = [];

function connectFrom(address: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${port}`, {
    auth: { v: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    extraHeaders: { 'X-Forwarded-For': address },
    reconnection: false,
  });
  opened.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function ask<T>(socket: Socket, event: string, payload?: unknown): Promise<T> {
  const args = payload === undefined ? [] : [payload];
  const ack = (await socket.timeout(5000).emitWithAck(event, ...args)) as Ack<T>;
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code}`);
  return ack.value;
}

/** A new workshop (from a new address), a participant joins and posts, and reads it back. */
async function servesAWorkshop(): Promise<void> {
  checks++;
  const address = `10.77.${checks >> 8}.${checks & 255}`;
  const op = () => `op-httpfuzz-${randomBytes(6).toString('hex')}`;
  const visitor = await connectFrom(address, {});
  const created = await ask<{ joinCode: string }>(visitor, 'cmd', {
    v: PROTOCOL_VERSION,
    op: op(),
    cmd: {
      type: 'createWorkshop',
      title: 'Toujours là',
      question: 'Le serveur tient-il ?',
      language: 'fr',
      sectors: [],
    },
  });
  const phone = await connectFrom(address, {
    code: created.joinCode,
    as: 'participant',
    token: randomBytes(16).toString('base64url'),
  });
  await ask(phone, 'cmd', {
    v: PROTOCOL_VERSION,
    op: op(),
    cmd: { type: 'joinWorkshop', name: 'Sonde', sector: null, rejoinCode: newRejoinCode() },
  });
  const welcome = await ask<Welcome>(phone, 'hello');
  const replica = new TestReplica(
    `http://127.0.0.1:${port}`,
    welcome.rooms.find((r) => r.audience === 'public')!,
  );
  const ready = await replica.waitFor((s) => s.workshop !== null);
  const boardId = ready.workshop!.stages.define.boardIds[0]!;
  const columnId = ready.boards[boardId]!.columns[0]!.id;
  const text = `encore debout ${checks}`;
  await ask(phone, 'cmd', {
    v: PROTOCOL_VERSION,
    op: op(),
    cmd: { type: 'addNote', boardId, columnId, text },
  });
  await replica.waitFor((s) => Object.values(s.notes).some((n) => n.text === text));
  replica.destroy();
  for (const socket of opened.splice(0)) socket.disconnect();
}

/** Send a batch at once; the server must survive it and keep serving. */
async function survives(batch: Probe[]): Promise<Outcome[]> {
  const outcomes = await Promise.all(batch.map(send));
  // a crash may take a moment to show: the end-to-end check gives it that moment
  let failure: unknown = null;
  if (alive()) await servesAWorkshop().catch((error: unknown) => (failure = error));
  if (!alive() || failure !== null) {
    const culprit = await findCulprit(batch);
    throw new Error(
      `the server ${alive() ? `stopped serving (${String(failure)})` : 'died'}; ` +
        `first request that kills a fresh server alone: ${culprit}`,
    );
  }
  return outcomes;
}

/** Replay a batch one request at a time on fresh servers; name the first that kills one. */
async function findCulprit(batch: Probe[]): Promise<string> {
  for (const p of batch) {
    if (!alive()) {
      await stopServer();
      await startServer();
    }
    await send(p);
    await new Promise((r) => setTimeout(r, 50));
    if (!alive()) return describeProbe(p);
  }
  if (!alive()) {
    await stopServer();
    await startServer();
  }
  return 'none alone (the batch together)';
}

describe('the HTTP surface, against the server in its own process', () => {
  it('[X26] requests known to hurt servers are refused and the server keeps serving', async () => {
    const outcomes = await survives(knownHostile());
    const [first] = outcomes;
    // the probe that used to kill the process is refused: an HTTP error, or a 44xx close
    // ("do not retry") once the WebSocket is open
    expect(first!.status === 400 || first!.closeCode === 4400, JSON.stringify(first)).toBe(true);
    // an upgrade to a path nobody serves is answered, not left open (then reset by the client)
    expect(outcomes[4]!.status).toBe(404);
    expect(alive()).toBe(true);
  });

  for (const seed of SEEDS) {
    it(`[X27] ${BATCHES_PER_SEED} batches of ${REQUESTS_PER_BATCH} random requests (seed ${seed}): the server survives and serves`, async () => {
      const statuses = new Set<number | null>();
      const result = await fc.check(
        fc.asyncProperty(
          fc.array(probe, { minLength: REQUESTS_PER_BATCH, maxLength: REQUESTS_PER_BATCH }),
          async (batch) => {
            for (const o of await survives(batch)) statuses.add(o.status);
          },
        ),
        // a failing batch is replayed request by request (see findCulprit), not shrunk
        { seed, numRuns: BATCHES_PER_SEED, endOnFailure: true },
      );
      // the batch itself is too long to print: the culprit is in the error
      if (result.failed) throw result.errorInstance;
      expect(alive()).toBe(true);
      // the batches reached more than one kind of answer (refusals and successes)
      expect(statuses.size).toBeGreaterThan(1);
    }, 60_000);
  }
});

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Health, writableDirectory } from './health';
import { isRealtimeUpgrade, Realtime, setSharedRealtime, type RealtimeOptions } from './realtime';
import { logRefused, printable, refuseUpgrade } from './transport/guard';
import { clientAddress, proxyHops } from './transport/clientAddress';
import type { Config } from './config';
import { createLogger, log, useLogger } from './log';
import { prepareDataDir } from './backup';
import { DurableStore } from './store/durable';
import type { WorkshopStore } from './store/types';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, next?: () => void) => void;

export interface StartOptions {
  port: number;
  host: string;
  store: WorkshopStore;
  origin?: string | null;
  createToken?: string | null;
  /** Trusted reverse proxies in front (a hop count; `true` is 1). */
  trustProxy?: boolean | number;
  /** Anything else for the realtime side (limits, ticket lifetime: tests tune them). */
  realtime?: Omit<RealtimeOptions, 'store'>;
  /** The SvelteKit handler (adapter-node); tests may leave it out. */
  handler?: Handler;
  /** Whether the store takes writes now, for /readyz (see writableDirectory in health.ts). */
  probe?: () => Promise<void>;
}

/** What a graceful stop did, for its log line. */
export interface StopSummary {
  /** Commands that were under way and reached the disk (their answers sent) before the stop. */
  commands: number;
  /** HTTP requests being answered when it began (an import, a download, a page): finished. */
  requests: number;
  /** socket.io sessions told the server restarts. */
  sessions: number;
  /** Replica and vision connections closed with 1012 (service restart). */
  replicas: number;
}

export interface RunningServer {
  url: string;
  port: number;
  realtime: Realtime;
  health: Health;
  /**
   * Stop gracefully: refuse anything new (503, RESTARTING), let what is under way reach the
   * disk and its answer go out, tell every client the server restarts, then close.
   */
  stop(): Promise<StopSummary>;
  /** What a stop under way waits for now (for the line saying it took too long). */
  readonly waitingFor: string | null;
  /** Close at once (tests): connections cut, the store closed. */
  close(): Promise<void>;
}

/** How long a graceful stop may take before the process exits anyway (under Docker's 10 s). */
export const DRAIN_MS = 8000;
/** What a client is asked to wait before trying again while the server starts or stops. */
const RETRY_AFTER_S = '5';

/**
 * One HTTP server on one port: the pages, socket.io and the Yjs endpoint. It listens at once
 * (so /healthz answers while workshops load); until they are loaded, /readyz says 503 "starting",
 * every other request gets 503 with Retry-After and upgrades are refused.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const trustProxy = options.trustProxy ?? options.realtime?.trustProxy ?? false;
  const hops = proxyHops(trustProxy);
  const health = new Health({
    probe: options.probe,
    addressOf: (req) =>
      clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], hops),
  });
  const handler: Handler =
    options.handler ??
    ((_req, res) => {
      res.statusCode = 404;
      res.end('not found');
    });
  let realtime: Realtime | null = null;
  /** Requests being answered (not counting health probes): a stop waits for them. */
  let answering = 0;
  const server = http.createServer((req, res) => {
    // On everything, static assets included (SvelteKit's hook adds the CSP to pages).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    try {
      if (health.serve(req, res)) return;
      if (health.phase !== 'ready' || !realtime) return unavailable(res, health.phase);
      answering++;
      res.once('close', () => answering--);
      if (realtime.serveHttp(req, res)) return;
      handler(req, res);
    } catch (error) {
      // The pages' handler answers its own errors; this is for what slips through.
      logRefused(`a request for ${printable(req.url)}`, error);
      if (!res.headersSent) res.writeHead(400, { Connection: 'close' });
      res.end();
    }
  });
  // Every connection, upgraded ones included (server.close waits for those too, and a client
  // that never answers a WebSocket close would hold it for 30 s): `close` ends what is left.
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  // Upgrades to any other path: nobody takes them, and an unanswered one would stay open.
  // Until the workshops are loaded, nobody takes socket.io's or the replicas' either.
  server.on('upgrade', (req, socket) => {
    if (!isRealtimeUpgrade(req.url)) refuseUpgrade(socket, 404);
    else if (!realtime) refuseUpgrade(socket, 503);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  try {
    realtime = await Realtime.create({
      ...options.realtime,
      store: options.store,
      origin: options.origin ?? options.realtime?.origin ?? null,
      createToken: options.createToken ?? options.realtime?.createToken ?? null,
      trustProxy,
    });
  } catch (error) {
    // A damaged log, say: stop listening, and let the caller say why.
    server.closeAllConnections();
    for (const socket of connections) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const live = realtime;
  live.attach(server);
  setSharedRealtime(live);
  health.phase = 'ready';
  const { port } = server.address() as AddressInfo;
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;

  let closing: Promise<void> | null = null;
  let waitingFor: string | null = null;
  const close = () =>
    (closing ??= (async () => {
      health.phase = 'draining';
      await live.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of connections) socket.destroy();
      await closed;
      setSharedRealtime(undefined);
    })());
  return {
    url: `http://${shownHost}:${port}`,
    port,
    realtime: live,
    health,
    get waitingFor() {
      return waitingFor;
    },
    async stop() {
      health.phase = 'draining';
      const pending = answering;
      waitingFor = 'commands under way and clients told';
      const summary = await live.drain();
      // An import or a download under way finishes (its record is on disk before it answers).
      waitingFor = 'HTTP requests under way';
      await until(() => answering === 0, DRAIN_MS);
      waitingFor = 'the store and connections to close';
      await close();
      waitingFor = null;
      return { ...summary, requests: pending };
    },
    close,
  };
}

/** 503 while starting or stopping: a clean refusal, never a half-served page. */
function unavailable(res: http.ServerResponse, phase: string): void {
  res.writeHead(503, {
    'Retry-After': RETRY_AFTER_S,
    'Cache-Control': 'no-store',
    'Content-Type': 'text/plain; charset=utf-8',
    Connection: 'close',
  });
  // French first, then English: a phone opening a page at that moment reads this.
  res.end(
    phase === 'starting'
      ? 'cocrea démarre : réessayez dans quelques secondes.\n' +
          'cocrea is starting: try again in a few seconds.\n'
      : 'cocrea redémarre : réessayez dans quelques secondes.\n' +
          'cocrea is restarting: try again in a few seconds.\n',
  );
}

/** Resolves once `done()` holds (checked every 20 ms), or after `ms` anyway. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export interface SignalOptions {
  /** The longest a graceful stop may take before the process exits anyway (DRAIN_MS). */
  drainMs?: number;
  exit?: (code: number) => void;
}

/**
 * SIGTERM or SIGINT: a graceful stop, one line saying what it did, exit 0. A stop that takes
 * longer than `drainMs` exits 1 saying so (what was not acknowledged is sent again by its
 * client). A second signal exits at once: 143 after SIGTERM, 130 after SIGINT (128 + its number).
 */
export function stopOnSignals(server: RunningServer, options: SignalOptions = {}): void {
  const drainMs = options.drainMs ?? DRAIN_MS;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (stopping) {
      log().warn({ signal, exit: code }, `${signal} again, stopping at once without waiting`);
      exit(code);
      return;
    }
    stopping = true;
    const startedAt = Date.now();
    const timer = setTimeout(() => {
      const waitingFor = server.waitingFor ?? 'nothing';
      log().error(
        { signal, drainMs, waitingFor, exit: 1 },
        `${signal}: the graceful stop took longer than ${drainMs} ms, stopping anyway (it was waiting for ${waitingFor})`,
      );
      exit(1);
    }, drainMs);
    server.stop().then(
      (done) => {
        clearTimeout(timer);
        const ms = Date.now() - startedAt;
        log().info(
          { signal, ms, ...done, exit: 0 },
          `cocrea stopped on ${signal} in ${ms} ms: ${done.commands} commands under way reached the disk, ` +
            `${done.requests} HTTP requests finished, ` +
            `${done.sessions} sessions and ${done.replicas} replica connections told the server restarts`,
        );
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        log().error({ signal, err: error, exit: 1 }, `${signal}: the graceful stop failed`);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** What the settings ask of the realtime side: `npm start` and `vite dev`/`preview` alike. */
export async function realtimeOptionsFrom(config: Config): Promise<RealtimeOptions> {
  // The process's log from here on: JSON lines on stdout, at the level LOG_LEVEL asks.
  useLogger(createLogger(config.logLevel));
  // The data directory's format: a new one marked, an older one upgraded, a newer one refused.
  await prepareDataDir(config.dataDir);
  return {
    store: await DurableStore.open(config.dataDir, {
      compactBytes: config.compactBytes,
      compactRecords: config.compactRecords,
    }),
    origin: config.origin,
    createToken: config.createToken,
    trustProxy: config.trustProxy,
    retentionDays: config.retentionDays,
    metricsToken: config.metricsToken,
  };
}

/** The server as the settings describe it, with the durable store under DATA_DIR. */
export async function startFromConfig(config: Config, handler?: Handler): Promise<RunningServer> {
  const { store, ...realtime } = await realtimeOptionsFrom(config);
  return startServer({
    port: config.port,
    host: config.host,
    store,
    realtime,
    handler,
    probe: writableDirectory(config.dataDir),
  });
}

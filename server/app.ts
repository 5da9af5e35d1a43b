import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRealtimeUpgrade, Realtime, setSharedRealtime, type RealtimeOptions } from './realtime';
import { logRefused, printable, refuseUpgrade } from './transport/guard';
import type { Config } from './config';
import { createLogger, useLogger } from './log';
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
}

export interface RunningServer {
  url: string;
  port: number;
  realtime: Realtime;
  close(): Promise<void>;
}

/** One HTTP server on one port: the pages, socket.io and the Yjs endpoint. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const realtime = await Realtime.create({
    ...options.realtime,
    store: options.store,
    origin: options.origin ?? options.realtime?.origin ?? null,
    createToken: options.createToken ?? options.realtime?.createToken ?? null,
    trustProxy: options.trustProxy ?? options.realtime?.trustProxy ?? false,
  });
  const handler: Handler =
    options.handler ??
    ((_req, res) => {
      res.statusCode = 404;
      res.end('not found');
    });
  const server = http.createServer((req, res) => {
    // On everything, static assets included (SvelteKit's hook adds the CSP to pages).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    try {
      if (realtime.serveHttp(req, res)) return;
      handler(req, res);
    } catch (error) {
      // The pages' handler answers its own errors; this is for what slips through.
      logRefused(`a request for ${printable(req.url)}`, error);
      if (!res.headersSent) res.writeHead(400, { Connection: 'close' });
      res.end();
    }
  });
  realtime.attach(server);
  // Upgrades to any other path: nobody takes them, and an unanswered one would stay open.
  server.on('upgrade', (req, socket) => {
    if (!isRealtimeUpgrade(req.url)) refuseUpgrade(socket, 404);
  });
  setSharedRealtime(realtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    realtime,
    async close() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      setSharedRealtime(undefined);
    },
  };
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
  return startServer({ port: config.port, host: config.host, store, realtime, handler });
}

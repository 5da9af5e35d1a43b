import type { Server as HttpServer } from 'node:http';
import { configFromEnv } from './config';
import { Realtime, setSharedRealtime, sharedRealtime } from './realtime';
import { DurableStore } from './store/durable';

/**
 * The socket.io and Yjs wiring of `npm start`, installed on `vite dev`'s or `vite preview`'s
 * HTTP server. Loaded by `vite.config.ts` through Vite's module runner, so the config itself
 * imports no server code (Vite would otherwise lint this whole graph on every build).
 */
export async function installRealtime(http: HttpServer): Promise<void> {
  const previous = sharedRealtime();
  if (previous) await previous.close();
  const config = configFromEnv();
  const realtime = await Realtime.create({
    store: await DurableStore.open(config.dataDir, { compactBytes: config.compactBytes }),
    origin: config.origin,
    createToken: config.createToken,
    trustProxy: config.trustProxy,
    retentionDays: config.retentionDays,
  });
  realtime.attach(http);
  setSharedRealtime(realtime);
}

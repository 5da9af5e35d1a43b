import type { Server as HttpServer } from 'node:http';
import { realtimeOptionsFrom } from './app';
import { configFromEnv } from './config';
import { Realtime, setSharedRealtime, sharedRealtime } from './realtime';

/**
 * The socket.io and Yjs wiring of `npm start`, installed on `vite dev`'s or `vite preview`'s
 * HTTP server. Loaded by `vite.config.ts` through Vite's module runner, so the config itself
 * imports no server code (Vite would otherwise lint this whole graph on every build).
 */
export async function installRealtime(http: HttpServer): Promise<void> {
  const previous = sharedRealtime();
  if (previous) await previous.close();
  const config = configFromEnv();
  const realtime = await Realtime.create(await realtimeOptionsFrom(config));
  realtime.attach(http);
  setSharedRealtime(realtime);
}

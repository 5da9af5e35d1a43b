import type { Server as HttpServer } from 'node:http';
import type { Plugin } from 'vite';
import { configFromEnv } from './config';
import { Realtime, setSharedRealtime, sharedRealtime } from './realtime';
import { DurableStore } from './store/durable';

/** `vite dev` and `vite preview` get the same socket.io and Yjs wiring as `npm start`. */
export function realtimePlugin(): Plugin {
  async function install(http: HttpServer | null): Promise<void> {
    if (!http) return;
    const previous = sharedRealtime();
    if (previous) await previous.close();
    const config = configFromEnv();
    const realtime = await Realtime.create({
      store: await DurableStore.open(config.dataDir),
      origin: config.origin,
      createToken: config.createToken,
      trustProxy: config.trustProxy,
    });
    realtime.attach(http);
    setSharedRealtime(realtime);
  }
  return {
    name: 'cocrea-realtime',
    async configureServer(server) {
      await install(server.httpServer as HttpServer | null);
    },
    async configurePreviewServer(server) {
      await install(server.httpServer as HttpServer);
    },
  };
}

import type { Server as HttpServer } from 'node:http';
import type { Plugin } from 'vite';
import { configFromEnv } from './config';
import { Realtime, setSharedRealtime, sharedRealtime } from './realtime';
import { MemoryStore } from './store/memory';

/** `vite dev` and `vite preview` get the same socket.io and Yjs wiring as `npm start`. */
export function realtimePlugin(): Plugin {
  async function install(http: HttpServer | null): Promise<void> {
    if (!http) return;
    const previous = sharedRealtime();
    if (previous) await previous.close();
    const realtime = await Realtime.create({
      store: new MemoryStore(),
      origin: configFromEnv().origin,
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

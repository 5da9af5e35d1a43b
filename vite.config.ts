import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, runnerImport, type Plugin } from 'vite';

/** The realtime side installed on this process (see server/realtime.ts, sharedRealtime). */
function sharedRealtime():
  { serveHttp(req: IncomingMessage, res: ServerResponse): boolean } | undefined {
  return (globalThis as Record<symbol, never>)[Symbol.for('cocrea.realtime')];
}

/** `vite dev` and `vite preview` get the same socket.io and Yjs wiring as `npm start`. */
function realtimePlugin(): Plugin {
  let root = process.cwd();
  async function install(http: HttpServer | null): Promise<void> {
    if (!http) return;
    const { module } = await runnerImport<typeof import('./server/devWiring')>(
      path.join(root, 'server/devWiring.ts'),
      { root, logLevel: 'warn' },
    );
    await module.installRealtime(http);
  }
  return {
    name: 'cocrea-realtime',
    configResolved(config) {
      root = config.root;
    },
    async configureServer(server) {
      await install(server.httpServer as HttpServer | null);
      server.middlewares.use((req, res, next) => {
        if (!sharedRealtime()?.serveHttp(req, res)) next();
      });
    },
    async configurePreviewServer(server) {
      await install(server.httpServer as HttpServer);
      server.middlewares.use((req, res, next) => {
        if (!sharedRealtime()?.serveHttp(req, res)) next();
      });
    },
  };
}

export default defineConfig({
  plugins: [sveltekit(), realtimePlugin()],
  // Rolldown's report of slow plugin callbacks (SvelteKit's own) only adds noise to `npm start`.
  build: { rolldownOptions: { checks: { bundlerTimings: false } } },
  environments: {
    client: {
      build: {
        // Old phones in the room: Safari 14 and Chrome 87 must run the participant page.
        target: ['es2020', 'safari14', 'chrome87'],
      },
    },
  },
});

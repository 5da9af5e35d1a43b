/* Production entry: `npm start` runs the bundled form of this file (dist/server.js). */
import { configFromEnv } from './config';
import { startServer } from './app';
import { DurableStore } from './store/durable';

const config = configFromEnv();
// The SvelteKit build; resolved at run time next to dist/ (see scripts/build-server.js).
const { handler } = await import(new URL('../build/handler.js', import.meta.url).href);

const server = await startServer({
  port: config.port,
  host: config.host,
  origin: config.origin,
  createToken: config.createToken,
  trustProxy: config.trustProxy,
  store: await DurableStore.open(config.dataDir),
  handler,
});
console.log(`cocrea listening on ${server.url} (data in ${config.dataDir})`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

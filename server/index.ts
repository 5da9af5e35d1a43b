/* Production entry: `npm start` runs the bundled form of this file (dist/server.js). */
import { configFromEnv } from './config';
import { startFromConfig, stopOnSignals } from './app';
import { log } from './log';
import { DataFormatError } from './store/format';
import { DamagedLogError } from './store/logCodec';

let config: ReturnType<typeof configFromEnv>;
try {
  config = configFromEnv();
} catch (error) {
  // A setting that makes no sense: say which, without a stack trace, and stop.
  console.error(`cocrea: ${(error as Error).message}`);
  process.exit(1);
}
// The SvelteKit build; resolved at run time next to dist/ (see scripts/build-server.js).
const { handler } = await import(new URL('../build/handler.js', import.meta.url).href);

const server = await startFromConfig(config, handler).catch((error: unknown) => {
  if (!(error instanceof DamagedLogError || error instanceof DataFormatError)) throw error;
  // Acknowledged records would be lost, or the data is of another version: say so, and stop.
  console.error(`cocrea: ${error.message}`);
  process.exit(1);
});
// SIGTERM, SIGINT: a graceful stop (see stopOnSignals); a second one stops at once. Before the
// line saying it listens: whoever reads that line may send one at once.
stopOnSignals(server);

const kept =
  config.retentionDays === null
    ? 'kept until deleted'
    : `erased after ${config.retentionDays} days without activity`;
const loaded = server.realtime.rooms.size;
const metrics = config.metricsToken === null ? 'off' : 'on';
// Since the process started (performance's time origin): loading the workshops included.
const startMs = Math.round(performance.now());
log().info(
  {
    url: server.url,
    port: server.port,
    dataDir: config.dataDir,
    workshops: loaded,
    retentionDays: config.retentionDays,
    metrics: config.metricsToken !== null,
    logLevel: config.logLevel,
    startMs,
  },
  `cocrea listening on ${server.url} (data in ${config.dataDir}; ${loaded} workshops loaded; ` +
    `workshops ${kept}; metrics ${metrics}; started in ${startMs} ms)`,
);

import path from 'node:path';
import { parseLogLevel, type LogLevel } from './log';
import { DEFAULT_COMPACT_BYTES, DEFAULT_COMPACT_RECORDS } from './store/types';

/** Settings from the environment, with the defaults the README documents. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** When set, browsers must come from this origin (e.g. https://cocrea.example.org). */
  origin: string | null;
  /** When set, creating a workshop needs this token. */
  createToken: string | null;
  /**
   * How many reverse proxies in front append to X-Forwarded-For (0: none; the client address is
   * the entry that many from the right).
   */
  trustProxy: number;
  /** Erase workshops without a command for this many days (null: keep them). */
  retentionDays: number | null;
  /** Compact a workshop's log into its snapshot once it holds this many bytes. */
  compactBytes: number;
  /** Compact it also once it holds more than this many records. */
  compactRecords: number;
  /** The least level a log line needs to be written (LOG_LEVEL; `silent` writes none). */
  logLevel: LogLevel;
  /** When set, `GET /metrics` answers whoever sends it as a bearer token (null: no endpoint). */
  metricsToken: string | null;
}

/** METRICS_TOKEN: unset or empty for no endpoint; else a secret long enough not to be guessed. */
function metricsToken(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (value.length < 16 || /\s/.test(value)) {
    throw new Error('METRICS_TOKEN must be at least 16 characters, without spaces');
  }
  return value;
}

/** TRUST_PROXY: unset, `0` or `false` for none, `true` for one, or a number of proxies. */
function proxyHops(value: string | undefined): number {
  if (value === undefined || value === '' || value === 'false') return 0;
  if (value === 'true') return 1;
  const hops = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(hops)) {
    throw new Error(
      `TRUST_PROXY must be the number of proxies in front (0, 1, 2…) or true, not "${value}"`,
    );
  }
  return hops;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  }
  const retention = wholeNumber(env, 'RETENTION_DAYS', 'days', null);
  const compactBytes = wholeNumber(env, 'COMPACT_BYTES', 'bytes', DEFAULT_COMPACT_BYTES);
  const compactRecords = wholeNumber(env, 'COMPACT_RECORDS', 'records', DEFAULT_COMPACT_RECORDS);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    origin: env.ORIGIN ? env.ORIGIN.replace(/\/$/, '') : null,
    createToken: env.CREATE_TOKEN ? env.CREATE_TOKEN : null,
    trustProxy: proxyHops(env.TRUST_PROXY),
    retentionDays: retention,
    compactBytes,
    compactRecords,
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metricsToken: metricsToken(env.METRICS_TOKEN),
  };
}

/** A setting that is a whole number, 1 or more; unset or empty gives the fallback. */
function wholeNumber<T>(
  env: NodeJS.ProcessEnv,
  name: string,
  unit: string,
  fallback: T,
): number | T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of ${unit} (1 or more), not "${raw}"`);
  }
  return value;
}

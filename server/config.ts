import path from 'node:path';
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
  const retention =
    env.RETENTION_DAYS === undefined || env.RETENTION_DAYS === ''
      ? null
      : Number(env.RETENTION_DAYS);
  if (retention !== null && (!Number.isInteger(retention) || retention < 1)) {
    throw new Error(
      `RETENTION_DAYS must be a whole number of days (1 or more), not "${env.RETENTION_DAYS}"`,
    );
  }
  const compactBytes =
    env.COMPACT_BYTES === undefined || env.COMPACT_BYTES === ''
      ? DEFAULT_COMPACT_BYTES
      : Number(env.COMPACT_BYTES);
  if (!Number.isSafeInteger(compactBytes) || compactBytes < 1) {
    throw new Error(
      `COMPACT_BYTES must be a whole number of bytes (1 or more), not "${env.COMPACT_BYTES}"`,
    );
  }
  const compactRecords =
    env.COMPACT_RECORDS === undefined || env.COMPACT_RECORDS === ''
      ? DEFAULT_COMPACT_RECORDS
      : Number(env.COMPACT_RECORDS);
  if (!Number.isSafeInteger(compactRecords) || compactRecords < 1) {
    throw new Error(
      `COMPACT_RECORDS must be a whole number of records (1 or more), not "${env.COMPACT_RECORDS}"`,
    );
  }
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
  };
}

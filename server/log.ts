import { createHmac, randomBytes } from 'node:crypto';
import { pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';

/*
 * The server's log: one JSON object per line on stdout (pino), with `level` (its name), `time`
 * (ISO 8601), `msg` (a sentence for people) and structured fields beside it. What a line may
 * carry is narrow on purpose: command types, workshop ids, outcome codes, durations, counts,
 * paths and errors with their stack. Never a secret (facilitator key, token, ticket, join or
 * rejoin code), a note, a name, or a command's payload; a client's address only as `addressTag`
 * gives it.
 *
 * There is one logger per process, like stdout: `log()` returns it. It is silent until the entry
 * (server/index.ts, or the dev wiring) installs the one LOG_LEVEL asks for, so servers started
 * inside tests write nothing unless a test installs a logger of its own.
 */

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL as set (any case, spaces around forgiven), or why not. */
export function parseLogLevel(value: string | undefined): LogLevel {
  if (value === undefined || value.trim() === '') return 'info';
  const level = value.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
  }
  return level as LogLevel;
}

/**
 * An error as a log line keeps it: its type, message, code and stack, nothing else. Errors may
 * carry what they were thrown about (socket.io's `data`, a request, a payload): those stay out.
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const fields: Record<string, unknown> = {
    type: error.name,
    message: error.message,
    stack: error.stack,
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') fields.code = code;
  if (error.cause !== undefined) fields.cause = errorFields(error.cause);
  return fields;
}

/** A logger at `level`, writing JSON lines to `destination` (stdout when left out). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: errorFields },
      // A second line of defence: these keys are never meant to reach a log line at all.
      redact: {
        paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Field names that would hold a secret or personal text (see the top of this file). */
const SECRET_KEYS = [
  'key',
  'facilitatorKey',
  'token',
  'createToken',
  'deviceToken',
  'ticket',
  'joinCode',
  'rejoinCode',
  'text',
  'name',
  'payload',
  'cmd',
  'auth',
  'authorization',
  'headers',
  'cookie',
  'address',
  'remoteAddress',
];

const LOGGER_KEY = Symbol.for('cocrea.logger');
type Holder = Record<symbol, Logger | undefined>;

/** The process's logger (silent until one is installed). */
export function log(): Logger {
  const holder = globalThis as Holder;
  return (holder[LOGGER_KEY] ??= pino({ level: 'silent' }));
}

/**
 * Install the process's logger; returns the one it replaces (tests put it back). Shared through
 * globalThis, as Vite's config and SvelteKit's server code load separate copies of this module.
 */
export function useLogger(logger: Logger): Logger {
  const previous = log();
  (globalThis as Holder)[LOGGER_KEY] = logger;
  return previous;
}

/** Drawn at each start and never written anywhere: tags cannot be linked across restarts. */
const ADDRESS_KEY = randomBytes(32);

/**
 * A client's address as a log line may show it: 8 hex digits of an HMAC under a key drawn at
 * start. Lines from one address share a tag until the process restarts (enough to see abuse);
 * nobody can get the address back from it without the key, which exists only in memory.
 */
export function addressTag(address: string): string {
  return createHmac('sha256', ADDRESS_KEY).update(address).digest('hex').slice(0, 8);
}

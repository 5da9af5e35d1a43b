import type { Duplex } from 'node:stream';
import { log } from '../log';

/*
 * Whatever a stranger sends ends in a refusal, never in an uncaught exception: every listener
 * that takes input from outside (HTTP upgrades, socket.io middleware and events) runs behind
 * these guards. Only a failed disk write stops the process (see failStop in realtime.ts).
 */

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** A short, printable form of what a client sent, for a log line (never its raw bytes). */
export function printable(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * One log line (warn) about input that was refused because handling it threw: the reason cut
 * short, and where it was thrown (the stack's frames, without the message they follow, which may
 * quote what the client sent).
 */
export function logRefused(what: string, error: unknown): void {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const frames =
    error instanceof Error
      ? (error.stack ?? '')
          .split('\n')
          .filter((line) => line.startsWith('    at '))
          .join('\n')
      : undefined;
  log().warn({ reason: printable(reason, 200), stack: frames }, `refused ${what}`);
}

/**
 * Answer an upgrade request with an HTTP error and close, or cut the connection when the
 * WebSocket handshake already went out (nothing sensible can be said on it any more).
 */
export function refuseUpgrade(socket: Duplex, status: 400 | 403 | 404 | 429 | 503): void {
  const written = (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
  if (socket.destroyed) return;
  if (!socket.writable || written > 0) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
  // A client that never reads must not hold the socket open.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Node leaves an upgraded socket without an 'error' listener: a connection reset before some
 * handler adds one would be thrown as uncaught. Every upgrade socket gets one at once.
 */
export function keepUpgradeErrorsLocal(socket: Duplex): void {
  if (listened.has(socket)) return;
  listened.add(socket);
  socket.on('error', () => socket.destroy());
}
const listened = new WeakSet<Duplex>();

/** Run `fn`; when it throws, log one line and call `refuse` (which must not throw either). */
export function guarded(what: () => string, fn: () => void, refuse: () => void): void {
  try {
    fn();
  } catch (error) {
    logRefused(what(), error);
    try {
      refuse();
    } catch {
      // nothing more can be said to this client
    }
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request's path: its URL without the query (which may carry a ticket, never to be logged). */
export function requestPath(req: IncomingMessage): string {
  const url = typeof req.url === 'string' ? req.url : '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * A JSON answer, never cached (HEAD: the same headers, no body). Nothing happens once an answer
 * has gone out or the client has left.
 */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

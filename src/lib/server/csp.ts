/*
 * connect-src 'self' covers same-origin WebSockets in current browsers, but not in Safari before
 * 15.4 (which the build targets): there, ws: and wss: must be named. The host comes from ORIGIN
 * when it is set, else from the request's Host header, and only when it is a plain host[:port];
 * anything else is never written into the header, and the policy keeps 'self' alone.
 */

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_PORT = new RegExp(
  `^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?$`,
);

/** The host[:port] replicas and commands connect to, or null when none can be trusted. */
export function webSocketHost(
  origin: string | null | undefined,
  hostHeader: string | null | undefined,
): string | null {
  let host = hostHeader ?? null;
  if (origin) {
    try {
      host = new URL(origin).host;
    } catch {
      return null;
    }
  }
  if (host === null || host.length > 260 || !HOST_PORT.test(host)) return null;
  return host.toLowerCase();
}

/** The policy with the WebSocket origin named in connect-src (unchanged without a host). */
export function withWebSocketOrigin(policy: string, host: string | null): string {
  if (host === null) return policy;
  return policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '')
    .map((directive) =>
      /^connect-src(\s|$)/i.test(directive) ? `${directive} ws://${host} wss://${host}` : directive,
    )
    .join('; ');
}

import type { Handle, HandleServerError } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { webSocketHost, withWebSocketOrigin } from '$lib/server/csp';

/**
 * Security headers on every response the SvelteKit handler gives (pages, endpoints, errors).
 * The Content-Security-Policy itself comes from `kit.csp` in svelte.config.js, so that SvelteKit
 * can add the hash of its inline bootstrap script; here its connect-src gets the WebSocket origin
 * named (see $lib/server/csp.ts). Built assets under /_app are served by
 * adapter-node before this hook runs: server/app.ts gives every response nosniff, the referrer
 * policy and X-Frame-Options.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const headers = { ...SECURITY_HEADERS };
  const policy = response.headers.get('content-security-policy');
  if (policy !== null) {
    const host = webSocketHost(env.ORIGIN, event.request.headers.get('host'));
    headers['Content-Security-Policy'] = withWebSocketOrigin(policy, host);
  }
  try {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  } catch {
    // A response with immutable headers (e.g. one passed through from fetch): copy it.
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    return copy;
  }
};

/**
 * A request SvelteKit refuses with a 4xx (an address that does not decode, a method a page does
 * not take) is the client's doing: it gets its status and leaves no stack trace in the log, so
 * strangers cannot fill it. Anything else is the server's and is logged whole.
 */
export const handleError: HandleServerError = ({ error, status }) => {
  if (status >= 500) console.error(error);
};

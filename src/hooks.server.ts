import type { Handle } from '@sveltejs/kit';

/**
 * Security headers on every response the SvelteKit handler gives (pages, endpoints, errors).
 * The Content-Security-Policy itself comes from `kit.csp` in svelte.config.js, so that SvelteKit
 * can add the hash of its inline bootstrap script. Built assets under /_app are served by
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
  try {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
    return response;
  } catch {
    // A response with immutable headers (e.g. one passed through from fetch): copy it.
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) copy.headers.set(name, value);
    return copy;
  }
};

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import adapter from '@sveltejs/adapter-node';

/**
 * The only inline style attributes in HTML the browser parses: the page template's own (the
 * `display: contents` wrapper, read from app.html) and SvelteKit's route announcer (from
 * @sveltejs/kit's src/core/sync/write_root.js; tests/e2e/headers.test.ts [H2] fails if it changes).
 * Each is allowed by its hash alone. Styles Svelte sets at run time (`style="--cols: …"`) go
 * through the CSSOM (`el.style.cssText`), which CSP does not govern: no 'unsafe-inline' needed.
 */
const SVELTEKIT_ANNOUNCER_STYLE =
  'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';
const templateStyles = [
  ...readFileSync(new URL('./src/app.html', import.meta.url), 'utf8').matchAll(
    /\sstyle="([^"]*)"/g,
  ),
].map((m) => m[1] ?? '');
const styleAttributeHashes = /** @type {`sha256-${string}`[]} */ (
  [...new Set([...templateStyles, SVELTEKIT_ANNOUNCER_STYLE])].map(
    (style) => `sha256-${createHash('sha256').update(style).digest('base64')}`,
  )
);

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    adapter: adapter({ out: 'build' }),
    // Absolute asset paths: the service worker may answer any page with the cached shell.
    paths: { relative: false },
    // The Content-Security-Policy header of every page; SvelteKit adds the hash of its inline
    // bootstrap script to script-src. The other security headers are set in hooks.server.ts.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self'],
        'style-src-attr': ['unsafe-hashes', ...styleAttributeHashes],
        // socket.io and the Yjs endpoint are on the same origin; 'self' covers ws:/wss: in
        // current browsers, and hooks.server.ts names them for Safari before 15.4.
        'connect-src': ['self'],
        'img-src': ['self', 'data:'],
        'worker-src': ['self'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;

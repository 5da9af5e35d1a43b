import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startBuiltServer, useServerAndBrowser } from './helpers';
import { LAPTOP, PHONE, PROJECTOR, createFromHome, openScreen, watchPolicy } from './pages';

const e2e = useServerAndBrowser();

const PAGES = ['/', '/join', '/join/ABCDEF', '/console/someid', '/projector/ABCDEF'];

const EXPECTED = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** The Content-Security-Policy header as directive → sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

interface Watched {
  page: Page;
  /** Console messages about CSP and uncaught page errors. */
  problems: string[];
  /** The page's securitypolicyviolation events. */
  violations(): Promise<string[]>;
  /** The paths of the WebSockets the page opened. */
  sockets: string[];
}

/** A page whose CSP violations and script errors are all collected. */
async function watchedPage(
  viewport: { width: number; height: number },
  mobile = false,
): Promise<Watched> {
  const page = await openScreen(e2e.browser, viewport, e2e.contexts, mobile);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
  const { problems, violations } = await watchPolicy(page);
  return { page, problems, violations, sockets };
}

describe('security headers', () => {
  it('[H1] every page carries the security headers', async () => {
    for (const path of PAGES) {
      const res = await fetch(e2e.server.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      for (const [name, value] of Object.entries(EXPECTED)) {
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      }
      const csp = parseCsp(res.headers.get('content-security-policy'));
      expect(csp.get('default-src'), path).toEqual(["'self'"]);
      // 'self' and hashes of SvelteKit's own inline bootstrap script: nothing else.
      const scripts = csp.get('script-src') ?? [];
      expect(scripts[0], path).toBe("'self'");
      expect(scripts.length, path).toBeGreaterThan(1);
      for (const source of scripts.slice(1)) expect(source, path).toMatch(/^'sha256-[^']+'$/);
      expect(csp.get('style-src'), path).toEqual(["'self'"]);
      const styleAttrs = csp.get('style-src-attr') ?? [];
      expect(styleAttrs[0], path).toBe("'unsafe-hashes'");
      for (const source of styleAttrs.slice(1)) expect(source, path).toMatch(/^'sha256-[^']+'$/);
      // 'self', and the WebSocket origin named for Safari before 15.4 ([H5])
      const host = new URL(e2e.server.url).host;
      expect(csp.get('connect-src'), path).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
      expect(csp.get('img-src'), path).toEqual(["'self'", 'data:']);
      expect(csp.get('worker-src'), path).toEqual(["'self'"]);
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('base-uri'), path).toEqual(["'self'"]);
      expect(csp.get('form-action'), path).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
      for (const sources of csp.values()) {
        expect(sources, path).not.toContain("'unsafe-inline'");
        expect(sources, path).not.toContain("'unsafe-eval'");
      }
      await res.arrayBuffer();
    }
    // An unknown address is answered by SvelteKit too, with the same headers.
    const missing = await fetch(`${e2e.server.url}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    expect(missing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    await missing.arrayBuffer();

    // Static files (served before SvelteKit's hook) still get nosniff and the referrer policy.
    const page = await (await fetch(`${e2e.server.url}/join`)).text();
    const asset = /\/_app\/immutable\/[^"']+\.js/.exec(page)?.[0];
    expect(asset).toBeDefined();
    for (const path of [asset!, '/favicon.svg', '/service-worker.js']) {
      const res = await fetch(e2e.server.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      await res.arrayBuffer();
    }
  });

  it('[H2] the pages run under the policy without a single violation', async () => {
    // Home: the facilitator creates a workshop (scripts, socket.io) and lands on the console.
    const home = await watchedPage(LAPTOP);
    const code = await createFromHome(home.page, e2e.server.url, 'Sous politique de sécurité');
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    // The template's style attribute and SvelteKit's route announcer's are allowed by their hash.
    expect(
      // (other scripts, e.g. the drag-and-drop library's live region, may add elements to <body>)
      await home.page.evaluate(
        () =>
          getComputedStyle(document.querySelector('body > div[style="display: contents"]')!)
            .display,
      ),
    ).toBe('contents');
    await expect
      .poll(() =>
        home.page.evaluate(() => {
          const announcer = document.getElementById('svelte-announcer');
          return announcer && getComputedStyle(announcer).position;
        }),
      )
      .toBe('absolute');
    // The service worker is a same-origin worker: allowed.
    expect(
      await home.page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        return registration.active?.scriptURL ?? null;
      }),
    ).toBe(`${e2e.server.url}/service-worker.js`);

    // The projector draws from its Yjs replica, over a same-origin WebSocket.
    const projector = await watchedPage(PROJECTOR);
    await projector.page.goto(`${e2e.server.url}/projector/${code}`);
    await expect
      .poll(() => projector.page.getByTestId('projector-code').textContent())
      .toBe(`${code.slice(0, 3)} ${code.slice(3)}`);
    // Both over WebSockets to the same origin: connect-src 'self' lets ws: through.
    expect(projector.sockets.some((p) => p.startsWith('/socket.io'))).toBe(true);
    expect(projector.sockets.some((p) => p.startsWith('/yjs/'))).toBe(true);

    // A phone on the join pages: the form, then an unknown code refused by the server.
    const phone = await watchedPage(PHONE, true);
    await phone.page.goto(`${e2e.server.url}/join`);
    await phone.page.getByRole('heading', { name: 'Rejoindre un atelier' }).waitFor();
    await phone.page.getByLabel('Code de l’atelier').waitFor();
    await phone.page.goto(`${e2e.server.url}/join/ABCDEF`);
    await phone.page.getByRole('alert').waitFor();

    for (const screen of [home, projector, phone]) {
      expect(screen.problems).toEqual([]);
      expect(await screen.violations()).toEqual([]);
    }
  });

  it('[H4] where style attributes are blocked (no unsafe-hashes, as in Safari 14), the page still lays out', async () => {
    const page = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    // A client-side navigation (home → console) fills SvelteKit's route announcer.
    await createFromHome(page, e2e.server.url, 'Vieux navigateur');
    await expect
      .poll(() => page.evaluate(() => document.getElementById('svelte-announcer')?.textContent))
      .toBeTruthy();
    // What such a browser does with the two attributes the policy allows by hash: ignore them.
    const laidOut = await page.evaluate(() => {
      const announcer = document.getElementById('svelte-announcer')!;
      const wrapper = document.body.firstElementChild!;
      announcer.removeAttribute('style');
      wrapper.removeAttribute('style');
      return {
        announcer: getComputedStyle(announcer).position,
        width: announcer.getBoundingClientRect().width,
        wrapper: getComputedStyle(wrapper).display,
      };
    });
    expect(laidOut).toEqual({ announcer: 'absolute', width: 1, wrapper: 'contents' });
  });

  it('[H3] an injected inline script does not run and the pages cannot be framed', async () => {
    const phone = await watchedPage(PHONE, true);
    await phone.page.goto(`${e2e.server.url}/join`);
    await phone.page.getByLabel('Code de l’atelier').waitFor();
    const ran = await phone.page.evaluate(async () => {
      const w = window as unknown as { __injected?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 100));
      return w.__injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => phone.violations()).toContain('script-src-elem blocked inline');

    // Another origin (here: a blank page) may not put the app in a frame.
    const framer = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const refused: string[] = [];
    framer.on('console', (msg) => {
      if (/frame-ancestors/.test(msg.text())) refused.push(msg.text());
    });
    await framer.setContent(`<iframe src="${e2e.server.url}/join"></iframe>`);
    await expect.poll(() => refused.length).toBeGreaterThan(0);
    const frame = framer.frames().find((f) => f !== framer.mainFrame());
    expect(frame).toBeDefined();
    expect(frame!.url()).not.toContain(e2e.server.url); // Chromium's error page instead
    expect(await frame!.locator('#code').count()).toBe(0);
  });

  it('[H5] connect-src names the WebSocket origin: the Host the page was asked for, or ORIGIN when set', async () => {
    const port = new URL(e2e.server.url).port;
    const asked = await pageFor(port, `localhost:${port}`);
    expect(asked.status).toBe(200);
    expect(asked.connectSrc).toEqual([
      "'self'",
      `ws://localhost:${port}`,
      `wss://localhost:${port}`,
    ]);

    // with ORIGIN set, the Host header does not matter
    const configured = await startBuiltServer({ env: { ORIGIN: 'https://cocrea.example.org' } });
    try {
      const page = await pageFor(String(configured.port), 'elsewhere.example');
      expect(page.connectSrc).toEqual([
        "'self'",
        'ws://cocrea.example.org',
        'wss://cocrea.example.org',
      ]);
    } finally {
      await configured.dispose();
    }
  });

  it('[H6] a Host header that is not a plain host[:port] is never written into the policy', async () => {
    const port = new URL(e2e.server.url).port;
    let served = 0;
    for (const host of [
      'evil.example wss://attacker.example',
      "evil.example;script-src 'unsafe-inline'",
      'under_score.example',
      `${'x'.repeat(300)}.example`,
    ]) {
      const page = await pageFor(port, host);
      // (a Host that is no URL host at all is refused by the server before any page)
      if (page.status === 200) {
        served++;
        expect(page.connectSrc, host).toEqual(["'self'"]);
      }
      expect(page.policy, host).not.toContain('attacker');
      expect(page.policy, host).not.toContain('unsafe-inline');
      expect(page.policy, host).not.toContain('x'.repeat(300));
    }
    expect(served).toBeGreaterThan(0);
  });
});

/** GET /join on 127.0.0.1 with the Host header given (fetch would not let us choose it). */
function pageFor(
  port: string,
  host: string,
): Promise<{ status: number; policy: string; connectSrc: string[] | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(port), path: '/join', headers: { Host: host } },
      (res) => {
        res.resume();
        const policy = String(res.headers['content-security-policy'] ?? '');
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            policy,
            connectSrc: parseCsp(policy).get('connect-src'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

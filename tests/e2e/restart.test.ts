import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort, startBuiltServer, useServerAndBrowser } from './helpers';
import { createFromHome, joinFromPhone, LAPTOP, openScreen, PHONE, post, PROJECTOR } from './pages';

const e2e = useServerAndBrowser(async () => ({ port: await freePort() }));

const notesWith = (page: Page, text: string) => page.getByTestId('note').filter({ hasText: text });

/**
 * Watch the page for anything that looks like trouble, however briefly it shows: the offline
 * banner, an alert, a refused note, and every text the connection badge takes.
 */
async function watchForTrouble(
  page: Page,
): Promise<() => Promise<{ trouble: string[]; badge: string[] }>> {
  await page.evaluate(() => {
    const seen = { trouble: [] as string[], badge: [] as string[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const look = () => {
      for (const el of document.querySelectorAll(
        '[data-testid="offline-banner"], [role="alert"], [data-testid="rejected"]',
      )) {
        const text = `${el.getAttribute('data-testid') ?? el.getAttribute('role')}: ${el.textContent?.trim()}`;
        if (!seen.trouble.includes(text)) seen.trouble.push(text);
      }
      const badge = document
        .querySelector('[data-testid="connection-status"]')
        ?.textContent?.trim();
      if (badge && seen.badge.at(-1) !== badge) seen.badge.push(badge);
    };
    look();
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
  return () =>
    page.evaluate(
      () => (window as unknown as { __seen: { trouble: string[]; badge: string[] } }).__seen,
    );
}

describe('the server restarts (SIGTERM) while a phone is open', () => {
  it('[OP36] the phone shows no error, and its notes written during and after the restart land once', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Redémarrage en douceur');
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Maëlle', null);
    await post(phone, 'Attentes', 'Avant l’arrêt');
    await expect.poll(() => notesWith(projector, 'Avant l’arrêt').count()).toBe(1);
    const seen = await watchForTrouble(phone);

    // A graceful stop: the process exits 0 once the phone has been told.
    await e2e.server.stop('SIGTERM');
    expect(e2e.server.process.exitCode).toBe(0);
    // Written while the server is away: it waits on the phone.
    await post(phone, 'Défis', 'Pendant l’arrêt');
    await expect.poll(() => phone.getByTestId('waiting-note').count()).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    e2e.server = await startBuiltServer({ port: e2e.server.port, dataDir: e2e.server.dataDir });

    await expect
      .poll(() => phone.getByTestId('connection-status').textContent(), { timeout: 20_000 })
      .toContain('En ligne');
    await post(phone, 'Attentes', 'Après l’arrêt');
    for (const screen of [projector, phone]) {
      for (const text of ['Avant l’arrêt', 'Pendant l’arrêt', 'Après l’arrêt']) {
        await expect.poll(() => notesWith(screen, text).count(), { timeout: 20_000 }).toBe(1);
      }
    }
    await expect.poll(() => phone.getByTestId('waiting-note').count()).toBe(0);
    const { trouble, badge } = await seen();
    expect(trouble).toEqual([]);
    // The badge went from online to connecting and back: never "offline" nor "refused".
    expect(badge).toContain('Connexion…');
    expect(new Set(badge)).toEqual(new Set(['En ligne', 'Connexion…']));
  });
});

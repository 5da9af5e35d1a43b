import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { LAPTOP, PHONE, createFromHome, openScreen, post, watchPolicy } from './pages';

const e2e = useServerAndBrowser();

/**
 * One workshop for the tests that only read or join it: creations are limited per address
 * (5, then one every 2 minutes), and every test here comes from 127.0.0.1.
 */
let shared: Promise<{ console_: Page; code: string }> | undefined;
function sharedWorkshop(): Promise<{ console_: Page; code: string }> {
  shared ??= (async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Rendu par le serveur');
    return { console_, code };
  })();
  return shared;
}

/** A phone whose browser runs no script at all: what it shows is the server's HTML. */
async function phoneWithoutScripts(): Promise<Page> {
  const context = await e2e.browser.newContext({
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    locale: 'fr-CA',
    javaScriptEnabled: false,
  });
  e2e.contexts.push(context);
  return context.newPage();
}

/**
 * The scripts a page's first response makes the browser load before the page runs: the entry
 * points its bootstrap imports, and the modules SvelteKit names for preloading (in the Link
 * header of a server-rendered page, or as <link rel="modulepreload"> tags).
 */
async function firstScreenScripts(path: string): Promise<{ url: string; body: Buffer }[]> {
  const res = await fetch(e2e.server.url + path);
  const html = await res.text();
  const urls = new Set([
    ...[...(res.headers.get('link') ?? '').matchAll(/<([^>]+)>;[^,]*rel="?modulepreload/g)].map(
      (m) => m[1]!,
    ),
    ...[...html.matchAll(/<link\b[^>]*>/g)]
      .map((m) => m[0])
      .filter((tag) => /\brel="modulepreload"/.test(tag))
      .map((tag) => /\bhref="([^"]+)"/.exec(tag)![1]!),
    ...[...html.matchAll(/import\("([^"]+)"\)/g)].map((m) => m[1]!),
  ]);
  return Promise.all(
    [...urls].map(async (url) => ({
      url,
      body: Buffer.from(await (await fetch(new URL(url, e2e.server.url))).arrayBuffer()),
    })),
  );
}

/**
 * Until the page has hydrated, a tap on Join submits the form the plain way ([FS7]). Its first
 * effect names the document's language (the server's HTML says "fr").
 */
async function hydrated(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('fr-CA');
}

describe("the phone's first screen", () => {
  it('[FS1] without JavaScript, /join/CODE shows the title, a name field, the sectors and the button', async () => {
    const { code } = await sharedWorkshop();
    const phone = await phoneWithoutScripts();
    await phone.goto(`${e2e.server.url}/join/${code}`);
    expect(await phone.title()).toBe('Rendu par le serveur');
    expect(await phone.locator('header .title').textContent()).toBe('Rendu par le serveur');
    await phone.getByLabel('Votre nom').fill('Sans script');
    const sectors = await phone.getByLabel('Votre secteur').locator('option').allTextContents();
    expect(sectors).toContain('Santé publique');
    expect(sectors).toContain('Patient partenaire');
    expect(await phone.getByRole('button', { name: 'Rejoindre' }).isEnabled()).toBe(true);
    expect(await phone.getByRole('alert').count()).toBe(0);
  });

  it('[FS2] an unknown or former code renders the not-found message; the HTML holds nothing about participants', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Code changé');
    await console_.getByRole('button', { name: 'J’ai conservé le lien' }).click();
    // Someone joins, so the workshop has a participant whose name must not leak.
    const inside = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await inside.goto(`${e2e.server.url}/join/${code}`);
    await hydrated(inside);
    await inside.getByLabel('Votre nom').fill('Nom discret');
    await inside.getByRole('button', { name: 'Rejoindre' }).click();
    await inside.getByTestId('participant-stage').waitFor();
    const current = await (await fetch(`${e2e.server.url}/join/${code}`)).text();
    expect(current).toContain('Code changé');
    expect(current).not.toContain('Nom discret');

    await console_.getByTestId('change-code').click();
    await expect.poll(() => console_.getByTestId('join-code').textContent()).not.toBe(code);
    const phone = await phoneWithoutScripts();
    for (const path of [`/join/${code}`, '/join/ZZZZZZ']) {
      await phone.goto(e2e.server.url + path);
      expect(await phone.getByRole('alert').textContent(), path).toContain(
        'Aucun atelier ne correspond',
      );
      expect(await phone.getByLabel('Votre nom').count(), path).toBe(0);
      expect(await phone.content(), path).not.toContain('Code changé');
    }

    // With scripts on, a device that never came here takes the server's word: no socket, no
    // identity kept for the code (a second attempt over the socket would only spend the
    // address's budget again).
    const stranger = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    const sockets: string[] = [];
    stranger.on('websocket', (ws) => sockets.push(ws.url()));
    await stranger.goto(`${e2e.server.url}/join/${code}`);
    await hydrated(stranger);
    await stranger.getByTestId('not-found').waitFor();
    await stranger.waitForLoadState('networkidle');
    expect(sockets).toEqual([]);
    expect(await stranger.evaluate(() => Object.keys(localStorage))).toEqual([]);
  });

  it('[FS3] the scripts the first screen needs leave out the transport libraries', async () => {
    const { code } = await sharedWorkshop();
    const scripts = await firstScreenScripts(`/join/${code}`);
    expect(scripts.length).toBeGreaterThan(0);
    for (const { url, body } of scripts) {
      // socket.io-client (its engine.io transport) and Yjs, by strings only they contain
      expect(body.toString(), url).not.toMatch(/Yjs was already imported|engine\.io|EIO=/);
    }
    const gzipped = scripts.reduce((sum, s) => sum + gzipSync(s.body, { level: 9 }).length, 0);
    console.log(
      `[FS3] first screen JS: ${scripts.length} files, ${(gzipped / 1024).toFixed(1)} KB gzipped`,
    );
    expect(gzipped).toBeLessThanOrEqual(60 * 1024);
  });

  it('[FS4] a tap on Join while the transport is still loading is kept: it joins once the connection is up', async () => {
    const { console_, code } = await sharedWorkshop();
    const firstScreen = new Set(
      (await firstScreenScripts(`/join/${code}`)).map(
        (s) => new URL(s.url, e2e.server.url).pathname,
      ),
    );
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    // Every script the first screen does not need waits until the form has been submitted.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: string[] = [];
    await phone.route('**/_app/immutable/**/*.js', async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (!firstScreen.has(path)) {
        held.push(path);
        await released;
      }
      await route.continue();
    });
    await phone.goto(`${e2e.server.url}/join/${code}`);
    await phone.getByLabel('Votre nom').fill('Rapide');
    // The page has hydrated, and the transport module has been asked for and is held.
    await hydrated(phone);
    await expect.poll(() => held.some((path) => path.includes('/chunks/'))).toBe(true);
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    expect(await phone.getByTestId('participant-stage').count()).toBe(0);
    release();
    await phone.getByTestId('participant-stage').waitFor();
    await expect
      .poll(() => console_.getByTestId('participants').getByText('Rapide').count())
      .toBe(1);
    await post(phone, 'Attentes', 'Après un chargement lent');
    await expect
      .poll(() => console_.getByText('Après un chargement lent').count())
      .toBeGreaterThan(0);
  });

  it('[FS5] the server-rendered page runs under the policy without a single violation, join and post included', async () => {
    const { code } = await sharedWorkshop();
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    const { problems, violations } = await watchPolicy(phone);
    await phone.goto(`${e2e.server.url}/join/${code}`);
    await hydrated(phone);
    await phone.getByLabel('Votre nom').fill('Conforme');
    await phone.getByLabel('Votre secteur').selectOption({ label: 'Santé publique' });
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    await phone.getByTestId('participant-stage').waitFor();
    await post(phone, 'Attentes', 'Sous la politique');
    await phone.goto(`${e2e.server.url}/join/ZZZZZZ`);
    await phone.getByRole('alert').waitFor();
    expect([...problems, ...(await violations())]).toEqual([]);
  });

  it('[FS6] a device that joined goes back to its view after a reload, without the form', async () => {
    const { console_, code } = await sharedWorkshop();
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await phone.goto(`${e2e.server.url}/join/${code}`);
    await hydrated(phone);
    await phone.getByLabel('Votre nom').fill('Revenue');
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    await phone.getByTestId('participant-stage').waitFor();
    await phone.reload();
    await phone.getByTestId('participant-stage').waitFor();
    expect(await phone.getByTestId('join-form').count()).toBe(0);
    // the same person, not a second one
    await expect
      .poll(() => console_.getByTestId('participants').getByText('Revenue').count())
      .toBe(1);
  });

  it('[FS7] a tap on Join before the scripts run keeps what was typed: the page comes back with it', async () => {
    const { code } = await sharedWorkshop();
    const phone = await phoneWithoutScripts();
    await phone.goto(`${e2e.server.url}/join/${code}`);
    await phone.getByLabel('Votre nom').fill('Pressée');
    await phone.getByLabel('Votre secteur').selectOption({ label: 'Autre' });
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    await phone.waitForURL(/\?name=/);
    expect(await phone.getByLabel('Votre nom').inputValue()).toBe('Pressée');
    expect(await phone.getByLabel('Votre secteur').locator('option:checked').textContent()).toBe(
      'Autre',
    );
  });
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort, startBuiltServer, useServerAndBrowser } from './helpers';
import {
  createFromHome,
  joinFromPhone,
  LAPTOP,
  openScreen,
  PHONE,
  post,
  PROJECTOR,
  shot,
} from './pages';

const e2e = useServerAndBrowser(async () => ({ port: await freePort() }));

const notesWith = (page: Page, text: string) => page.getByTestId('note').filter({ hasText: text });

describe('nothing a phone sends is lost', () => {
  it('[E2] an offline phone posts two notes, reloads, comes back: both appear once', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Hors ligne');
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Zoé', null);
    // the service worker has taken the page: a reload offline still gets the app
    await expect
      .poll(() => phone.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 10_000,
      })
      .toBe(true);

    await phone.context().setOffline(true);
    await expect
      .poll(() => phone.getByTestId('offline-banner').count(), { timeout: 15_000 })
      .toBe(1);
    await post(phone, 'Attentes', 'Écrite hors ligne, une');
    await post(phone, 'Défis', 'Écrite hors ligne, deux');
    await expect.poll(() => phone.getByTestId('waiting-note').count()).toBe(2);
    expect(await phone.getByTestId('offline-banner').textContent()).toContain('2 envois');
    await shot(phone, 'phone-offline');

    await phone.reload();
    await expect
      .poll(() => phone.getByTestId('offline-banner').textContent(), { timeout: 10_000 })
      .toContain('2 envois');
    expect(await notesWith(projector, 'hors ligne').count()).toBe(0);

    await phone.context().setOffline(false);
    await expect
      .poll(() => notesWith(projector, 'hors ligne, une').count(), { timeout: 20_000 })
      .toBe(1);
    await expect.poll(() => notesWith(projector, 'hors ligne, deux').count()).toBe(1);
    await expect.poll(() => phone.getByTestId('waiting-note').count()).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await notesWith(projector, 'hors ligne').count()).toBe(2);
  });

  it('[E3] the server restarts with the three screens open: they recover by themselves', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Redémarrage');
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Yanis', null);
    await post(phone, 'Attentes', 'Avant le redémarrage');
    await expect.poll(() => notesWith(projector, 'Avant le redémarrage').count()).toBe(1);

    await e2e.server.stop('SIGKILL');
    await expect
      .poll(() => phone.getByTestId('offline-banner').count(), { timeout: 15_000 })
      .toBe(1);
    e2e.server = await startBuiltServer({ port: e2e.server.port, dataDir: e2e.server.dataDir });

    // the phone reconnects as itself and can post again; nothing is duplicated anywhere
    await expect
      .poll(() => phone.getByTestId('offline-banner').count(), { timeout: 20_000 })
      .toBe(0);
    await post(phone, 'Défis', 'Après le redémarrage');
    for (const screen of [projector, console_, phone]) {
      await expect
        .poll(() => notesWith(screen, 'Après le redémarrage').count(), { timeout: 20_000 })
        .toBe(1);
      expect(await notesWith(screen, 'Avant le redémarrage').count()).toBe(1);
    }
    await expect
      .poll(() => console_.getByTestId('participants').textContent(), { timeout: 10_000 })
      .toContain('Yanis');
    await console_.getByTestId('stage-discover').click();
    await expect
      .poll(() => projector.getByTestId('column').first().textContent())
      .toContain('Obstacles');
    await expect
      .poll(() => phone.getByTestId('participant-stage').textContent())
      .toBe('Découverte');
    await shot(projector, 'projector-after-restart');
  });

  it('[E4] a person on a new device comes back as themselves with their personal code', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Nouvel appareil');
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Inès', null);
    await post(phone, 'Attentes', 'Écrite sur le premier téléphone');
    await phone.getByText('Mon code personnel').click();
    const personal = (await phone.getByTestId('rejoin-code').textContent())!.trim();
    expect(personal).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    const second = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await second.goto(`${e2e.server.url}/join/${code}`);
    await second.getByText('Déjà inscrit·e sur un autre appareil ?').click();
    await second.getByLabel('Votre code personnel').fill(personal.toLowerCase());
    await second.getByRole('button', { name: 'Revenir dans l’atelier' }).click();
    await second.getByTestId('participant-stage').waitFor();
    const mine = notesWith(second, 'premier téléphone');
    await expect.poll(() => mine.getByRole('button', { name: 'Modifier' }).count()).toBe(1);
    await second.getByText('Mon code personnel').click();
    expect((await second.getByTestId('rejoin-code').textContent())!.trim()).toBe(personal);
    await expect.poll(() => console_.getByTestId('participants').locator('li').count()).toBe(1);
  });

  it('[E5] a note refused on its way keeps its text on the phone, with the reason', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Refus');
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Lou', null);
    await phone.context().setOffline(true);
    await expect
      .poll(() => phone.getByTestId('offline-banner').count(), { timeout: 15_000 })
      .toBe(1);
    await post(phone, 'Défis', 'Une idée écrite trop tard');
    await console_.getByTestId('stage-discover').click();
    await phone.context().setOffline(false);
    const rejected = phone.getByTestId('rejected');
    await expect.poll(() => rejected.count(), { timeout: 20_000 }).toBe(1);
    expect(await rejected.textContent()).toContain('Une idée écrite trop tard');
    expect(await rejected.textContent()).toContain('ne fait pas partie de l’étape en cours');
    await rejected.getByRole('button', { name: 'Copier le texte' }).click();
    expect(await phone.evaluate(() => navigator.clipboard.readText())).toBe(
      'Une idée écrite trop tard',
    );
    await shot(phone, 'phone-rejected');
    await rejected.getByRole('button', { name: 'Retirer' }).click();
    await expect.poll(() => rejected.count()).toBe(0);
  });
});

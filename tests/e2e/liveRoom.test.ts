import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { joinFromPhone as join, openScreen, post, shot } from './pages';

const e2e = useServerAndBrowser();

const newPage = (viewport: { width: number; height: number }, mobile = false) =>
  openScreen(e2e.browser, viewport, e2e.contexts, mobile);
const joinFromPhone = (phone: Page, code: string, name: string, sector: string | null) =>
  join(phone, e2e.server.url, code, name, sector);

describe('a live room in real Chromium', () => {
  it('[E1] a facilitator, a projector and two phones run the four stages', async () => {
    // The facilitator creates the workshop and lands on the console.
    const console_ = await newPage({ width: 1280, height: 720 });
    await console_.goto(e2e.server.url);
    await console_.getByLabel('Titre de l’atelier').fill('Travailler ensemble');
    await console_
      .getByLabel('Question de l’atelier')
      .fill('Comment nos équipes peuvent-elles mieux collaborer ?');
    await console_.getByRole('button', { name: 'Créer l’atelier' }).click();
    await console_.waitForURL(/\/console\/[A-Za-z0-9_-]+$/);
    const secret = console_.getByTestId('secret-link');
    await expect.poll(() => secret.textContent()).toContain('clé de l’atelier');
    expect(new URL(console_.url()).hash).toBe('');
    const link = await secret.locator('code').textContent();
    expect(link).toMatch(/\/console\/[A-Za-z0-9_-]+#k=[A-Za-z0-9_-]{22}$/);
    await secret.getByRole('button', { name: 'Copier le lien' }).click();
    expect(await console_.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await shot(console_, 'console-created');
    await secret.getByRole('button', { name: 'J’ai conservé le lien' }).click();
    // the saved link opens the console in a fresh browser too, and leaves the address bar
    const elsewhere = await newPage({ width: 1280, height: 720 });
    await elsewhere.goto(link!);
    await elsewhere.getByTestId('join-code').waitFor();
    await expect.poll(() => new URL(elsewhere.url()).hash).toBe('');
    await elsewhere.context().close();
    const code = (await console_.getByTestId('join-code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{6}$/);

    // The projector shows the code, the stage and its prompt.
    const projector = await newPage({ width: 1920, height: 1080 });
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    await expect
      .poll(() => projector.getByTestId('projector-code').textContent())
      .toBe(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(await projector.getByTestId('projector-question').textContent()).toContain(
      'mieux collaborer',
    );

    // Two phones join: one with a sector, one who prefers not to say.
    const alice = await newPage({ width: 360, height: 740 }, true);
    const bob = await newPage({ width: 360, height: 740 }, true);
    await joinFromPhone(alice, code, 'Alice', 'Clinique / GMF');
    await joinFromPhone(bob, code, 'Bob', null);
    await expect.poll(() => console_.getByTestId('participants').locator('li').count()).toBe(2);
    expect(await console_.getByTestId('participants').textContent()).toContain('Clinique / GMF');
    await expect.poll(() => projector.getByTestId('connected-count').textContent()).toContain('2');

    // Notes arrive live in their columns everywhere; markup stays text.
    await post(alice, 'Défis', 'Trouver du temps pour se rencontrer');
    await expect.poll(() => alice.getByTestId('sent').count()).toBe(1);
    await post(bob, 'Attentes', '<img src=x onerror="document.title=1">Mieux se connaître');
    const projColumns = projector.getByTestId('column');
    await expect.poll(() => projColumns.nth(1).getByTestId('note').count()).toBe(1);
    expect(await projColumns.nth(1).textContent()).toContain('Trouver du temps');
    await expect
      .poll(() => projColumns.nth(0).textContent())
      .toContain('<img src=x onerror="document.title=1">Mieux se connaître');
    expect(await projector.locator('img').count()).toBe(0);
    await expect.poll(() => alice.getByTestId('note').count()).toBe(2);

    // Alice edits and deletes only her own notes.
    const aliceNote = alice.getByTestId('note').filter({ hasText: 'Trouver du temps' });
    await aliceNote.getByRole('button', { name: 'Modifier' }).click();
    await alice.getByLabel('Modifier').fill('Trouver du temps ensemble chaque mois');
    await alice.getByRole('button', { name: 'Enregistrer' }).click();
    await expect
      .poll(() => projColumns.nth(1).textContent())
      .toContain('Trouver du temps ensemble chaque mois');
    const bobSeesAlice = bob.getByTestId('note').filter({ hasText: 'chaque mois' });
    expect(await bobSeesAlice.getByRole('button').count()).toBe(0);
    await post(alice, 'Attentes', 'Note à retirer');
    await expect.poll(() => projector.getByTestId('note').count()).toBe(3);
    await alice
      .getByTestId('note')
      .filter({ hasText: 'Note à retirer' })
      .getByRole('button', { name: 'Supprimer' })
      .click();
    await expect.poll(() => projector.getByTestId('note').count()).toBe(2);
    await shot(projector, 'projector-define');
    await shot(alice, 'phone-define');
    await shot(console_, 'console-define');

    // The facilitator moderates: deletes Bob's note, edits the question, adds a column.
    await console_
      .getByTestId('note')
      .filter({ hasText: 'Mieux se connaître' })
      .getByRole('button', { name: 'Supprimer la note' })
      .click();
    await expect.poll(() => projector.getByTestId('note').count()).toBe(1);
    await console_
      .getByLabel('Question de l’atelier')
      .fill('Qu’est-ce qui fonctionne déjà entre nous ?');
    await console_
      .locator('form.editable')
      .first()
      .getByRole('button', { name: 'Enregistrer' })
      .click();
    await expect
      .poll(() => projector.getByTestId('projector-question').textContent())
      .toBe('Qu’est-ce qui fonctionne déjà entre nous ?');

    // Découverte: every screen follows; the new board has barriers and facilitators.
    await console_.getByTestId('stage-discover').click();
    await expect
      .poll(() => alice.getByTestId('participant-stage').textContent())
      .toBe('Découverte');
    await expect.poll(() => bob.getByTestId('participant-stage').textContent()).toBe('Découverte');
    await expect
      .poll(() => projector.getByTestId('column').first().textContent())
      .toContain('Obstacles');
    await console_.getByLabel('Ajouter une colonne').fill('Ressources');
    await console_.getByRole('button', { name: 'Ajouter une colonne' }).click();
    await expect
      .poll(() => alice.getByLabel('Colonne').locator('option').allTextContents())
      .toEqual(['Obstacles', 'Facilitateurs', 'Ressources']);
    await post(bob, 'Facilitateurs', 'Une infirmière de liaison connue de tous');
    await expect
      .poll(() => projector.getByTestId('column').nth(1).textContent())
      .toContain('liaison');
    await shot(projector, 'projector-discover');
    await shot(bob, 'phone-discover');
    await shot(console_, 'console-discover');

    // Devenir and Décision.
    await console_.getByTestId('stage-dream').click();
    await expect.poll(() => alice.getByTestId('participant-stage').textContent()).toBe('Devenir');
    await console_.getByTestId('stage-decide').click();
    await expect.poll(() => alice.getByTestId('participant-stage').textContent()).toBe('Décision');
    await expect.poll(() => console_.getByTestId('decision-admin').count()).toBe(1);
    await expect.poll(() => projector.getByTestId('decision-projector').count()).toBe(1);
    await shot(projector, 'projector-decide');

    // The projector never shows the facilitator's secret.
    expect(await projector.content()).not.toContain(link!.split('#k=')[1]!);
  });
});

import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import {
  createFromHome,
  joinFromPhone,
  LAPTOP,
  openScreen,
  PHONE,
  PROJECTOR,
  shot,
  watchPolicy,
} from './pages';

const e2e = useServerAndBrowser();

/** axe-core in the page: serious and critical violations fail the test, with their targets. */
async function expectAccessible(page: Page, name: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, name).toEqual([]);
}

const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** A phone's ballot card for a candidate, found by its title. */
const card = (phone: Page, title: string) =>
  phone.getByTestId('ballot-candidate').filter({ hasText: title });

async function addDots(phone: Page, title: string, times: number) {
  for (let i = 0; i < times; i++) await card(phone, title).getByTestId('dot-plus').click();
}

const rankedTitles = (phone: Page) =>
  phone.getByTestId('rank-ranked').getByTestId('rank-item').locator('.title').allTextContents();

/** A phone ranks by the "rank" buttons, in the order given, then sends. */
async function rankByButtons(phone: Page, titles: string[]) {
  for (const title of titles) {
    await phone
      .getByTestId('rank-rest-item')
      .filter({ hasText: title })
      .getByTestId('rank-include')
      .click();
  }
  await expect.poll(() => rankedTitles(phone)).toEqual(titles);
  await phone.getByTestId('rank-submit').click();
}

const THEME = 'Un guichet unique pour les familles';
const IDEA = 'Des rencontres mensuelles entre équipes';
const STATEMENT = 'Chaque famille trouve sa porte d’entrée';
const BY_HAND = '<b>Un lieu</b> partagé';

describe('Décision in real Chromium', () => {
  it('[DS7] [DS8] [DS9] [DS10] [DS11] [DS12] [DS13] [DS14] [DS15] candidates, dot vote, reveal, ranking, reveal, priorities, from the console to three phones and the projector', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Nos priorités');
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    const policy = await watchPolicy(projector);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const [alice, bob, carol] = await Promise.all(
      [0, 1, 2].map(() => openScreen(e2e.browser, PHONE, e2e.contexts, true)),
    );
    const phonePolicy = await watchPolicy(bob!);
    await joinFromPhone(alice!, e2e.server.url, code, 'Alice', 'Santé publique');
    await joinFromPhone(bob!, e2e.server.url, code, 'Bob', 'Santé publique');
    await joinFromPhone(carol!, e2e.server.url, code, 'Carole', 'Santé publique');
    const phones = [alice!, bob!, carol!];

    // Devenir: an idea, a theme and a vision statement to build candidates from.
    await console_.getByTestId('stage-dream').click();
    await console_.getByTestId('vision-admin').waitFor();
    await console_.getByLabel('Ajouter une note pour la salle').fill(IDEA);
    await console_.getByRole('button', { name: 'Publier' }).click();
    await console_.getByPlaceholder('Nom du nouveau thème').fill(THEME);
    await console_.getByRole('button', { name: 'Créer le thème (avec les notes cochées)' }).click();
    await console_.getByLabel('Nouvel énoncé : titre ou amorce').fill(STATEMENT);
    await console_.getByRole('button', { name: 'Ajouter un énoncé' }).click();
    await expect.poll(() => console_.getByTestId('statement').count()).toBe(1);

    // [DS7] Décision: candidates from a theme, an idea, a statement (ticking one names the
    // candidate after it), and one by hand; each keeps where it came from.
    await console_.getByTestId('stage-decide').click();
    const editor = console_.getByTestId('candidate-editor');
    await editor.waitFor();
    await editor
      .locator('details')
      .evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    for (const source of [THEME, IDEA, STATEMENT]) {
      await editor.getByRole('checkbox', { name: source }).check();
      await expect
        .poll(() => editor.getByLabel('Titre', { exact: true }).last().inputValue())
        .toBe(source);
      await editor.getByRole('button', { name: 'Ajouter la proposition' }).click();
      await expect
        .poll(() => editor.getByLabel('Titre', { exact: true }).last().inputValue())
        .toBe('');
    }
    await editor.locator('#candidate-title').fill(BY_HAND);
    await editor.locator('#candidate-description').fill('Un espace commun, ouvert à tous.');
    await editor.getByRole('button', { name: 'Ajouter la proposition' }).click();
    await expect
      .poll(() => console_.getByTestId('candidate-title').allTextContents())
      .toEqual([THEME, IDEA, STATEMENT, BY_HAND]);
    expect(await console_.getByTestId('candidate').first().innerText()).toMatch(
      new RegExp(`Vient de :\\s+${THEME}`),
    );
    // Moved down and back up: the list keeps the order the facilitator gives it.
    await console_.getByRole('button', { name: `Descendre « ${THEME} »` }).click();
    await expect
      .poll(() => console_.getByTestId('candidate-title').first().textContent())
      .toBe(IDEA);
    await console_.getByRole('button', { name: `Monter « ${THEME} »` }).click();
    await expect
      .poll(() => console_.getByTestId('candidate-title').first().textContent())
      .toBe(THEME);
    await expect
      .poll(() => projector.getByTestId('decision-projector').textContent())
      .toContain(BY_HAND);

    // The dot vote: 3 dots each, 2 at most on one candidate.
    await console_.locator('#dot-budget').fill('3');
    await console_.locator('#dot-cap').fill('2');
    await console_.getByTestId('dots-open').click();
    for (const phone of phones) await phone.getByTestId('dot-ballot').waitFor();
    await expect
      .poll(() => alice!.getByTestId('dots-left').textContent())
      .toBe('Il vous reste 3 gommettes');

    // [DS9] + and −, dots left, the cap and the budget held on the phone itself.
    await addDots(alice!, THEME, 2);
    expect(await card(alice!, THEME).getByTestId('dot-plus').isDisabled()).toBe(true);
    await addDots(alice!, IDEA, 1);
    await expect
      .poll(() => alice!.getByTestId('dots-left').textContent())
      .toBe('Il vous reste 0 gommette');
    expect(await card(alice!, STATEMENT).getByTestId('dot-plus').isDisabled()).toBe(true);
    // A dot moves: one off the theme, one more on the idea (Alice: idea 2, theme 1).
    await card(alice!, THEME).getByTestId('dot-minus').click();
    await expect
      .poll(() => alice!.getByTestId('dots-left').textContent())
      .toBe('Il vous reste 1 gommette');
    await addDots(alice!, IDEA, 1);
    await expect
      .poll(() => alice!.getByTestId('ballot-state').textContent())
      .toBe('Gommettes enregistrées ✓');

    // Offline, Bob's dots wait on the phone (shown as placed), then arrive: the last change wins.
    await bob!.context().setOffline(true);
    await expect
      .poll(() => bob!.getByTestId('offline-banner').count(), { timeout: 15_000 })
      .toBe(1);
    await addDots(bob!, THEME, 1);
    await addDots(bob!, STATEMENT, 2);
    await card(bob!, STATEMENT).getByTestId('dot-minus').click();
    await addDots(bob!, STATEMENT, 1);
    await expect
      .poll(() => bob!.getByTestId('dots-left').textContent())
      .toBe('Il vous reste 0 gommette');
    expect(await bob!.getByTestId('ballot-state').textContent()).toBe('Envoi de vos gommettes…');
    await bob!.context().setOffline(false);
    await expect
      .poll(() => bob!.getByTestId('ballot-state').textContent(), { timeout: 30_000 })
      .toBe('Gommettes enregistrées ✓');

    await addDots(carol!, IDEA, 2);
    await addDots(carol!, BY_HAND, 1);
    await expect
      .poll(() => carol!.getByTestId('ballot-state').textContent())
      .toBe('Gommettes enregistrées ✓');

    // [DS8] Secret ballots: turnout only on the projector and the phones; the console sees
    // totals only when it peeks.
    await expect
      .poll(() => projector.getByTestId('projector-turnout').textContent())
      .toContain('3 personnes sur 3 ont voté');
    await expect
      .poll(() => console_.getByTestId('dots-turnout').textContent())
      .toBe('3 personnes sur 3 ont voté');
    expect(await projector.getByTestId('dot-totals').count()).toBe(0);
    for (const phone of phones) expect(await phone.getByTestId('dot-totals').count()).toBe(0);
    expect(await console_.getByTestId('dot-totals').count()).toBe(0);
    await console_.getByLabel('Voir les totaux en direct (sur cette console seulement)').check();
    await expect.poll(() => console_.getByTestId('dot-totals').count()).toBe(1);
    expect(await projector.getByTestId('dot-totals').count()).toBe(0);

    // [DS15] the ballot on a phone: big targets, nothing sideways, no serious axe finding.
    expect(await noSidewaysScroll(alice!)).toBe(true);
    const plus = await card(alice!, THEME).getByTestId('dot-plus').boundingBox();
    expect(plus!.width).toBeGreaterThanOrEqual(44);
    expect(plus!.height).toBeGreaterThanOrEqual(44);
    await expectAccessible(alice!, 'phone ballot');
    await card(alice!, THEME).scrollIntoViewIfNeeded();
    await shot(alice!, 'decision-phone-ballot-fr');

    // [DS10] closed and revealed: totals as bars on every screen, the shortlist marked.
    // [DS9] A change made offline and refused once back (the vote closed meanwhile): the phone
    // says why, has no text to copy, and shows the ballot the server holds.
    await carol!.context().setOffline(true);
    await expect
      .poll(() => carol!.getByTestId('offline-banner').count(), { timeout: 15_000 })
      .toBe(1);
    await card(carol!, BY_HAND).getByTestId('dot-minus').click();
    await expect
      .poll(() => card(carol!, BY_HAND).getByTestId('dot-count').innerText())
      .toContain('0 sur 2');
    await console_.getByRole('button', { name: 'Fermer le vote' }).click();
    await expect.poll(() => console_.getByTestId('dots-state').textContent()).toBe('Vote fermé');
    await carol!.context().setOffline(false);
    const refusal = carol!.getByTestId('rejected');
    await expect
      .poll(() => refusal.textContent(), { timeout: 30_000 })
      .toContain('Le vote par gommettes est fermé.');
    expect(await refusal.getByRole('button', { name: 'Copier le texte' }).count()).toBe(0);
    await expect
      .poll(() => card(carol!, BY_HAND).getByTestId('dot-count').innerText())
      .toContain('1 sur 2');
    await refusal.getByRole('button', { name: 'Retirer' }).click();
    await console_.locator('#shortlist-size').fill('3');
    await console_.getByRole('button', { name: 'Appliquer' }).click();
    await expect
      .poll(() => console_.getByTestId('shortlist').locator('li').allTextContents())
      .toEqual([IDEA, THEME, STATEMENT]);
    expect(await projector.getByTestId('dot-totals').count()).toBe(0);
    await console_.getByRole('button', { name: 'Dévoiler les totaux' }).click();
    await expect.poll(() => projector.getByTestId('dot-total').count()).toBe(4);
    // idea 2+2, theme 1+1, statement 2 (Bob's last change), by hand 1.
    expect(await projector.getByTestId('dot-total-count').allTextContents()).toEqual([
      '4 gommettes',
      '2 gommettes',
      '2 gommettes',
      '1 gommette',
    ]);
    // [DS14] what people typed shows as text, never as markup.
    expect(await projector.getByTestId('dot-total').filter({ hasText: BY_HAND }).count()).toBe(1);
    expect(await projector.locator('[data-testid="decision-projector"] b').count()).toBe(0);
    await expect.poll(() => alice!.getByTestId('dot-total').count()).toBe(4);
    await shot(projector, 'decision-projector-dots-fr');

    // [DS11] the ranking on the phones: buttons, drag, a partial order changed while open.
    await console_.getByTestId('ranking-open').click();
    for (const phone of phones) await phone.getByTestId('ranking-ballot').waitFor();
    await rankByButtons(alice!, [STATEMENT, IDEA]);
    await expect
      .poll(() => alice!.getByTestId('rank-state').textContent())
      .toContain('Classement envoyé ✓');
    // Alice changes her mind: the idea first, then adds the theme last.
    await alice!.getByRole('button', { name: `Monter « ${IDEA} »` }).click();
    await expect.poll(() => rankedTitles(alice!)).toEqual([IDEA, STATEMENT]);
    expect(await alice!.getByTestId('rank-state').textContent()).toBe(
      'Modifications pas encore envoyées.',
    );
    await alice!.getByRole('button', { name: `Classer « ${THEME} »` }).click();
    await expect.poll(() => rankedTitles(alice!)).toEqual([IDEA, STATEMENT, THEME]);
    await alice!.getByTestId('rank-submit').click();
    await expect
      .poll(() => alice!.getByTestId('rank-state').textContent())
      .toContain('Classement envoyé ✓');

    // Bob drags the theme from "not ranked" to his ranking, then ranks the idea by its button.
    const from = bob!.getByTestId('rank-rest-item').filter({ hasText: THEME });
    const to = bob!.getByTestId('rank-ranked');
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await bob!.mouse.move(a.x + 20, a.y + a.height / 2);
    await bob!.mouse.down();
    await bob!.mouse.move(a.x + 25, a.y + a.height / 2 - 10, { steps: 4 });
    await bob!.mouse.move(b.x + 30, b.y + b.height / 2, { steps: 12 });
    // The library shows where the item would land before it is let go.
    await expect.poll(() => rankedTitles(bob!)).toEqual([THEME]);
    await bob!.mouse.up();
    await expect.poll(() => rankedTitles(bob!)).toEqual([THEME]);
    await bob!
      .getByTestId('rank-rest-item')
      .filter({ hasText: IDEA })
      .getByTestId('rank-include')
      .click();
    await expect.poll(() => rankedTitles(bob!)).toEqual([THEME, IDEA]);
    await bob!.getByTestId('rank-submit').click();
    await expect
      .poll(() => bob!.getByTestId('rank-state').textContent())
      .toContain('Classement envoyé ✓');

    await rankByButtons(carol!, [IDEA, THEME, STATEMENT]);
    await expect
      .poll(() => carol!.getByTestId('rank-state').textContent())
      .toContain('Classement envoyé ✓');
    await expect
      .poll(() => projector.getByTestId('projector-turnout').textContent())
      .toContain('3 personnes sur 3 ont voté');
    expect(await projector.getByTestId('ranking-result').count()).toBe(0);
    expect(await noSidewaysScroll(alice!)).toBe(true);
    await expectAccessible(alice!, 'phone ranking');
    await shot(alice!, 'decision-phone-ranking-fr');

    // [DS12] revealed: Borda bars, mean rank and approval beside them, agreement in words.
    // By hand (n = 3; 2, 1, 0 points; Bob's unranked statement gets the last place's 0):
    // idea 2+1+2 = 5, theme 0+2+1 = 3, statement 1+0+0 = 1; mean ranks 1.3, 2.0, 2.7; rank sums
    // 4, 6, 8 → S = 8, W = 12·8 / (3²·(27−3)) = 0.44: moderate.
    await console_.getByRole('button', { name: 'Fermer le classement' }).click();
    await console_.getByRole('button', { name: 'Dévoiler le résultat' }).click();
    const result = projector.getByTestId('ranking-result');
    await result.waitFor();
    expect(await result.getByTestId('ranking-item').locator('.title').allTextContents()).toEqual([
      IDEA,
      THEME,
      STATEMENT,
    ]);
    expect(await result.getByTestId('borda').allTextContents()).toEqual([
      'Borda : 5 points',
      'Borda : 3 points',
      'Borda : 1 point',
    ]);
    expect(await result.getByTestId('mean-rank').allTextContents()).toEqual(['1,3', '2', '2,7']);
    expect(await result.getByTestId('approval').allTextContents()).toEqual(['3', '3', '3']);
    expect(await result.getByTestId('agreement').textContent()).toMatch(
      /accord modéré\s*\(W = 0,44\)/,
    );
    expect(await result.getByTestId('sector-support').textContent()).toContain(
      'Santé publique (3)',
    );
    await expect.poll(() => alice!.getByTestId('ranking-result').count()).toBe(1);
    await shot(projector, 'decision-projector-results-fr');

    // [DS13] priorities: adopted from the result, every field edited, a move with its reason.
    await console_.getByTestId('priorities-adopt').click();
    const priorities = console_.getByTestId('priority-editor');
    await expect
      .poll(() => priorities.getByTestId('priority-title').allTextContents())
      .toEqual([IDEA, THEME, STATEMENT]);
    await priorities
      .getByTestId('priority')
      .first()
      .getByRole('button', { name: 'Modifier' })
      .click();
    await priorities.getByLabel('Responsable').fill('Équipe de coordination');
    await priorities.getByLabel('Prochaine étape').fill('Fixer la première date');
    await priorities.getByLabel('Échéance (une date ou une saison)').fill('Automne 2027');
    await priorities.getByLabel('Statut').selectOption({ label: 'Adoptée' });
    await priorities.getByRole('button', { name: 'Enregistrer' }).click();
    await priorities.getByRole('button', { name: `Monter « ${STATEMENT} »` }).click();
    await priorities
      .getByLabel('Pourquoi la déplacer ? (obligatoire)')
      .fill('Plus urgent pour les familles');
    await priorities.getByRole('button', { name: `Monter « ${STATEMENT} »` }).click();
    await expect
      .poll(() => priorities.getByTestId('priority-title').allTextContents())
      .toEqual([IDEA, STATEMENT, THEME]);
    expect(await priorities.getByTestId('priority-move').textContent()).toContain(
      'Passée de la place 3 à la place 2 : Plus urgent pour les familles',
    );

    // The projector ends on the priorities, with what the console wrote; so do the phones.
    const list = projector.getByTestId('priority-list');
    await expect
      .poll(() => list.getByTestId('priority-title').allTextContents())
      .toEqual([IDEA, STATEMENT, THEME]);
    await expect
      .poll(() => list.getByTestId('priority').first().textContent())
      .toContain('Automne 2027');
    expect(await list.getByTestId('priority').first().textContent()).toContain(
      'Équipe de coordination',
    );
    expect(await list.getByTestId('priority').first().textContent()).toContain('Adoptée');
    await expect.poll(() => carol!.getByTestId('priority').count()).toBe(3);
    await shot(projector, 'decision-projector-priorities-fr');
    await shot(console_, 'decision-console');

    // The bars and the drag broke nothing in the pages' security policy.
    expect(await console_.getByTestId('candidate-title').nth(3).textContent()).toBe(BY_HAND);
    expect(policy.problems).toEqual([]);
    expect(await policy.violations()).toEqual([]);
    expect(phonePolicy.problems).toEqual([]);
    expect(await phonePolicy.violations()).toEqual([]);
  });

  it('[DS10] [DS15] the same screens in English: the phone ballot, a pick among candidates tied at the cut, the phone ranking and the projector results', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await console_.goto(e2e.server.url);
    await console_.locator('#language').selectOption('en');
    await console_.locator('#title').fill('Our priorities');
    await console_.locator('#question').fill('How can our teams work better together?');
    await console_.getByRole('button', { name: 'Create the workshop' }).click();
    await console_.getByTestId('join-code').waitFor();
    const code = (await console_.getByTestId('join-code').textContent())!.trim();
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const phones = await Promise.all(
      ['Ann', 'Ben', 'Cleo'].map(async (name) => {
        const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
        await phone.goto(`${e2e.server.url}/join/${code}`);
        // Online means hydrated and connected: a tap before would submit the plain form.
        await phone.locator('header').getByText('Online').waitFor();
        await phone.locator('#name').fill(name);
        await phone.getByTestId('join-form').locator('button[type="submit"]').click();
        await phone.getByTestId('participant-stage').waitFor();
        return phone;
      }),
    );

    await console_.getByTestId('stage-decide').click();
    const titles = ['A shared front desk', 'Monthly team meetings', 'One phone line'];
    for (const title of titles) {
      await console_.locator('#candidate-title').fill(title);
      await console_.getByTestId('candidate-add').locator('button[type="submit"]').click();
      await expect.poll(() => console_.locator('#candidate-title').inputValue()).toBe('');
    }
    await console_.getByTestId('dots-open').click();
    // desk 2+2+0 = 4, meetings 1+0+1 = 2, phone line 0+1+1 = 2: a tie at a cut of two.
    const votes = [
      [2, 1, 0],
      [2, 0, 1],
      [0, 1, 1],
    ];
    for (const [p, phone] of phones.entries()) {
      await phone.getByTestId('dot-ballot').waitFor();
      for (const [c, n] of votes[p]!.entries()) await addDots(phone, titles[c]!, n);
      await expect.poll(() => phone.getByTestId('ballot-state').textContent()).toBe('Dots saved ✓');
    }
    expect(await phones[0]!.getByTestId('dots-left').textContent()).toBe('You have 0 dots left');
    await shot(phones[0]!, 'decision-phone-ballot-en');

    // [DS10] the tied candidates all go through, unless the facilitator picks (kept on record).
    await console_.getByTestId('dots-close').click();
    await console_.locator('#shortlist-size').fill('2');
    await console_.getByRole('button', { name: 'Apply' }).click();
    const shortlist = console_.getByTestId('shortlist').locator('li');
    await expect.poll(() => shortlist.allTextContents()).toEqual(titles);
    const pick = console_.getByTestId('shortlist-pick');
    await pick.getByRole('checkbox', { name: titles[2] }).uncheck();
    await pick.getByRole('button', { name: 'Keep this choice' }).click();
    await expect.poll(() => shortlist.allTextContents()).toEqual([titles[0], titles[1]]);
    expect(await console_.getByTestId('dot-admin').textContent()).toContain(
      'Shortlist chosen by the facilitator',
    );
    await console_.getByTestId('dots-reveal').click();
    await console_.getByTestId('ranking-open').click();
    const orders = [[1, 0], [1], [0, 1]];
    for (const [p, phone] of phones.entries()) {
      await phone.getByTestId('ranking-ballot').waitFor();
      await rankByButtons(
        phone,
        orders[p]!.map((i) => titles[i]!),
      );
      await expect
        .poll(() => phone.getByTestId('rank-state').textContent())
        .toContain('Ranking sent ✓');
    }
    await shot(phones[0]!, 'decision-phone-ranking-en');
    await console_.getByTestId('ranking-close').click();
    await console_.getByTestId('ranking-reveal').click();
    // n = 2: meetings 1+1+0 = 2, desk 0+0+1 = 1 (Ben left the desk out: the last place's 0).
    const result = projector.getByTestId('ranking-result');
    await result.waitFor();
    expect(await result.getByTestId('borda').allTextContents()).toEqual([
      'Borda: 2 points',
      'Borda: 1 point',
    ]);
    expect(await result.getByTestId('agreement').textContent()).toContain('agreement');
    expect(await result.getByTestId('sector-support').textContent()).toContain('other sectors (3)');
    await shot(projector, 'decision-projector-results-en');
    await console_.getByTestId('priorities-adopt').click();
    await expect
      .poll(() => projector.getByTestId('priority-title').allTextContents())
      .toEqual([titles[1], titles[0]]);
    await shot(projector, 'decision-projector-priorities-en');
  });
});

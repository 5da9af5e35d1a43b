import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { LAPTOP, PHONE, PROJECTOR, shot } from './pages';

const e2e = useServerAndBrowser();

async function screen(viewport: { width: number; height: number }, locale: string, mobile = false) {
  const context = await e2e.browser.newContext({
    viewport,
    locale,
    isMobile: mobile,
    hasTouch: mobile,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  e2e.contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

/** axe-core in the page: serious and critical violations fail the test, with their targets. */
async function expectAccessible(page: Page, name: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, name).toEqual([]);
}

/**
 * A control's accessible name contains its visible text (WCAG 2.5.3, for voice control: "press
 * FR"). axe files this rule as experimental and skips it unless asked: asked here, any impact.
 * axe only checks that the text is a substring ("fr" is in "Français"); a voice command names
 * words, so every labelled control's visible text must also be whole words of its label.
 */
async function expectNamesMatchText(page: Page, name: string) {
  const result = await new AxeBuilder({ page })
    .withRules(['label-content-name-mismatch'])
    .analyze();
  expect(result.passes.length + result.violations.length, `${name}: the rule ran`).toBeGreaterThan(
    0,
  );
  const bad = result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(bad, name).toEqual([]);
  const mismatched = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button[aria-label], a[aria-label]')]
      .filter((el) => el.checkVisibility() && el.innerText.trim() !== '')
      .filter((el) => {
        const text = el.innerText.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const word = new RegExp(`(^|[^\\p{L}\\p{N}])${text}($|[^\\p{L}\\p{N}])`, 'iu');
        return !word.test(el.getAttribute('aria-label')!);
      })
      .map((el) => `"${el.innerText.trim()}" labelled "${el.getAttribute('aria-label')}"`),
  );
  expect(mismatched, name).toEqual([]);
}

const WORDS = {
  fr: {
    title: 'Titre de l’atelier',
    question: 'Question de l’atelier',
    create: 'Créer l’atelier',
    kept: 'J’ai conservé le lien',
    name: 'Votre nom',
    join: 'Rejoindre',
    idea: 'Écrivez votre idée…',
    post: 'Publier',
    column: 'Colonne',
  },
  en: {
    title: 'Workshop title',
    question: 'Workshop question',
    create: 'Create the workshop',
    kept: 'I have kept the link',
    name: 'Your name',
    join: 'Join',
    idea: 'Write your idea…',
    post: 'Post',
    column: 'Column',
  },
} as const;

describe('the three screens, in both languages', () => {
  for (const lang of ['fr', 'en'] as const) {
    it(`[S1] home, console, projector and phone pass axe (no serious or critical issue; on the join pages, names contain the visible text) in ${lang}`, async () => {
      const w = WORDS[lang];
      const console_ = await screen(LAPTOP, lang === 'fr' ? 'fr-CA' : 'en-CA');
      await console_.goto(e2e.server.url);
      await console_.getByRole('button', { name: lang === 'fr' ? 'Français' : 'English' }).click();
      await expectAccessible(console_, `home ${lang}`);
      await shot(console_, `home-${lang}`);
      await console_
        .getByLabel(w.title)
        .fill(lang === 'fr' ? 'Travailler ensemble' : 'Working together');
      await console_
        .getByLabel(w.question)
        .fill(
          lang === 'fr'
            ? 'Qu’est-ce qui fonctionne déjà entre nos équipes ?'
            : 'What already works between our teams?',
        );
      await console_.getByRole('button', { name: w.create }).click();
      await console_.waitForURL(/\/console\//);
      await console_.getByTestId('join-code').waitFor();
      await expectAccessible(console_, `console (new) ${lang}`);
      await console_.getByRole('button', { name: w.kept }).click();
      const code = (await console_.getByTestId('join-code').textContent())!.trim();

      const phone = await screen(PHONE, lang === 'fr' ? 'fr-CA' : 'en-CA', true);
      await phone.goto(`${e2e.server.url}/join`);
      await phone.locator('#code').waitFor();
      await expectAccessible(phone, `phone code ${lang}`);
      await expectNamesMatchText(phone, `phone code ${lang}`);
      await phone.goto(`${e2e.server.url}/join/${code}`);
      await phone.getByLabel(w.name).waitFor();
      await expectAccessible(phone, `phone join ${lang}`);
      await expectNamesMatchText(phone, `phone join ${lang}`);
      await phone.getByLabel(w.name).fill('Aïcha');
      await phone.getByRole('button', { name: w.join, exact: true }).click();
      await phone.getByTestId('participant-stage').waitFor();
      for (const text of ['Un repas partagé entre équipes', 'Des rencontres trop rares']) {
        await phone.getByPlaceholder(w.idea).fill(text);
        await phone.getByRole('button', { name: w.post }).click();
        await expect.poll(() => phone.getByPlaceholder(w.idea).inputValue()).toBe('');
      }
      await console_.getByTestId('stage-discover').click();
      await expect
        .poll(() => phone.getByTestId('participant-stage').textContent())
        .toBe(lang === 'fr' ? 'Découverte' : 'Discover');
      await phone.getByLabel(w.column).selectOption({ index: 1 });
      await phone.getByPlaceholder(w.idea).fill('Une infirmière de liaison');
      await phone.getByRole('button', { name: w.post }).click();
      await expect.poll(() => phone.getByTestId('note').count()).toBe(1);
      await expectAccessible(phone, `phone ${lang}`);
      await shot(phone, `phone-${lang}`);

      const projector = await screen(PROJECTOR, 'fr-CA');
      await projector.goto(`${e2e.server.url}/projector/${code}`);
      await expect.poll(() => projector.getByTestId('note').count()).toBe(1);
      await expectAccessible(projector, `projector ${lang}`);
      await shot(projector, `projector-${lang}`);

      await expect.poll(() => console_.getByTestId('note').count()).toBe(1);
      await expectAccessible(console_, `console ${lang}`);
      await shot(console_, `console-${lang}`);
    });
  }

  it('[S2] the console works from the keyboard alone, with a visible focus', async () => {
    const console_ = await screen(LAPTOP, 'fr-CA');
    // Hold the home page's socket back: Enter must work while it is still connecting (it was
    // once swallowed by a submit button disabled until the socket was up).
    let letThrough = () => {};
    const held = new Promise<void>((resolve) => (letThrough = resolve));
    await console_.routeWebSocket(/\/socket\.io\//, async (ws) => {
      await held;
      ws.connectToServer();
    });
    await console_.goto(e2e.server.url);
    await console_.getByLabel('Titre de l’atelier').fill('Clavier');
    await console_.keyboard.press('Enter');
    await expect.poll(() => console_.getByRole('button', { name: 'Création…' }).count()).toBe(1);
    letThrough();
    await console_.waitForURL(/\/console\//);
    await console_.getByTestId('join-code').waitFor();
    let focused = '';
    for (let i = 0; i < 40 && focused !== 'stage-dream'; i++) {
      await console_.keyboard.press('Tab');
      focused = await console_.evaluate(
        () => document.activeElement?.getAttribute('data-testid') ?? '',
      );
    }
    expect(focused).toBe('stage-dream');
    const outline = await console_.evaluate(
      () => getComputedStyle(document.activeElement!).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await console_.keyboard.press('Enter');
    await expect
      .poll(() => console_.getByTestId('stage-dream').getAttribute('aria-current'))
      .toBe('step');
  });

  it('[S4] while a stage change is on its way, the stepper shows it and the old boards cannot be clicked', async () => {
    const console_ = await screen(LAPTOP, 'fr-CA');
    // Hold back what the server sends on the console's replicas, while asked to.
    let holding = false;
    const held: Array<() => void> = [];
    await console_.routeWebSocket(/\/yjs\//, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (holding) held.push(() => ws.send(message));
        else ws.send(message);
      });
    });
    await console_.goto(e2e.server.url);
    await console_.getByLabel('Titre de l’atelier').fill('En route');
    await console_.getByRole('button', { name: 'Créer l’atelier' }).click();
    await console_.getByTestId('join-code').waitFor();
    const mainCol = console_.locator('.main-col');
    expect(await mainCol.getAttribute('inert')).toBeNull();

    holding = true;
    await console_.getByTestId('stage-discover').click();
    await expect
      .poll(() => console_.getByTestId('stage-discover').getAttribute('aria-busy'))
      .toBe('true');
    expect(await console_.getByTestId('stage-define').getAttribute('aria-current')).toBe('step');
    expect(await mainCol.getAttribute('inert')).not.toBeNull();

    holding = false;
    for (const send of held.splice(0)) send();
    await expect
      .poll(() => console_.getByTestId('stage-discover').getAttribute('aria-current'))
      .toBe('step');
    expect(await console_.getByTestId('stage-discover').getAttribute('aria-busy')).toBe('false');
    expect(await mainCol.getAttribute('inert')).toBeNull();
  });

  it('[S3] a phone at 360 px and 200 % text has no sideways scrolling; arrivals are announced, sparingly', async () => {
    const console_ = await screen(LAPTOP, 'fr-CA');
    await console_.goto(e2e.server.url);
    await console_.getByLabel('Titre de l’atelier').fill('Grand texte');
    await console_.getByRole('button', { name: 'Créer l’atelier' }).click();
    await console_.getByTestId('join-code').waitFor();
    const code = (await console_.getByTestId('join-code').textContent())!.trim();
    const phone = await screen(PHONE, 'fr-CA', true);
    await phone.goto(`${e2e.server.url}/join/${code}`);
    // 200 % text, as a phone's accessibility setting would give (CSSOM: allowed by the CSP)
    await phone.evaluate(() => (document.documentElement.style.fontSize = '200%'));
    await phone.getByLabel('Votre nom').fill('Bernadette-Marie');
    await phone.getByRole('button', { name: 'Rejoindre', exact: true }).click();
    await phone.getByTestId('participant-stage').waitFor();
    await phone
      .getByPlaceholder('Écrivez votre idée…')
      .fill('Une note assez longue pour passer à la ligne deux fois au moins');
    await phone.getByRole('button', { name: 'Publier' }).click();
    await expect.poll(() => phone.getByTestId('note').count()).toBe(1);
    await shot(phone, 'phone-200-percent');
    const wide = await phone.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    );
    expect(wide).toEqual([]);
    // Upright, the composer stays near the thumb; held sideways (or zoomed, which shortens the
    // page in CSS pixels) it joins the flow instead of covering half the screen.
    const composer = () =>
      phone.evaluate(() => getComputedStyle(document.querySelector('form.composer')!).position);
    expect(await composer()).toBe('sticky');
    await phone.setViewportSize({ width: PHONE.height, height: PHONE.width });
    expect(await composer()).toBe('static');
    await shot(phone, 'phone-landscape');
    await phone.setViewportSize(PHONE);
    // the console hears about it once, a little later, not note by note
    await expect
      .poll(() => console_.getByTestId('note-announcer').textContent(), { timeout: 15_000 })
      .toBe('1 nouvelle note');
  });
});

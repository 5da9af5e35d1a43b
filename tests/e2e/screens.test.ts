import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startBuiltServer, type BuiltServer } from './helpers';
import { LAPTOP, PHONE, PROJECTOR, shot } from './pages';

let server: BuiltServer;
let browser: Browser;
let disposeBrowser: () => Promise<void>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startBuiltServer();
  ({ browser, dispose: disposeBrowser } = await launchBrowser());
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await disposeBrowser?.();
  await server?.dispose();
});

async function screen(viewport: { width: number; height: number }, locale: string, mobile = false) {
  const context = await browser.newContext({
    viewport,
    locale,
    isMobile: mobile,
    hasTouch: mobile,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  contexts.push(context);
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
    it(`[S1] home, console, projector and phone pass axe (no serious or critical issue) in ${lang}`, async () => {
      const w = WORDS[lang];
      const console_ = await screen(LAPTOP, lang === 'fr' ? 'fr-CA' : 'en-CA');
      await console_.goto(server.url);
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
      await phone.goto(`${server.url}/join/${code}`);
      await phone.getByLabel(w.name).waitFor();
      await expectAccessible(phone, `phone join ${lang}`);
      await phone.getByLabel(w.name).fill('Aïcha');
      await phone.getByRole('button', { name: w.join, exact: true }).click();
      await phone.getByTestId('participant-stage').waitFor();
      for (const text of ['Un repas partagé entre équipes', 'Des rencontres trop rares']) {
        await phone.getByPlaceholder(w.idea).fill(text);
        await phone.getByRole('button', { name: w.post }).click();
        await expect.poll(() => phone.getByPlaceholder(w.idea).inputValue()).toBe('');
      }
      await console_.getByTestId('stage-discover').click();
      await phone.getByTestId('participant-stage').waitFor();
      await phone.getByLabel(w.column).selectOption({ index: 1 });
      await phone.getByPlaceholder(w.idea).fill('Une infirmière de liaison');
      await phone.getByRole('button', { name: w.post }).click();
      await expect.poll(() => phone.getByTestId('note').count()).toBe(1);
      await expectAccessible(phone, `phone ${lang}`);
      await shot(phone, `phone-${lang}`);

      const projector = await screen(PROJECTOR, 'fr-CA');
      await projector.goto(`${server.url}/projector/${code}`);
      await expect.poll(() => projector.getByTestId('note').count()).toBe(1);
      await expectAccessible(projector, `projector ${lang}`);
      await shot(projector, `projector-${lang}`);

      await expect.poll(() => console_.getByTestId('note').count()).toBe(1);
      await expectAccessible(console_, `console ${lang}`);
      await shot(console_, `console-${lang}`);
    });
  }
});

import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { SCREENSHOTS } from './helpers';

export const PHONE = { width: 360, height: 740 };
export const LAPTOP = { width: 1280, height: 720 };
export const PROJECTOR = { width: 1920, height: 1080 };

/** A browser context per screen, as in a real room: separate storage, separate sockets. */
export async function openScreen(
  browser: Browser,
  viewport: { width: number; height: number },
  contexts: BrowserContext[],
  mobile = false,
): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    locale: 'fr-CA',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

/** A screenshot once running animations (a note's grow-in, a reveal) have finished. */
export async function shot(page: Page, name: string): Promise<void> {
  await page
    .waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, {
      timeout: 5_000,
    })
    .catch(() => undefined); // an endless animation still gets its picture
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Create a workshop from the home page; returns the join code, the console on its page. */
export async function createFromHome(
  console_: Page,
  baseUrl: string,
  title: string,
): Promise<string> {
  await console_.goto(baseUrl);
  await console_.getByLabel('Titre de l’atelier').fill(title);
  await console_
    .getByLabel('Question de l’atelier')
    .fill('Comment nos équipes peuvent-elles mieux collaborer ?');
  await console_.getByRole('button', { name: 'Créer l’atelier' }).click();
  await console_.waitForURL(/\/console\/[A-Za-z0-9_-]+$/);
  await console_.getByTestId('join-code').waitFor();
  return (await console_.getByTestId('join-code').textContent())!.trim();
}

export async function joinFromPhone(
  phone: Page,
  baseUrl: string,
  code: string,
  name: string,
  sector: string | null,
) {
  await phone.goto(`${baseUrl}/join`);
  await phone.getByLabel('Code de l’atelier').fill(code.toLowerCase());
  await phone.getByRole('button', { name: 'Continuer' }).click();
  await phone.getByLabel('Votre nom').fill(name);
  if (sector) await phone.getByLabel('Votre secteur').selectOption({ label: sector });
  await phone.getByRole('button', { name: 'Rejoindre' }).click();
  await phone.getByTestId('participant-stage').waitFor();
}

export async function post(phone: Page, column: string, text: string) {
  await phone.getByLabel('Colonne').selectOption({ label: column });
  await phone.getByPlaceholder('Écrivez votre idée…').fill(text);
  await phone.getByRole('button', { name: 'Publier' }).click();
  await expect.poll(() => phone.getByPlaceholder('Écrivez votre idée…').inputValue()).toBe('');
}

/**
 * Collects what breaks the page's security policy: CSP messages in the console, script errors,
 * and every `securitypolicyviolation` event (seen by a script the browser driver injects, which
 * the policy does not apply to).
 */
export async function watchPolicy(
  page: Page,
): Promise<{ problems: string[]; violations: () => Promise<string[]> }> {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (/content security policy/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI}`),
    );
  });
  const violations = () =>
    page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  return { problems, violations };
}

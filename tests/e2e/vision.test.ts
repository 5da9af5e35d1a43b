import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { createFromHome, joinFromPhone, LAPTOP, openScreen, PHONE, PROJECTOR, shot } from './pages';

const e2e = useServerAndBrowser();

const value = (page: Page, index = 0) => page.getByTestId('statement-text').nth(index).inputValue();

describe('vision statements in real Chromium', () => {
  it('[V25] the console opens statements, phones and the console write in them together, the projector follows', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Notre vision');
    await console_.getByTestId('stage-dream').click();
    await console_.getByTestId('vision-admin').waitFor();
    await console_
      .getByLabel('Nouvel énoncé : titre ou amorce')
      .fill('Dans trois ans, chaque personne…');
    await console_.getByRole('button', { name: 'Ajouter un énoncé' }).click();
    await expect.poll(() => console_.getByTestId('statement').count()).toBe(1);

    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const alice = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    const bob = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(alice, e2e.server.url, code, 'Alice', null);
    await joinFromPhone(bob, e2e.server.url, code, 'Bob', null);

    // The console writes first; with one statement, a phone has it open already.
    await console_.getByTestId('statement-text').fill('se sent écoutée');
    await expect.poll(() => value(alice)).toBe('se sent écoutée');
    await expect.poll(() => value(bob)).toBe('se sent écoutée');

    // Two phones type at once, one at the start, one at the end: every letter arrives once.
    const typeAt = async (phone: Page, key: string, text: string) => {
      const field = phone.getByTestId('statement-text');
      await field.focus();
      await field.press(key);
      await field.pressSequentially(text, { delay: 25 });
    };
    await Promise.all([
      typeAt(alice, 'Control+Home', 'Chaque personne '),
      typeAt(bob, 'Control+End', ' et soutenue.'),
    ]);
    const merged = 'Chaque personne se sent écoutée et soutenue.';
    await expect.poll(() => value(alice)).toBe(merged);
    await expect.poll(() => value(bob)).toBe(merged);
    await expect.poll(() => value(console_)).toBe(merged);
    await expect
      .poll(() => projector.getByTestId('projector-statement-text').first().textContent())
      .toBe(merged);
    // A phone still in the field shows on the console as a named caret.
    await alice.getByTestId('statement-text').focus();
    await alice.getByTestId('statement-text').press('End');
    await expect
      .poll(() => console_.getByTestId('remote-caret').allTextContents())
      .toContain('Alice');

    // A second statement: phones now choose the one they write in.
    await console_
      .getByLabel('Nouvel énoncé : titre ou amorce')
      .fill('Notre équipe, dans trois ans…');
    await console_.getByRole('button', { name: 'Ajouter un énoncé' }).click();
    await expect.poll(() => alice.getByTestId('statement').count()).toBe(2);
    await alice.getByTestId('statement-open').nth(1).click();
    await bob.getByTestId('statement-open').nth(1).click();

    // Bob goes offline, keeps typing, and his words arrive once he is back.
    await bob.context().setOffline(true);
    await expect.poll(() => bob.getByTestId('offline-banner').count(), { timeout: 15_000 }).toBe(1);
    // the statement says so too: what is typed stays on the phone until it is back
    await expect.poll(() => bob.getByTestId('statement-offline').count()).toBe(1);
    await bob.getByTestId('statement-text').pressSequentially('apprend en marchant', {
      delay: 10,
    });
    await alice.getByTestId('statement-text').pressSequentially('Notre équipe ', { delay: 10 });
    await expect.poll(() => value(alice)).toBe('Notre équipe ');
    expect(await value(bob)).toBe('apprend en marchant');
    await bob.context().setOffline(false);
    const back = Date.now();
    await expect
      .poll(() => value(alice), { timeout: 30_000 })
      .toMatch(/^(Notre équipe apprend en marchant|apprend en marchantNotre équipe )$/);
    const second = await value(alice);
    console.log(`[V25] the offline words arrived ${Date.now() - back} ms after the network`);
    await expect.poll(() => value(bob)).toBe(second);
    await expect
      .poll(() => projector.getByTestId('projector-statement-text').nth(1).textContent())
      .toBe(second);
    expect(second.split('apprend en marchant')).toHaveLength(2);

    await alice
      .getByTestId('statement-text')
      .evaluate((field) => field.scrollIntoView({ block: 'nearest' }));
    await shot(alice, 'vision-phone');
    await shot(console_, 'vision-console');
    await shot(projector, 'vision-projector');

    // Locked: the phone says so and its field takes no typing.
    await console_.getByTestId('statement-lock').nth(1).click();
    const aliceSecond = alice.getByTestId('statement').nth(1);
    await expect.poll(() => aliceSecond.getByTestId('statement-locked').count()).toBe(1);
    expect(await aliceSecond.getByTestId('statement-text').getAttribute('readonly')).not.toBeNull();
    await aliceSecond.getByTestId('statement-text').press('End');
    await aliceSecond.getByTestId('statement-text').pressSequentially('!!!');
    expect(await value(alice, 0)).toBe(second);
    // A write the server refuses (here: the field forced writable): the phone drops it and
    // comes back to the room's text, which nobody else ever saw changed.
    await aliceSecond
      .getByTestId('statement-text')
      .evaluate((field) => ((field as HTMLTextAreaElement).readOnly = false));
    await aliceSecond.getByTestId('statement-text').pressSequentially('???');
    await expect.poll(() => value(alice, 0), { timeout: 15_000 }).toBe(second);
    expect(await value(console_, 1)).toBe(second);
    expect(await value(bob, 0)).toBe(second);
    // 200 % text, as a phone's accessibility setting would give: nothing runs off to the side.
    await alice.evaluate(() => (document.documentElement.style.fontSize = '200%'));
    await aliceSecond.getByTestId('statement-locked').scrollIntoViewIfNeeded();
    await shot(alice, 'vision-phone-locked-200-percent');
    const wide = await alice.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    );
    expect(wide).toEqual([]);
    // Bob closed nothing: his open statement turned read-only too.
    expect(
      await bob
        .getByTestId('statement')
        .nth(1)
        .getByTestId('statement-text')
        .getAttribute('readonly'),
    ).not.toBeNull();

    // The console's moderation: clear a text, rename, reorder, delete (after a confirmation).
    const first = console_.getByTestId('statement').first();
    await first.getByRole('button', { name: 'Effacer le texte' }).click();
    await expect
      .poll(() => projector.getByTestId('projector-statement-text').first().textContent())
      .toBe('');
    await first.getByRole('button', { name: 'Renommer' }).click();
    await first.getByLabel('Titre de l’énoncé').fill('Dans cinq ans');
    await first.getByRole('button', { name: 'Enregistrer' }).click();
    await first.getByRole('button', { name: 'Descendre' }).click();
    const titles = () =>
      projector.getByTestId('projector-statement').locator('h2').allTextContents();
    await expect
      .poll(async () => (await titles()).map((x) => x.trim()))
      .toEqual(['Notre équipe, dans trois ans… Verrouillé', 'Dans cinq ans']);
    await console_
      .getByTestId('statement')
      .nth(1)
      .getByRole('button', { name: 'Supprimer' })
      .click();
    await expect.poll(() => alice.getByTestId('statement').count()).toBe(1);
    await expect.poll(() => projector.getByTestId('projector-statement').count()).toBe(1);
  });
});

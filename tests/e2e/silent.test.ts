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
  post,
  PROJECTOR,
  shot,
} from './pages';

const e2e = useServerAndBrowser();

describe('Découverte: silent writing, then the reveal', () => {
  it('[E7] three phones write silently, the projector shows counts only, the reveal shows all, notes are grouped by keyboard and by drag and drop, the lock stops writing', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Silence');
    await console_.getByRole('button', { name: 'J’ai conservé le lien' }).click();
    await console_.getByTestId('stage-discover').click();
    // until the stage change is on record, the console still shows Définition's board
    await expect
      .poll(() => console_.getByTestId('stage-discover').getAttribute('aria-current'))
      .toBe('step');
    await console_.getByTestId('hide').click();
    await console_.getByTestId('reveal').waitFor();

    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const phones: Page[] = [];
    for (const [name, sector] of [
      ['Ana', 'Clinique / GMF'],
      ['Ben', 'Organisme communautaire'],
      ['Chloé', null],
    ] as const) {
      const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
      await joinFromPhone(phone, e2e.server.url, code, name, sector);
      phones.push(phone);
    }
    await post(phones[0]!, 'Obstacles', 'Ana : les délais de rappel');
    await post(phones[1]!, 'Obstacles', 'Ben : pas de contact direct');
    await post(phones[2]!, 'Facilitateurs', 'Chloé : une table de concertation');

    // each phone sees its own note only; the projector sees numbers; the console, sectors
    await expect.poll(() => phones[0]!.getByTestId('note').count()).toBe(1);
    expect(await phones[0]!.getByTestId('silent').count()).toBe(1);
    expect(await phones[0]!.textContent('main')).not.toContain('Ben :');
    await expect
      .poll(() => projector.getByTestId('sealed-count').allTextContents())
      .toEqual([expect.stringContaining('2'), expect.stringContaining('1')]);
    expect(await projector.getByTestId('note').count()).toBe(0);
    expect(await projector.textContent('main')).not.toContain('délais');
    await expect
      .poll(() => console_.getByTestId('sector-counts').first().textContent())
      .toContain('autres secteurs 2');
    expect(await console_.textContent('main')).not.toContain('délais de rappel');
    await shot(projector, 'projector-silent');
    await shot(console_, 'console-silent');

    // the reveal: every note at once, everywhere
    await console_.getByTestId('reveal').click();
    await expect.poll(() => projector.getByTestId('note').count()).toBe(3);
    await expect.poll(() => phones[0]!.getByTestId('note').count()).toBe(3);
    await shot(projector, 'projector-revealed');

    // grouping: two notes by keyboard (tick, then create a theme), the third by drag and drop
    const ticks = console_.getByRole('checkbox', { name: /^Cocher/ });
    await expect.poll(() => ticks.count()).toBe(3);
    await console_.getByRole('checkbox', { name: 'Cocher : Ana : les délais de rappel' }).check();
    await console_.getByRole('checkbox', { name: 'Cocher : Ben : pas de contact direct' }).check();
    await console_.getByLabel('Nom du nouveau thème').fill('Se joindre');
    await console_.getByLabel('Nom du nouveau thème').press('Enter');
    const theme = console_.getByTestId('theme');
    await expect.poll(() => theme.getByTestId('theme-note').count()).toBe(2);
    const loose = console_
      .getByTestId('zone-none')
      .getByTestId('theme-note')
      .filter({ hasText: 'table de concertation' });
    const from = (await loose.boundingBox())!;
    const to = (await theme.locator('ul').boundingBox())!;
    await console_.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await console_.mouse.down();
    await console_.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 + 5, {
      steps: 3,
    });
    await console_.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
    await console_.mouse.up();
    await expect.poll(() => theme.getByTestId('theme-note').count(), { timeout: 10_000 }).toBe(3);
    // the projector shows the theme, with sectors (each under three people: "other sectors")
    const card = projector.getByTestId('projector-theme');
    await expect.poll(() => card.textContent()).toContain('Se joindre');
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('3 notes');
    expect(await card.textContent()).toContain('autres secteurs · 3');
    // grouped notes move from the columns onto their theme's card
    await expect.poll(() => card.getByTestId('projector-theme-note').count()).toBe(3);
    await expect.poll(() => projector.getByTestId('note').count()).toBe(0);
    const axe = await new AxeBuilder({ page: console_ }).analyze();
    expect(
      axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id),
    ).toEqual([]);
    await shot(console_, 'console-themes');
    await shot(projector, 'projector-themes');

    // when the facilitator allows it, a phone groups too (and cannot link themes)
    await console_.getByLabel('Les participants regroupent aussi').first().check();
    const phoneThemes = phones[2]!.getByTestId('theme');
    await expect.poll(() => phoneThemes.count()).toBe(1);
    expect(await phones[2]!.getByRole('combobox', { name: /répond/i }).count()).toBe(0);
    await phones[2]!
      .getByRole('checkbox', { name: 'Cocher : Chloé : une table de concertation' })
      .check();
    await phones[2]!.getByLabel('Nom du nouveau thème').fill('Se concerter');
    await phones[2]!.getByLabel('Nom du nouveau thème').press('Enter');
    await expect.poll(() => console_.getByTestId('theme').count()).toBe(2);
    await expect.poll(() => card.count()).toBe(2);
    await shot(phones[2]!, 'phone-grouping');

    // the lock: phones are told, and cannot post
    await console_.getByTestId('lock').click();
    await expect.poll(() => phones[1]!.getByTestId('locked').count()).toBe(1);
    expect(await phones[1]!.getByPlaceholder('Écrivez votre idée…').count()).toBe(0);
    await shot(phones[1]!, 'phone-locked');
  });
});

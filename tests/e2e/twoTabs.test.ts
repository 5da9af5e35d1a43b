import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { createFromHome, LAPTOP, openScreen, PHONE, post } from './pages';

const e2e = useServerAndBrowser();

describe('two tabs of one phone', () => {
  it('[E12] both tabs opened before joining: the second is the same person without an error, and what either posts arrives once', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Deux onglets');
    await console_.getByRole('button', { name: 'J’ai conservé le lien' }).click();

    const tabA = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    const tabB = await tabA.context().newPage();
    tabB.on('dialog', (dialog) => void dialog.accept());
    for (const tab of [tabA, tabB]) {
      await tab.goto(`${e2e.server.url}/join/${code}`);
      await tab.getByLabel('Votre nom').waitFor();
    }
    await tabA.getByLabel('Votre nom').fill('Odile');
    await tabA.getByRole('button', { name: 'Rejoindre' }).click();
    await tabA.getByTestId('participant-stage').waitFor();
    // Tab B still shows the form; joining there finds the device already in: no error.
    await tabB.getByLabel('Votre nom').fill('Odile');
    await tabB.getByRole('button', { name: 'Rejoindre' }).click();
    await tabB.getByTestId('participant-stage').waitFor();
    expect(await tabB.locator('p.error').count()).toBe(0);

    await post(tabA, 'Attentes', 'Depuis l’onglet A');
    await post(tabB, 'Attentes', 'Depuis l’onglet B');
    for (const tab of [tabA, tabB]) {
      for (const text of ['Depuis l’onglet A', 'Depuis l’onglet B']) {
        await expect.poll(() => tab.getByTestId('note').filter({ hasText: text }).count()).toBe(1);
      }
    }
    // One person, two notes, each once.
    await expect.poll(() => console_.getByTestId('participants').locator('li').count()).toBe(1);
    expect(await console_.getByTestId('note').count()).toBe(2);
  });
});

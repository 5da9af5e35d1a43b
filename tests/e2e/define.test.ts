import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { LAPTOP, openScreen, PROJECTOR, shot } from './pages';

const e2e = useServerAndBrowser();

describe('Définition', () => {
  it('[E8] the guide turns a problem into an affirmative question; objectives and boards are set from the console', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await console_.goto(e2e.server.url);
    await console_.getByLabel('Titre de l’atelier').fill('Cadrer');
    await console_.getByRole('button', { name: 'Créer l’atelier' }).click();
    await console_.getByTestId('join-code').waitFor();
    const code = (await console_.getByTestId('join-code').textContent())!.trim();
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);

    await console_.getByText('Guide : une question appréciative').click();
    await console_.getByRole('button', { name: 'Partir de cet exemple' }).first().click();
    await expect
      .poll(() => projector.getByTestId('projector-question').textContent())
      .toContain('Quand une référence');
    await console_.getByLabel('Objectifs de l’atelier').fill('Trois priorités pour l’automne');
    await console_
      .locator('form.editable')
      .filter({ has: console_.getByLabel('Objectifs de l’atelier') })
      .getByRole('button', { name: 'Enregistrer' })
      .click();
    await expect
      .poll(() => projector.getByTestId('projector-objectives').textContent())
      .toContain('Trois priorités pour l’automne');

    await console_.getByLabel('Ajouter un tableau').fill('Histoires qui marchent');
    await console_.getByRole('button', { name: 'Ajouter un tableau' }).click();
    await expect
      .poll(() => projector.getByRole('region', { name: 'Histoires qui marchent' }).count())
      .toBe(1);
    await shot(console_, 'console-define-guide');
    await shot(projector, 'projector-define-objectives');
  });

  it('[E9] a Découverte-only workshop opens on Découverte, with its board', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await console_.goto(e2e.server.url);
    await console_.getByLabel('Titre de l’atelier').fill('Découverte seulement');
    await console_.getByLabel('Une séance de Découverte seulement').check();
    await console_.getByRole('button', { name: 'Créer l’atelier' }).click();
    await console_.getByTestId('join-code').waitFor();
    await expect
      .poll(() => console_.getByTestId('stage-discover').getAttribute('aria-current'))
      .toBe('step');
    expect(
      await console_.getByRole('heading', { name: 'Obstacles et facilitateurs' }).count(),
    ).toBe(1);
  });
});

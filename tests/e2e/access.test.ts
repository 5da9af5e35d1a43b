import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { createFromHome, joinFromPhone, LAPTOP, openScreen, PHONE, post, shot } from './pages';

const e2e = useServerAndBrowser();

describe('who runs the room, from the console', () => {
  it('[E6] a co-facilitator link works until revoked; a removed participant is let go; joining closes', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Accès');
    await console_.getByRole('button', { name: 'J’ai conservé le lien' }).click();

    // a co-facilitator link, shown once, opens a working console elsewhere
    await console_.getByLabel('Nom de la personne qui co-anime').fill('Marie');
    await console_.getByRole('button', { name: 'Créer un lien' }).click();
    const url = (await console_.getByTestId('cofacilitator-link').locator('code').textContent())!;
    expect(url).toMatch(/\/console\/[A-Za-z0-9_-]+#k=[A-Za-z0-9_-]{22}$/);
    const co = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await co.goto(url);
    await co.getByTestId('stage-discover').click();
    await expect
      .poll(() => console_.getByTestId('stage-discover').getAttribute('aria-current'))
      .toBe('step');
    expect(await co.getByText('Co-animation').count()).toBe(0); // links are the main facilitator's

    // a participant joins and posts; the facilitator removes them; their note stays
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Paul', null);
    await post(phone, 'Obstacles', 'Une note de Paul');
    await expect.poll(() => console_.getByTestId('participants').locator('li').count()).toBe(1);
    await shot(console_, 'console-access');
    await console_.getByRole('button', { name: 'Retirer — Paul' }).click();
    await expect.poll(() => console_.getByTestId('participants').locator('li').count()).toBe(0);
    await expect
      .poll(() => phone.getByRole('button', { name: 'Rejoindre' }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(
      await console_.getByTestId('note').filter({ hasText: 'Une note de Paul' }).textContent(),
    ).toContain('Personne retirée');

    // closing joining: a newcomer is told so
    await console_.getByRole('button', { name: 'Fermer les inscriptions' }).click();
    await expect
      .poll(() => console_.getByTestId('joining-state').textContent())
      .toContain('fermées');
    const late = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await late.goto(`${e2e.server.url}/join/${code}`);
    await expect.poll(() => late.getByTestId('joining-closed').count()).toBe(1);

    // revoking the co-facilitator link ends that console's access at once
    await console_.getByRole('button', { name: 'Révoquer — Marie' }).click();
    await expect
      .poll(() => co.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain('Aucun atelier ne correspond');
  });

  it('[E11] a new join code: the projector follows, a phone that joined stays, the old code turns newcomers away', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Nouveau code');
    await console_.getByRole('button', { name: 'J’ai conservé le lien' }).click();
    const projector = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    await projector.getByTestId('projector-code').waitFor();
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Inès', null);

    await console_.getByTestId('change-code').click();
    await expect.poll(() => console_.getByTestId('join-code').textContent()).not.toBe(code);
    const fresh = (await console_.getByTestId('join-code').textContent())!.trim();
    await expect
      .poll(() => projector.getByTestId('projector-code').getAttribute('aria-label'))
      .toBe(fresh);
    expect(projector.url()).toContain(`/projector/${fresh}`);
    // The projector keeps working through the new code, after a reload too.
    await projector.reload();
    await expect
      .poll(() => projector.getByTestId('projector-code').getAttribute('aria-label'))
      .toBe(fresh);

    // Inès's phone knows only the old code, and still posts after a reload.
    await phone.reload();
    await post(phone, 'Attentes', 'Toujours là');
    await expect
      .poll(() => projector.getByTestId('note').filter({ hasText: 'Toujours là' }).count())
      .toBe(1);

    // The new QR code on Inès's phone brings her back as herself, not as a newcomer.
    await phone.goto(`${e2e.server.url}/join/${fresh}`);
    await post(phone, 'Attentes', 'Par le nouveau code');
    expect(await phone.getByRole('button', { name: 'Rejoindre' }).count()).toBe(0);
    await expect.poll(() => console_.getByTestId('participants').locator('li').count()).toBe(1);

    // A newcomer with the old code is turned away; with the new one, welcome.
    const late = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await late.goto(`${e2e.server.url}/join/${code}`);
    await expect
      .poll(() => late.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain('Aucun atelier ne correspond');
    await joinFromPhone(late, e2e.server.url, fresh, 'Jules', null);
  });

  it('[E10] the main facilitator deletes the workshop after typing its title; every screen is told and phones keep nothing', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Atelier à effacer');
    await console_.getByRole('button', { name: 'J’ai conservé le lien' }).click();
    const projector = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    await projector.getByTestId('projector-code').waitFor();
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Rosalie', null);
    await post(phone, 'Attentes', 'Une note à effacer');
    const stored = () =>
      phone.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cocrea:')));
    expect(await stored()).toContain(`cocrea:device:${code}`);

    await console_.getByText('Supprimer l’atelier').click();
    const confirm = console_.getByLabel(/Pour confirmer, tapez le titre/);
    const button = console_.getByRole('button', { name: 'Supprimer définitivement' });
    await confirm.fill('Atelier à');
    expect(await button.isDisabled()).toBe(true);
    await confirm.fill('Atelier à effacer');
    await shot(console_, 'console-delete');
    await button.click();

    await expect.poll(() => console_.getByTestId('deleted').count()).toBe(1);
    for (const screen of [phone, projector]) {
      await expect
        .poll(() => screen.getByRole('alert').textContent(), { timeout: 15_000 })
        .toContain('Cet atelier a été supprimé');
    }
    await shot(phone, 'phone-deleted');
    await expect.poll(stored).not.toContain(`cocrea:device:${code}`);
    expect(await stored()).not.toContain(`cocrea:outbox:${code}`);
    expect(
      await console_.evaluate(() =>
        Object.keys(sessionStorage).filter((k) => k.startsWith('cocrea:key:')),
      ),
    ).toEqual([]);
    // the code now leads nowhere
    const late = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await late.goto(`${e2e.server.url}/join/${code}`);
    await expect
      .poll(() => late.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain('Aucun atelier ne correspond');
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { createFromHome, joinFromPhone, LAPTOP, openScreen, PHONE, post, shot } from './pages';

const e2e = useServerAndBrowser();

describe('importing a workshop in the browser', () => {
  it('[EX76] a JSON export uploaded on the home page becomes a new workshop: the console opens on it with its title and notes and a new join code; a file that is not an export is refused in French with the reason', async () => {
    const first = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(first, e2e.server.url, 'Atelier à reprendre');
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Aline', null);
    await post(phone, 'Attentes', 'Un guichet unique pour les familles');
    const [download] = await Promise.all([
      first.waitForEvent('download'),
      first.getByRole('button', { name: 'Atelier (JSON)' }).click(),
    ]);
    const file = (await download.path())!;
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      workshop: { title: 'Atelier à reprendre' },
    });

    // another browser, another facilitator: the home page
    const second = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await second.goto(e2e.server.url);
    const input = second.getByLabel('Fichier de l’atelier');

    // not an export: refused, in French, with what is wrong
    await input.setInputFiles({
      name: 'autre.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"autre chose"}'),
    });
    await second.getByRole('button', { name: 'Importer l’atelier' }).click();
    const alert = second.locator('form.import [role="alert"]');
    await expect
      .poll(() => alert.textContent())
      .toContain('Ce fichier n’est pas un export d’atelier cocrea valide.');
    expect(second.url()).toBe(`${e2e.server.url}/`);
    await shot(second, 'import-refused');

    // the export: to the console of a new workshop
    await input.setInputFiles(file);
    await second.getByRole('button', { name: 'Importer l’atelier' }).click();
    await second.waitForURL(/\/console\/[A-Za-z0-9_-]+$/);
    await second.getByTestId('join-code').waitFor();
    expect(await second.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Atelier à reprendre',
    );
    const newCode = (await second.getByTestId('join-code').textContent())!.trim();
    expect(newCode).not.toBe(code);
    await expect
      .poll(() => second.getByText('Un guichet unique pour les familles').count())
      .toBeGreaterThan(0);
    expect(second.url()).not.toBe(first.url());
    await shot(second, 'import-console');
  });
});

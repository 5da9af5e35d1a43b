import { readFile } from 'node:fs/promises';
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

describe('sessions and downloads in the browser', () => {
  it('[SE6] [EX31] the console starts a session that every screen shows, and downloads the notes as a CSV for French Excel and the workshop as Markdown', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Bilan partagé');
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Aline', null);

    await console_.getByLabel('Nom de la séance (facultatif)').fill('Lancement');
    await console_.getByRole('button', { name: 'Commencer la séance' }).click();
    for (const page of [console_, projector, phone]) {
      await expect
        .poll(() => page.getByTestId('session-bar').textContent())
        .toContain('Séance en cours : Lancement');
    }
    await post(phone, 'Attentes', '=SOMME(1;2) et « guillemets »');
    await shot(console_, 'session-console');

    const [csv] = await Promise.all([
      console_.waitForEvent('download'),
      console_.getByRole('button', { name: 'Notes (CSV)' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe('bilan-partage-notes.csv');
    const bytes = await readFile((await csv.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    // ';' between cells (French Excel), the session's name, the note neutralised and quoted
    expect(lines[0]!.split(';').length).toBeGreaterThan(4);
    expect(lines[1]).toContain('Lancement');
    expect(lines[1]).toContain(`'=SOMME(1;2) et « guillemets »`);
    expect(text).not.toContain('Aline');

    const [md] = await Promise.all([
      console_.waitForEvent('download'),
      console_.getByRole('button', { name: 'Atelier (Markdown)' }).click(),
    ]);
    const markdown = await readFile((await md.path())!, 'utf8');
    expect(markdown).toContain('Bilan partagé');
    expect(markdown).toContain('SOMME');

    await console_.getByRole('button', { name: 'Terminer la séance' }).click();
    await expect
      .poll(() => projector.getByTestId('session-bar').textContent())
      .not.toContain('Séance en cours');
  });
});

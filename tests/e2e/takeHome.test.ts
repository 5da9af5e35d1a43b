import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
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
  it('[SE6] [EX31] the console starts a session that every screen shows, and downloads the notes as a CSV for French Excel (read back with a CSV parser), the priorities, the workshop as Markdown and as JSON', async () => {
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
    // read back as a spreadsheet would: ';' between cells (French Excel), CRLF, quotes
    const rows = parse(bytes.toString('utf8'), {
      bom: true,
      delimiter: ';',
      record_delimiter: '\r\n',
      columns: true,
    }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      Séance: 'Lancement',
      Étape: 'Définition',
      Colonne: 'Attentes',
      // the note neutralised against formula injection, its quotes kept
      Texte: `'=SOMME(1;2) et « guillemets »`,
    });
    expect(bytes.toString('utf8')).not.toContain('Aline');

    const [priorities] = await Promise.all([
      console_.waitForEvent('download'),
      console_.getByRole('button', { name: 'Priorités (CSV)' }).click(),
    ]);
    const header = parse(await readFile((await priorities.path())!, 'utf8'), {
      bom: true,
      delimiter: ';',
    }) as string[][];
    expect(header).toHaveLength(1);
    expect(header[0]).toEqual(
      expect.arrayContaining(['Rang', 'Titre', 'Points Borda', 'Responsable']),
    );

    const [json] = await Promise.all([
      console_.waitForEvent('download'),
      console_.getByRole('button', { name: 'Atelier (JSON)' }).click(),
    ]);
    expect(json.suggestedFilename()).toBe('bilan-partage-workshop.json');
    const doc = JSON.parse(await readFile((await json.path())!, 'utf8'));
    expect(doc).toMatchObject({ format: 'cocrea-workshop', version: 1 });
    expect(doc.workshop.title).toBe('Bilan partagé');
    expect(Object.values(doc.workshop.notes).map((n) => (n as { text: string }).text)).toEqual([
      '=SOMME(1;2) et « guillemets »',
    ]);

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

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { createFromHome, joinFromPhone, LAPTOP, openScreen, PHONE, post, shot } from './pages';

const e2e = useServerAndBrowser();

describe('the research export in the browser', () => {
  it('[EX49] the console downloads the research data, with full times or, the box ticked, dates only; the file names nobody', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Bilan partagé');
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    await joinFromPhone(phone, e2e.server.url, code, 'Aline', null);
    await post(phone, 'Attentes', 'Une attente signée');

    const research = async () => {
      const [file] = await Promise.all([
        console_.waitForEvent('download'),
        console_
          .getByRole('button', { name: 'Données de recherche (JSON dépersonnalisé)' })
          .click(),
      ]);
      expect(file.suggestedFilename()).toBe('bilan-partage-research.json');
      return readFile((await file.path())!, 'utf8');
    };
    await console_
      .getByRole('button', { name: 'Données de recherche (JSON dépersonnalisé)' })
      .scrollIntoViewIfNeeded();
    const full = await research();
    const doc = JSON.parse(full);
    expect(doc).toMatchObject({ format: 'cocrea-research', version: 1, times: 'iso' });
    expect(doc.participants).toEqual([{ pseudonym: 'P01', group: null, removed: false }]);
    expect(doc.notes.map((n: { text: string }) => n.text)).toEqual(['Une attente signée']);
    expect(doc.notes[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(full).not.toContain('Aline');

    await console_.getByRole('checkbox', { name: 'Dates seulement (sans l’heure)' }).check();
    await shot(console_, 'research-export-panel');
    const days = JSON.parse(await research());
    expect(days.times).toBe('day');
    expect(days.notes[0].time).toBe(doc.notes[0].time.slice(0, 10));
    expect(days.participants).toEqual(doc.participants);
  });
});

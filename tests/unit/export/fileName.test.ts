import { describe, expect, it } from 'vitest';
import { exportFileName } from '../../../src/lib/export/index';

describe('the name of a download', () => {
  it('[EX31] is the workshop’s title in plain ASCII letters, digits and dashes, then what it holds', () => {
    expect(exportFileName('Atelier santé & familles', 'notes.csv')).toBe(
      'atelier-sante-familles-notes.csv',
    );
    expect(exportFileName('  « Été 2026 » ! ', 'report.html')).toBe('ete-2026-report.html');
    expect(exportFileName('!!!', 'workshop.json')).toBe('atelier-workshop.json');
    expect(exportFileName('', 'research.json')).toBe('atelier-research.json');
  });

  it('[EX31] keeps at most 40 characters of the title, with no dash left where it was cut', () => {
    const title = `${'a'.repeat(39)} suite du titre`;
    expect(exportFileName(title, 'workshop.md')).toBe(`${'a'.repeat(39)}-workshop.md`);
    expect(exportFileName('b'.repeat(60), 'notes.csv')).toBe(`${'b'.repeat(40)}-notes.csv`);
  });
});

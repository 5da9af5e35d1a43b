import { describe, expect, it } from 'vitest';
import { translator } from '../../../src/lib/i18n';
import { sectorLabel } from '../../../src/lib/i18n/sectors';

const sectors = [{ id: 's1', label: 'Santé publique' }];

describe('sector labels', () => {
  it('[I18N6] a workshop sector shows its own label; the ids the projection adds show in the reader’s language', () => {
    const fr = translator('fr');
    const en = translator('en');
    expect(sectorLabel(fr, sectors, 's1')).toBe('Santé publique');
    expect(sectorLabel(en, sectors, 's1')).toBe('Santé publique');
    expect(sectorLabel(fr, sectors, 'none')).toBe(fr('board.sectorNone'));
    expect(sectorLabel(en, sectors, 'other')).toBe(en('themes.otherSectors'));
    expect(sectorLabel(fr, sectors, 'facilitator')).toBe(fr('console.byFacilitator'));
    expect(sectorLabel(fr, sectors, 'other')).not.toBe(sectorLabel(en, sectors, 'other'));
    // a sector removed since: its id, rather than nothing
    expect(sectorLabel(fr, sectors, 'gone')).toBe('gone');
  });
});

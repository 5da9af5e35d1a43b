import type { Translate } from './index';

/**
 * The label of a sector id as the screens show it: a workshop sector's own label, or one of the
 * ids the projection adds ('none': not said; 'other': small sectors merged; 'facilitator').
 */
export function sectorLabel(
  t: Translate,
  sectors: readonly { id: string; label: string }[],
  sector: string,
): string {
  if (sector === 'none') return t('board.sectorNone');
  if (sector === 'other') return t('themes.otherSectors');
  if (sector === 'facilitator') return t('console.byFacilitator');
  return sectors.find((s) => s.id === sector)?.label ?? sector;
}

import type { Workshop } from './model';

/** Fewer people than this in a sector and it is shown as "other sectors" (privacy). */
export const SMALL_SECTOR = 3;

/** A sector's share of something (a theme), sectors too small to show merged into "other". */
export interface SectorShare {
  /** A sector id, 'other' (small sectors together) or 'none' (prefer not to say). */
  sector: string;
  /** How many distinct people of that sector contributed. */
  people: number;
}

/**
 * Which sectors contributed notes to a theme, counted in people. A sector with fewer than three
 * participants in the whole workshop is merged into "other sectors", so that one patient
 * partner's notes can never be read off a per-sector figure; so is "prefer not to say".
 */
export function themeSectors(state: Workshop, themeId: string): SectorShare[] {
  const sizes = new Map<string, number>();
  for (const p of Object.values(state.participants)) {
    if (p.removedAt !== undefined) continue;
    const key = p.sector ?? 'none';
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  const bucketOf = (sector: string) => ((sizes.get(sector) ?? 0) < SMALL_SECTOR ? 'other' : sector);
  const people = new Map<string, Set<string>>();
  for (const note of Object.values(state.notes)) {
    if (note.themeId !== themeId || note.moderated || note.author.kind !== 'participant') continue;
    const author = state.participants[note.author.id];
    if (!author || author.removedAt !== undefined) continue;
    const bucket = bucketOf(author.sector ?? 'none');
    const set = people.get(bucket) ?? new Set<string>();
    set.add(author.id);
    people.set(bucket, set);
  }
  const order = state.sectors.map((s) => s.id as string);
  const rank = (s: string) =>
    s === 'other' ? order.length + 1 : s === 'none' ? order.length : order.indexOf(s);
  return [...people.entries()]
    .map(([sector, set]) => ({ sector, people: set.size }))
    .sort((a, b) => rank(a.sector) - rank(b.sector));
}

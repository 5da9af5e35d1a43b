import type { Note, Workshop } from './model';

/** No figure ever describes a group of fewer people than this on its own (privacy). */
export const MIN_GROUP = 3;

/** Group ids the domain adds to the workshop's sector ids. */
export const GROUP = {
  /** "Prefer not to say", when at least MIN_GROUP people chose it. */
  none: 'none',
  /** Small sectors (and a small "prefer not to say") together, when they hold MIN_GROUP people. */
  other: 'other',
  /** Notes written by whoever runs the room (column counts only: not a group of participants). */
  facilitator: 'facilitator',
} as const;

/** A group's share of something (a theme), counted in people. */
export interface SectorShare {
  /** A sector id, 'none' (prefer not to say) or 'other' (small sectors merged). */
  sector: string;
  /** How many distinct people of that group contributed. */
  people: number;
}

/** How the present participants are shown in per-sector figures. */
export interface ShownGroups {
  /** Participant id → the group their contributions count under. Absent: removed, or dropped. */
  readonly groupOf: ReadonlyMap<string, string>;
  /** Some present participant is in no shown group: their merged group is still too small. */
  readonly dropped: boolean;
  /** The shown groups in display order: the workshop's sectors, then 'none', then 'other'. */
  readonly order: readonly string[];
}

/**
 * The one place that decides which groups a per-sector figure may show. A sector (or "prefer not
 * to say") of at least MIN_GROUP present people is shown as itself; smaller ones are merged into
 * 'other'; and when 'other' still holds fewer than MIN_GROUP people, its members count in no
 * figure at all (one patient partner must never be readable as "other 1").
 */
export function shownGroups(state: Workshop): ShownGroups {
  // State is immutable: the same participants and sectors give the same groups. Every note
  // written asks (K11), so a log of 5,000 notes in a room of 500 would count the room 5,000 times.
  const known = groupsOf.get(state.participants);
  if (known && known.sectors === state.sectors) return known.groups;
  const groups = countGroups(state);
  groupsOf.set(state.participants, { sectors: state.sectors, groups });
  return groups;
}

const groupsOf = new WeakMap<
  Workshop['participants'],
  { sectors: Workshop['sectors']; groups: ShownGroups }
>();

function countGroups(state: Workshop): ShownGroups {
  const present = Object.values(state.participants).filter((p) => p.removedAt === undefined);
  const sizes = new Map<string, number>();
  for (const p of present) {
    const key = p.sector ?? GROUP.none;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  const merged = (key: string) => (sizes.get(key) ?? 0) < MIN_GROUP;
  let otherSize = 0;
  for (const [key, size] of sizes) if (merged(key)) otherSize += size;
  const otherShown = otherSize >= MIN_GROUP;
  const groupOf = new Map<string, string>();
  let dropped = false;
  for (const p of present) {
    const key = p.sector ?? GROUP.none;
    if (!merged(key)) groupOf.set(p.id, key);
    else if (otherShown) groupOf.set(p.id, GROUP.other);
    else dropped = true;
  }
  const order = [...state.sectors.map((s) => s.id as string), GROUP.none].filter(
    (key) => !merged(key),
  );
  if (otherShown) order.push(GROUP.other);
  return { groupOf, dropped, order };
}

/**
 * A note as it must be kept from the moment it is written: anonymous if its board is anonymous
 * then, and otherwise under the group its author counts in then (K11). `addNote` and `apply` both
 * go through it, so a log written before notes carried these replays to the same notes (lifting
 * anonymity later must name nobody).
 *
 * Why the group is taken at writing, not looked up later: who is in the room changes (late
 * arrivals, removals), and with it how people are grouped. Had figures followed the room, two
 * newcomers who wrote nothing could lift a lone patient partner into an "other sectors" of three
 * and show their earlier notes as "other 1"; a removal would take exactly the removed person's
 * contributions out of each figure. A note's group is a group of three or more people at the
 * moment it was written, and stays so.
 */
export function recordedNote(state: Workshop, note: Note): Note {
  const next: Note = { ...note };
  delete next.group;
  if (state.boards[note.boardId]?.anonymous) next.anonymous = true;
  if (!next.anonymous && note.author.kind === 'participant') {
    const group = shownGroups(state).groupOf.get(note.author.id);
    if (group !== undefined) next.group = group;
  }
  return next;
}

/**
 * A note after its text was changed: text written while its board is anonymous is anonymous for
 * good, like a note written then (a note signed earlier loses its name, and its group, rather
 * than have the new words named once the setting is lifted). Otherwise it keeps the group of its
 * first writing.
 */
export function editedNote(state: Workshop, note: Note, text: string, at: number): Note {
  const next: Note = { ...note, text, updatedAt: at };
  if (state.boards[note.boardId]?.anonymous && !next.anonymous) {
    next.anonymous = true;
    delete next.group;
  }
  return next;
}

/**
 * The group a note counts under in a per-sector figure, or null when it counts in none: written
 * anonymously, by the facilitator, by someone whose group was too small to show when they wrote
 * it, or recorded under a group that is not shown now (it shrank under three present people:
 * then all of its notes step out together, and come back together, which singles out nobody).
 * A removed participant's notes count as they were recorded.
 */
export function noteGroup(groups: ShownGroups, note: Note): string | null {
  if (note.anonymous || note.author.kind !== 'participant' || note.group === undefined) {
    return null;
  }
  return groups.order.includes(note.group) ? note.group : null;
}

/**
 * Who contributed to some notes of one board (a theme's, as one audience sees them), counted in
 * people per shown group. Nothing on an anonymous board: a figure that moves when one note is
 * grouped names its sector. Nothing either until at least MIN_GROUP people have contributed
 * notes that count: otherwise a theme holding only the notes of a dropped group would be the one
 * theme without figures, and that absence would name them. So the notes of a dropped group, or
 * written anonymously, never change any figure.
 */
export function sectorShares(
  state: Workshop,
  boardId: string,
  notes: Iterable<Note>,
  groups: ShownGroups = shownGroups(state),
): SectorShare[] {
  if (state.boards[boardId]?.anonymous !== false) return [];
  const people = new Map<string, Set<string>>();
  const everyone = new Set<string>();
  for (const note of notes) {
    const group = noteGroup(groups, note);
    if (group === null || note.author.kind !== 'participant') continue;
    const set = people.get(group) ?? new Set<string>();
    set.add(note.author.id);
    everyone.add(note.author.id);
    people.set(group, set);
  }
  if (everyone.size < MIN_GROUP) return [];
  return groups.order
    .filter((group) => people.has(group))
    .map((group) => ({ sector: group, people: people.get(group)!.size }));
}

/** A theme's sector figures, over all its notes or only those an audience sees (`visible`). */
export function themeSectors(
  state: Workshop,
  themeId: string,
  visible: (note: Note) => boolean = () => true,
  groups: ShownGroups = shownGroups(state),
): SectorShare[] {
  const theme = state.themes?.[themeId];
  if (!theme) return [];
  const members = Object.values(state.notes).filter((n) => n.themeId === themeId && visible(n));
  return sectorShares(state, theme.boardId, members, groups);
}

/**
 * Notes per column and shown group (plus 'facilitator'), moderated notes left out: what the
 * console shows of a board during silent writing. Undefined (no breakdown at all) on an
 * anonymous board; on every board while a group is dropped; and on a board holding a note by a
 * participant, not anonymous, that counts in no group (written from a group too small to show,
 * or recorded under one that is not shown now). The column totals are shown next to it, and
 * total minus the shown groups would be exactly those people's notes. Whether it is withheld
 * depends on who is in the room and what was written before, never on the note just written, so
 * its coming and going names nobody. What the breakdown leaves out is then only notes written
 * anonymously, which carry no sector anyone may read.
 */
export function columnSectorCounts(
  state: Workshop,
  boardId: string,
  groups: ShownGroups = shownGroups(state),
  notes: Iterable<Note> = Object.values(state.notes),
): Record<string, Record<string, number>> | undefined {
  const board = state.boards[boardId];
  if (!board || board.anonymous || groups.dropped) return undefined;
  const byColumn = new Map<string, Map<string, number>>();
  for (const note of notes) {
    if (note.boardId !== boardId || note.moderated) continue;
    if (note.anonymous) continue;
    const group = note.author.kind === 'facilitator' ? GROUP.facilitator : noteGroup(groups, note);
    if (group === null) return undefined;
    const column = byColumn.get(note.columnId) ?? new Map<string, number>();
    column.set(group, (column.get(group) ?? 0) + 1);
    byColumn.set(note.columnId, column);
  }
  const order = [...groups.order, GROUP.facilitator];
  const result: Record<string, Record<string, number>> = {};
  for (const column of board.columns) {
    const counts = byColumn.get(column.id);
    if (!counts) continue;
    result[column.id] = Object.fromEntries(
      order.filter((g) => counts.has(g)).map((g) => [g, counts.get(g)!]),
    );
  }
  return result;
}

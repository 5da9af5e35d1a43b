/** What every export reads the same way: sessions, group labels, the order of things, figures. */
import { dotTotals } from '../domain/commands/decisionMath';
import { GROUP, MIN_GROUP, noteGroup, shownGroups } from '../domain/aggregate';
import { rankShortlist, type Ranking } from '../domain/aggregate/ranking';
import { sessionsOf } from '../domain/commands/sessions';
import {
  STAGES,
  type Language,
  type Note,
  type Participant,
  type Workshop,
  type WorkshopSession,
} from '../domain/model';
import { WORDS } from './words';

/** A session as the exports read it (the domain's). */
export type ExportSession = WorkshopSession;

/** The workshop's sessions in order; one covering the past when none was started (sessionsOf). */
export function exportSessions(state: Workshop): ExportSession[] {
  return sessionsOf(state);
}

/** One session's attendance, counted per sector group under the k = 3 rule. */
export interface SessionAttendance {
  sessionId: string;
  /** Everyone recorded as present (removed participants included: they were there). */
  total: number;
  /** Those of them removed since: their sector is erased, so they count in no group. */
  removed: number;
  /** Shown groups in order (the workshop's sectors, 'none', then 'other'), each of 3 or more. */
  groups: { group: string; count: number }[];
  /**
   * No breakdown at all: the people of small sectors, together, are still fewer than three, and
   * the total minus the shown groups would give their number (as sectorSupport withholds).
   */
  withheld: boolean;
}

/**
 * Who attended a session, per sector group of that session (the report and the research data
 * alike). A sector (or "prefer not to say") with at least MIN_GROUP people present is shown as
 * itself; smaller ones are merged into 'other'; when 'other' then holds one or two people, no
 * group is shown (the total is). Never a group under three, in any session: a session's notes
 * carry its name, so a group of one there would name whose they are.
 */
export function attendanceByGroup(state: Workshop, session: WorkshopSession): SessionAttendance {
  const known = new Set(state.sectors.map((s) => s.id as string));
  const attended = [...new Set(session.attendance)];
  const present = attended
    .map((id) => state.participants[id])
    .filter((p): p is Participant => p !== undefined && p.removedAt === undefined);
  const sizes = new Map<string, number>();
  for (const p of present) {
    const key = p.sector !== null && known.has(p.sector) ? p.sector : GROUP.none;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  let other = 0;
  for (const size of sizes.values()) if (size < MIN_GROUP) other += size;
  const base = {
    sessionId: session.id,
    total: attended.length,
    removed: attended.length - present.length,
  };
  if (other > 0 && other < MIN_GROUP) return { ...base, groups: [], withheld: true };
  const groups = [...state.sectors.map((s) => s.id as string), GROUP.none]
    .filter((key) => (sizes.get(key) ?? 0) >= MIN_GROUP)
    .map((group) => ({ group, count: sizes.get(group)! }));
  if (other > 0) groups.push({ group: GROUP.other, count: other });
  return { ...base, groups, withheld: false };
}

/** The name a session is shown under: its label, or "Séance n" after its place. */
export function sessionName(language: Language, sessions: ExportSession[], id: string): string {
  const index = Math.max(
    0,
    sessions.findIndex((x) => x.id === id),
  );
  const session = sessions[index];
  return session?.label ? session.label : WORDS[language].session(index + 1);
}

/** The session a note, theme or candidate came from: its own, or the first one (older data). */
export function sessionOf(item: object, sessions: ExportSession[]): string {
  const id = (item as { sessionId?: string }).sessionId;
  return id !== undefined && sessions.some((x) => x.id === id) ? id : sessions[0]!.id;
}

/** A shown group's label: a sector's own, 'none' and 'other' in words (the workshop's language by default). */
export function groupLabel(state: Workshop, group: string, language = state.language): string {
  const words = WORDS[language];
  if (group === GROUP.none) return words.groupNone;
  if (group === GROUP.other) return words.groupOther;
  return state.sectors.find((x) => x.id === group)?.label ?? group;
}

/**
 * The group a note may be shown under, or null: only a group recorded when it was written and
 * still shown (k = 3), never for an anonymous note or one by whoever runs the room.
 */
export function noteGroupOf(state: Workshop): (note: Note) => string | null {
  const groups = shownGroups(state);
  return (note) => noteGroup(groups, note);
}

/** The boards in the order of their stages, then their place in the stage. */
export function boardsInOrder(state: Workshop) {
  return STAGES.flatMap((stage) =>
    state.stages[stage].boardIds.map((id) => state.boards[id]).filter((b) => b !== undefined),
  );
}

/**
 * Notes shown to anyone (moderated ones left out), per board, by column, then time, then id. One
 * pass over the notes for all boards: an export asks for every board, and filtering the 5,000
 * notes once per board cost more than the rest of the notes' CSV.
 */
export function visibleNotesOf(state: Workshop): (boardId: string) => readonly Note[] {
  const byBoard = new Map<string, Note[]>();
  for (const note of Object.values(state.notes)) {
    if (note.moderated) continue;
    const notes = byBoard.get(note.boardId);
    if (notes) notes.push(note);
    else byBoard.set(note.boardId, [note]);
  }
  for (const [boardId, notes] of byBoard) {
    const columnIndex = new Map(
      state.boards[boardId]?.columns.map((c, i) => [c.id as string, i]) ?? [],
    );
    notes.sort(
      (a, b) =>
        (columnIndex.get(a.columnId) ?? 0) - (columnIndex.get(b.columnId) ?? 0) ||
        a.createdAt - b.createdAt ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }
  return (boardId) => byBoard.get(boardId) ?? [];
}

/** Some notes split by theme in one pass, each part in their order; `undefined`: outside any theme. */
export function notesByTheme(
  notes: readonly Note[],
): (themeId: string | undefined) => readonly Note[] {
  const parts = new Map<string | undefined, Note[]>();
  for (const note of notes) {
    const part = parts.get(note.themeId);
    if (part) part.push(note);
    else parts.set(note.themeId, [note]);
  }
  return (themeId) => parts.get(themeId) ?? [];
}

/** The themes of a board, oldest first. */
export function themesOf(state: Workshop, boardId: string) {
  return Object.values(state.themes ?? {})
    .filter((t) => t.boardId === boardId)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/**
 * Découverte's links: each barrier theme (on a Découverte board, oldest first) with the titles of
 * the themes linked to it as its enablers; barriers without any left out.
 */
export function discoverLinks(state: Workshop): { barrier: string; enablers: string[] }[] {
  const title = (id: string) => state.themes?.[id]?.title;
  return Object.values(state.themes ?? {})
    .filter((t) => state.boards[t.boardId]?.stage === 'discover')
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map((t) => ({
      barrier: t.title,
      enablers: t.answeredBy.map(title).filter((x) => x !== undefined),
    }))
    .filter((l) => l.enablers.length > 0);
}

/**
 * Décision's figures: dot totals and the ranking's result, each once its vote is closed and
 * revealed, and null until then (`pending` says a vote exists whose figures wait). An export is
 * a file that travels: while a vote runs, a figure that moves when one person casts would tell
 * who cast what, and the room sees turnout only (DC's secrecy); the console's peek is for the
 * screen of whoever runs the room, not for a file.
 */
export interface DecisionFigures {
  dots: Record<string, number> | null;
  ranking: Ranking | null;
  dotsPending: boolean;
  rankingPending: boolean;
}

function revealed<T extends { status: 'open' | 'closed'; revealed: boolean }>(
  vote: T | undefined,
): vote is T {
  return vote !== undefined && vote.status === 'closed' && vote.revealed;
}

export function decisionFigures(state: Workshop): DecisionFigures {
  const dots = revealed(state.dotVote) ? dotTotals(state) : null;
  const ranking = revealed(state.ranking)
    ? rankShortlist(
        state.ranking.items,
        Object.entries(state.rankings ?? {}).map(([voter, order]) => ({
          voter,
          order,
          group: state.participants[voter]?.sector ?? null,
        })),
      )
    : null;
  return {
    dots,
    ranking,
    dotsPending: state.dotVote !== undefined && dots === null,
    rankingPending: state.ranking !== undefined && ranking === null,
  };
}

export type CsvSeparator = ';' | ',';

/**
 * A CSV's separator when none is chosen: ';' in French (Excel's list separator there, the comma
 * being the decimal mark), ',' in English. Here rather than in csv.ts so that the console's
 * export panel follows the same rule without bundling the CSV writer.
 */
export function defaultSeparator(language: Language): CsvSeparator {
  return language === 'fr' ? ';' : ',';
}

/** A number for people to read: at most `digits` decimals, the language's decimal mark. */
export function formatNumber(value: number, language: Language, digits = 3): string {
  const text = String(Number(value.toFixed(digits)));
  return language === 'fr' ? text.replace('.', ',') : text;
}

/** A time as a spreadsheet reads it: "2026-11-26 09:30:00", UTC. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A download's name: `<title>-<what>.<ext>` for `what.ext`, the title in plain ASCII letters,
 * digits and dashes (accents dropped, at most 40 characters, no dash at either end), `atelier`
 * when nothing of it is left.
 */
export function exportFileName(title: string, format: `${string}.${string}`): string {
  const slug =
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 40)
      .replace(/^-+|-+$/g, '') || 'atelier';
  const [what, ext] = format.split('.') as [string, string];
  return `${slug}-${what}.${ext}`;
}

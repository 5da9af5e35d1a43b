/**
 * CSV for spreadsheets (French Excel first): UTF-8 with a byte order mark (without it Excel reads
 * the file as Windows-1252), CRLF line ends, the separator chosen by the caller, and quoting left
 * to csv-stringify. Every cell that starts with =, +, -, @, a tab or a carriage return gets a
 * leading apostrophe (the OWASP rule for CSV injection): a spreadsheet would otherwise run it as
 * a formula, and note text is written by anyone in the room.
 */
import { stringify } from 'csv-stringify/sync';
import type { Workshop } from '../domain/model';
import {
  boardsInOrder,
  decisionFigures,
  defaultSeparator,
  type CsvSeparator,
  exportSessions,
  formatNumber,
  formatTime,
  groupLabel,
  noteGroupOf,
  sessionName,
  sessionOf,
  visibleNotesOf,
} from './common';
import { WORDS } from './words';

export type { CsvSeparator } from './common';
export { defaultSeparator } from './common';

export interface CsvOptions {
  /** Absent: ';' in French (Excel's list separator there, the comma being the decimal mark), ',' in English. */
  separator?: CsvSeparator;
}

const DANGEROUS = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will show as text, never run. */
export function neutralise(cell: string): string {
  return DANGEROUS.test(cell) ? `'${cell}` : cell;
}

/** Rows of text to a CSV file's text (BOM, CRLF, every cell neutralised). */
export function toCsv(rows: readonly (readonly string[])[], separator: CsvSeparator): string {
  return stringify(
    rows.map((row) => row.map(neutralise)),
    { bom: true, delimiter: separator, record_delimiter: '\r\n' },
  );
}

/**
 * The innovation priorities, one row each in their order, with the figures of the ranking they
 * came from (none when the ranking was cancelled since) and Borda points per shown sector group:
 * one column per group of three voters or more, no column at all while sectorSupport withholds
 * them (the k = 3 rule: see RK's support).
 */
export function prioritiesCsv(state: Workshop, options: CsvOptions = {}): string {
  const language = state.language;
  const words = WORDS[language].priorities;
  const { dots, ranking } = decisionFigures(state);
  const groups = ranking?.support.groups ?? [];
  const header = [
    words.rank,
    words.title,
    words.description,
    words.borda,
    words.meanRank,
    words.approval,
    words.dots,
    words.agreement,
    ...groups.map((g) => words.support(groupLabel(state, g.group))),
    words.owner,
    words.nextStep,
    words.horizon,
    words.status,
    words.sources,
  ];
  const n = (value: number | null | undefined) =>
    value === null || value === undefined ? '' : formatNumber(value, language);
  const rows = (state.priorityOrder ?? [])
    .map((id) => state.priorities?.[id])
    .filter((p) => p !== undefined)
    .map((p) => {
      const item = ranking?.items.find((i) => i.id === p.candidateId);
      return [
        String(p.rank),
        p.title,
        p.description,
        n(item?.borda),
        n(item?.meanRank),
        n(item?.approval),
        n(dots?.[p.candidateId]),
        item ? n(ranking?.agreement) : '',
        ...groups.map((g) => n(item ? g.borda[item.id] : null)),
        p.owner,
        p.nextStep,
        p.horizon,
        WORDS[language].status[p.status],
        p.sources
          .filter((x) => x.kind === 'theme')
          .map((x) => x.title)
          .join(' | '),
      ];
    });
  return toCsv([header, ...rows], options.separator ?? defaultSeparator(language));
}

/**
 * Every note shown to anyone (moderated ones left out), by stage, board, column and time, without
 * any name: the group is the one recorded when it was written, and only while that group is
 * shown (k = 3); an anonymous note, or one by whoever runs the room, has none.
 */
export function notesCsv(state: Workshop, options: CsvOptions = {}): string {
  const language = state.language;
  const words = WORDS[language];
  const sessions = exportSessions(state);
  const groupOf = noteGroupOf(state);
  const header = [
    words.notes.session,
    words.notes.stage,
    words.notes.board,
    words.notes.column,
    words.notes.theme,
    words.notes.text,
    words.notes.group,
    words.notes.time,
  ];
  const rows: string[][] = [];
  const visibleNotes = visibleNotesOf(state);
  for (const board of boardsInOrder(state)) {
    for (const note of visibleNotes(board.id)) {
      const group = groupOf(note);
      rows.push([
        sessionName(language, sessions, sessionOf(note, sessions)),
        words.stage[board.stage],
        board.title,
        board.columns.find((c) => c.id === note.columnId)?.title ?? '',
        note.themeId ? (state.themes?.[note.themeId]?.title ?? '') : '',
        note.text,
        group === null ? '' : groupLabel(state, group),
        formatTime(note.createdAt),
      ]);
    }
  }
  return toCsv([header, ...rows], options.separator ?? defaultSeparator(language));
}

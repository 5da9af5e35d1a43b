/** The workshop's exports: pure functions of its state (no I/O); the server serves them. */
export { defaultSeparator, neutralise, notesCsv, prioritiesCsv, toCsv } from './csv';
export type { CsvOptions, CsvSeparator } from './csv';
export { escapeMarkdown, workshopMarkdown } from './markdown';
export {
  EXPORT_FORMAT,
  EXPORT_SCHEMA,
  EXPORT_VERSION,
  importWorkshop,
  workshopJson,
  type ExportedWorkshop,
  type ImportedWorkshop,
  type WorkshopExport,
} from './json';
export {
  attendanceByGroup,
  exportFileName,
  exportSessions,
  type ExportSession,
  type SessionAttendance,
} from './common';
export { escapeHtml, PAPERS, workshopReport, type Paper, type ReportOptions } from './report';
export {
  RESEARCH_FORMAT,
  RESEARCH_VERSION,
  researchExport,
  type ResearchExport,
  type ResearchOptions,
} from './research';

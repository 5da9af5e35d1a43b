/** The pure domain core: the model, commands, events and the rules that link them. */
export * from './model';
export * from './errors';
export type { WorkshopEvent } from './events';
export type {
  BoardSetting,
  Command,
  CommandType,
  CommandOf,
  ServerOnlyCommandType,
} from './commands/types';
export { checkStatementWrite, statementsInOrder, statementWritten } from './commands/statements';
export { candidatesInOrder } from './commands/candidates';
export { ballotDots, currentShortlist, defaultBudget } from './commands/dotVote';
export { computedShortlist, dotTotals, rankingOrder } from './commands/decisionMath';
export { prioritiesInOrder } from './commands/priorities';
export { EMPTY_REPORT, reportOf } from './commands/report';
export type { PriorityChanges } from './events';
export { DECISION_EVENT_TYPES } from './events';
export { BOARD_SETTINGS } from './commands/types';
export type { Decision } from './commands/decision';
export { decide, apply, execute } from './decide';
export { replayer } from './applyAll';
export { dayOf, inSession, PAST_SESSION, sessionIdOf, sessionsOf } from './commands/sessions';
export { checkInvariants } from './invariants';
export { DEFAULT_SECTORS } from './template';
export { QUESTION_GUIDE } from './guide';
export { textLength } from './text';
export { timerRemaining, STOPPED_TIMER, TIMER_LIMITS, type Timer } from './timer';
export { TIMER_ACTIONS, type TimerAction } from './commands/types';
export {
  columnSectorCounts,
  editedNote,
  GROUP,
  MIN_GROUP,
  noteGroup,
  recordedNote,
  sectorShares,
  shownGroups,
  themeSectors,
  type SectorShare,
  type ShownGroups,
} from './aggregate';
export * from './aggregate/ranking';

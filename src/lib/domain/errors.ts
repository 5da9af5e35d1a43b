/** Error codes the domain and the transport return, each with a default human message (English). */
export const ERRORS = {
  BAD_REQUEST: 'The request is malformed.',
  UNSUPPORTED_PROTOCOL: 'This page is out of date: reload it.',
  NOT_FOUND: 'No workshop matches this link or code.',
  WORKSHOP_DELETED: 'This workshop was deleted by its facilitator.',
  WORKSHOP_EXPIRED:
    'This workshop was erased: it had been inactive longer than this server keeps workshops.',
  NOT_ALLOWED: 'You are not allowed to do this.',
  NOT_JOINED: 'Join the workshop first.',
  ALREADY_JOINED: 'This device has already joined the workshop.',
  UNKNOWN_REJOIN_CODE: 'No participant has this personal code.',
  JOINING_CLOSED: 'Joining this workshop is closed.',
  UNKNOWN_PARTICIPANT: 'There is no such participant.',
  UNKNOWN_LINK: 'There is no such co-facilitator link.',
  TOO_MANY_LINKS: 'The limit of co-facilitator links has been reached.',
  TOO_MANY_ATTEMPTS: 'Too many attempts: wait a moment and try again.',
  RATE_LIMITED: 'Too many commands at once: slow down a little.',
  CREATE_TOKEN_REQUIRED: 'Creating a workshop on this server needs the creation token.',
  WORKSHOP_FULL: 'The workshop has reached its number of participants.',
  UNKNOWN_SECTOR: 'This sector is not on the workshop list.',
  UNKNOWN_STAGE: 'There is no such stage.',
  UNKNOWN_BOARD: 'There is no such board.',
  UNKNOWN_COLUMN: 'There is no such column.',
  UNKNOWN_NOTE: 'This note no longer exists.',
  BOARD_NOT_ACTIVE: 'This board is not part of the current stage.',
  BOARD_LOCKED: 'This board is locked: no new notes or changes for now.',
  UNKNOWN_SETTING: 'There is no such board setting.',
  BAD_DURATION: 'A timer lasts from one second to four hours.',
  UNKNOWN_THEME: 'There is no such theme.',
  NOTE_ELSEWHERE: 'This note is on another board than the theme.',
  DUPLICATE_NOTE: 'The same note is listed twice.',
  TOO_MANY_THEMES: 'This board cannot have more themes.',
  BOARD_HIDDEN: 'The notes of this board are not revealed yet.',
  NOT_A_STACK: 'A note cannot be stacked on itself or on a stacked note.',
  TOO_MANY_BOARDS: 'This stage cannot have more boards.',
  NOT_YOUR_NOTE: 'You can only change your own notes.',
  EMPTY_TEXT: 'The text is empty.',
  TEXT_TOO_LONG: 'The text is too long.',
  TOO_MANY_NOTES: 'The limit of notes has been reached.',
  TOO_MANY_COLUMNS: 'A board cannot have more columns.',
  LAST_COLUMN: 'A board needs at least one column.',
  DUPLICATE_SECTOR: 'Two sectors have the same name.',
  UNKNOWN_STATEMENT: 'There is no such vision statement.',
  SESSION_RUNNING: 'A session is under way: end it first.',
  NO_SESSION: 'No session is under way.',
  UNKNOWN_SESSION: 'There is no such session.',
  BAD_DATE: 'A date is written YYYY-MM-DD.',
  TOO_MANY_SESSIONS: 'This workshop cannot have more sessions.',
  TOO_MANY_REPORT_ITEMS: 'A list of the report cannot hold more items.',
  TOO_MANY_STATEMENTS: 'This workshop cannot have more vision statements.',
  STATEMENT_LOCKED: 'This statement is locked: nobody writes in it for now.',
  STATEMENT_NOT_ACTIVE: 'Vision statements are written during the Dream stage.',
  STATEMENT_TOO_LONG: 'The statement is too long.',
  UNKNOWN_CANDIDATE: 'There is no such candidate.',
  TOO_MANY_CANDIDATES: 'This workshop cannot have more candidates.',
  UNKNOWN_SOURCE: 'A source of this candidate does not exist (or is hidden by moderation).',
  NO_DOT_VOTE: 'No dot vote is under way.',
  DOT_VOTE_EXISTS: 'A dot vote is already under way: reopen or cancel it first.',
  DOT_VOTE_CLOSED: 'The dot vote is closed.',
  DOT_VOTE_OPEN: 'Close the dot vote first.',
  NOT_ENOUGH_CANDIDATES: 'A vote needs at least two candidates.',
  BAD_DOT_RULES: 'A budget is 1 to 50 dots, and the cap per candidate 1 to 10.',
  OVER_DOT_BUDGET: 'You have no dots left: take some off another candidate first.',
  OVER_DOT_CAP: 'That is more dots than one candidate may get.',
  DOT_RULES_TOO_TIGHT: 'Someone has already placed more dots than these rules allow.',
  BAD_SHORTLIST: 'A shortlist has 2 to 10 different candidates.',
  RANKING_EXISTS: 'A ranking is under way: cancel it first.',
  NO_RANKING: 'No ranking is under way.',
  RANKING_CLOSED: 'The ranking is closed.',
  RANKING_OPEN: 'Close the ranking first.',
  BAD_RANKING: 'A ranking lists candidates of the shortlist, each once.',
  RANKING_NOT_REVEALED: 'Reveal the ranking first.',
  PRIORITIES_EXIST: 'There are priorities already: replace them or edit them.',
  UNKNOWN_PRIORITY: 'There is no such priority.',
  REASON_REQUIRED: 'Say why this priority moves.',
  INTERNAL: 'Something went wrong on the server. Try again.',
  RESTARTING: 'The server is restarting: this is sent again by itself in a moment.',
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An expected failure: a code the client can translate, and a message for humans. */
export interface DomainError {
  code: ErrorCode;
  message: string;
}

export function fail(
  code: ErrorCode,
  message: string = ERRORS[code],
): { ok: false; error: DomainError } {
  return { ok: false, error: { code, message } };
}

/** A result of a decision: what happened, or why not. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

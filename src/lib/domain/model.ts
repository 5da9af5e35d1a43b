/** The workshop model: plain, serialisable data. No I/O, no UI, no transport. */

import type { Timer } from './timer';

/** The four appreciative-inquiry stages, in their fixed order. */
export const STAGES = ['define', 'discover', 'dream', 'decide'] as const;
export type StageId = (typeof STAGES)[number];

export const LANGUAGES = ['fr', 'en'] as const;

/** How a new workshop starts: the full four stages, a Découverte-only session, or empty. */
export const TEMPLATES = ['fourStages', 'discoverOnly', 'blank'] as const;
export type TemplateId = (typeof TEMPLATES)[number];
export type Language = (typeof LANGUAGES)[number];

export type WorkshopId = string & { readonly __brand: 'WorkshopId' };
export type ParticipantId = string & { readonly __brand: 'ParticipantId' };
export type BoardId = string & { readonly __brand: 'BoardId' };
export type ColumnId = string & { readonly __brand: 'ColumnId' };
export type NoteId = string & { readonly __brand: 'NoteId' };
export type SectorId = string & { readonly __brand: 'SectorId' };

/** Limits that the domain enforces whatever the transport. */
export const LIMITS = {
  titleLength: 120,
  questionLength: 500,
  promptLength: 500,
  columnTitleLength: 60,
  columnsPerBoard: 8,
  themeTitleLength: 80,
  boardTitleLength: 80,
  boardsPerStage: 6,
  objectivesLength: 1000,
  themesPerBoard: 60,
  sectorLabelLength: 60,
  sectorsPerWorkshop: 12,
  nameLength: 40,
  linkLabelLength: 60,
  coFacilitatorLinks: 20,
  noteLength: 280,
  notesPerParticipant: 200,
  notesPerWorkshop: 5000,
  participantsPerWorkshop: 500,
  sessionLabelLength: 60,
  /** The report's "who presented / facilitated / took notes" lines. */
  reportPeopleLength: 300,
  /** The report's lists (other relevant information, key messages): items and their length. */
  reportListItems: 20,
  reportItemLength: 500,
  sessionsPerWorkshop: 100,
  statementsPerWorkshop: 20,
  statementTitleLength: 120,
  /** In UTF-16 code units (JS string length), as Y.Text counts: see checkStatementWrite. */
  statementLength: 1000,
  candidatesPerWorkshop: 30,
  candidateTitleLength: 120,
  candidateDescriptionLength: 1000,
  sourcesPerCandidate: 20,
  /** A dot budget is 1..dotBudgetMax dots; a cap per candidate 1..dotCapMax. */
  dotBudgetMax: 50,
  dotCapMax: 10,
  shortlistMin: 2,
  shortlistMax: 10,
  priorityOwnerLength: 80,
  priorityNextStepLength: 280,
  priorityHorizonLength: 60,
  moveReasonLength: 280,
} as const;

/** A sector a participant may say they belong to. */
export interface Sector {
  id: SectorId;
  label: string;
}

export interface Column {
  id: ColumnId;
  title: string;
}

/** A board belongs to one stage and holds notes in columns. */
export interface Board {
  id: BoardId;
  stage: StageId;
  title: string;
  columns: Column[];
  /** Silent writing: each participant sees only their own notes until the facilitator reveals. */
  hidden: boolean;
  /** No new notes or edits from participants. */
  locked: boolean;
  /** Nobody, the facilitator included, sees who wrote which note. */
  anonymous: boolean;
  /** Participants may group notes into themes too (after the reveal). Absent: no. */
  participantsGroup?: boolean;
}

/** A group of notes on one board: what Décision will vote on. */
export interface Theme {
  id: string;
  boardId: BoardId;
  title: string;
  createdAt: number;
  /** Themes (of any board) that answer this one, e.g. facilitators that lift a barrier. */
  answeredBy: string[];
  /** The session it was made in (absent: the first). */
  sessionId?: string;
  /** The participant who created it; absent: whoever runs the room did. */
  createdBy?: ParticipantId;
}

export interface Stage {
  id: StageId;
  prompt: string;
  boardIds: BoardId[];
}

/** Who wrote a note: a participant, or the facilitator on behalf of the room. */
export type Author = { kind: 'participant'; id: ParticipantId } | { kind: 'facilitator' };

export interface Note {
  id: NoteId;
  boardId: BoardId;
  columnId: ColumnId;
  author: Author;
  text: string;
  createdAt: number;
  updatedAt: number;
  /** Hidden by the facilitator (moderation): kept, but shown to nobody but the facilitator. */
  moderated?: boolean;
  /** The theme it was grouped into. */
  themeId?: string;
  /** A duplicate lies stacked under this note (and follows it into themes). */
  stackedOn?: NoteId;
  /**
   * Written while its board was anonymous: its author is never shown, and it counts in no
   * per-sector figure, even after the board stops being anonymous.
   */
  anonymous?: true;
  /**
   * The group its author counted in when it was written (a sector id, 'none' or 'other'); it
   * counts there in per-sector figures for good. Absent: it counts in none (written anonymously,
   * by whoever runs the room, or while its author's group was too small to show).
   */
  group?: string;
  /** The session (meeting) it was written in; absent: the first session (see sessionsOf). */
  sessionId?: string;
}

/**
 * One meeting of a workshop (a workshop runs over several, months apart). Started and ended from
 * the console; whoever was connected while it ran is in its attendance.
 */
export interface WorkshopSession {
  id: string;
  /** May be empty ("Séance 2" is shown then). */
  label: string;
  /** The day it took place, YYYY-MM-DD (the facilitator's, or the server's day at the start). */
  date: string;
  startedAt: number;
  endedAt?: number;
  /** Participant ids connected at some point while it ran, in the order they came. */
  attendance: string[];
}

/**
 * A vision statement (Devenir), written by several people at once in the workshop's writable Yjs
 * room. That room's history is the authority for `text`: the domain only mirrors the text each
 * accepted update leaves (statementWritten), so every other reader needs no Yjs.
 */
export interface VisionStatement {
  id: string;
  /** A short title or prompt ("Dans trois ans, chaque personne…"). */
  title: string;
  text: string;
  /** Nobody writes in it, the facilitator included, until it is unlocked. */
  locked: boolean;
  createdAt: number;
  /** The session it was made in (absent: the first). */
  sessionId?: string;
  /** When its text last changed; absent until someone writes. */
  updatedAt?: number;
}

/** What a candidate came from: a theme (any board), a note (an idea) or a vision statement. */
export type SourceKind = 'theme' | 'note' | 'statement';
export const SOURCE_KINDS: readonly SourceKind[] = ['theme', 'note', 'statement'];

/**
 * A source as the candidate keeps it: the id, and a copy of its title (a note's text) taken when
 * the candidate was made, so that its "why" stays readable after the source is renamed or deleted.
 */
export interface CandidateSource {
  kind: SourceKind;
  id: string;
  title: string;
}

/** Something the room may vote on (Décision), made by whoever runs the room. */
export interface Candidate {
  id: string;
  title: string;
  /** May be empty. */
  description: string;
  sources: CandidateSource[];
  createdAt: number;
  /** The session it was made in (absent: the first). */
  sessionId?: string;
}

/**
 * The dot vote (one at a time; absent: none). While open, each participant places up to
 * `budget` dots, at most `cap` on one candidate. Totals stay secret until `revealed` (only when
 * closed); `peek` lets whoever runs the room see live totals on the console only. `round` counts
 * the votes opened in this workshop (a new one after a cancel), so screens can tell them apart.
 */
export interface DotVote {
  status: 'open' | 'closed';
  budget: number;
  cap: number;
  round: number;
  revealed: boolean;
  peek: boolean;
  openedAt: number;
  closedAt?: number;
  /** The session it was opened in (absent: none ran, or made before sessions). */
  sessionId?: string;
}

/**
 * The facilitator's choice of shortlist instead of the computed one (the top `shortlistSize` by
 * dots, every candidate tied at the cut included): what was picked, and what the rule gave at
 * that moment, so the room can see which tie was broken and how.
 */
export interface ShortlistPick {
  candidateIds: string[];
  computed: string[];
  /** The candidates tied at the cut when the pick was made (empty: none). */
  tiedAtCut: string[];
  at: number;
}

/** Ranking the shortlist (absent: none). `items` is the shortlist it was opened on, in order. */
export interface RankingVote {
  status: 'open' | 'closed';
  items: string[];
  revealed: boolean;
  round: number;
  openedAt: number;
  closedAt?: number;
  /** The session it was opened in (absent: none ran, or made before sessions). */
  sessionId?: string;
}

/**
 * The parts of the workshop report the facilitator writes in the console: who presented,
 * facilitated and took notes (free lines, names as people want them printed), "other relevant
 * information" and the key messages to share (lists, one item per bullet).
 */
export interface ReportDetails {
  presenters: string;
  facilitators: string;
  noteTakers: string;
  otherInfo: string[];
  keyMessages: string[];
}

/** The shortlist's size until the facilitator sets another. */
export const SHORTLIST_DEFAULT = 4;
/** The cap per candidate a dot vote opens with unless told otherwise. */
export const DOT_CAP_DEFAULT = 2;

export const PRIORITY_STATUSES = [
  'proposed',
  'committed',
  'in progress',
  'done',
  'dropped',
] as const;
export type PriorityStatus = (typeof PRIORITY_STATUSES)[number];

/** A move of a priority in the list, with the reason given (kept for the record). */
export interface PriorityMove {
  from: number;
  to: number;
  reason: string;
  at: number;
}

/**
 * An innovation priority: made from a ranked candidate (a copy: editing it leaves the candidate
 * as it was), then owned by the room. `rank` is its place in the ranking's result (1 = first).
 */
export interface Priority {
  id: string;
  /** The candidate it was made from (it may have been removed since). */
  candidateId: string;
  rank: number;
  title: string;
  description: string;
  sources: CandidateSource[];
  owner: string;
  nextStep: string;
  /** Free text: a date, a season ("printemps 2027"). */
  horizon: string;
  status: PriorityStatus;
  moves: PriorityMove[];
  createdAt: number;
  updatedAt?: number;
  /** The session it was adopted in (absent: none ran, or made before sessions). */
  sessionId?: string;
}

export interface Participant {
  id: ParticipantId;
  name: string;
  /** null means "prefer not to say". */
  sector: SectorId | null;
  joinedAt: number;
  /** Hash of the device token; never leaves the server. */
  tokenHash: string;
  /** Hash of the personal rejoin code (to come back on another device); never leaves the server. */
  rejoinCodeHash: string;
  /** Set when the facilitator removed them: name and credentials are erased, notes stay. */
  removedAt?: number;
}

/** A link that lets a co-facilitator run the workshop; revocable. */
export interface CoFacilitatorLink {
  id: string;
  label: string;
  /** Hash of the link's secret; never leaves the server. */
  keyHash: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface Workshop {
  id: WorkshopId;
  title: string;
  question: string;
  language: Language;
  sectors: Sector[];
  joinCode: string;
  /** Codes the workshop had before (newest last): they let returning participants in, no one else. */
  formerJoinCodes?: string[];
  /** Hash of the facilitator secret; never leaves the server. */
  facilitatorKeyHash: string;
  createdAt: number;
  coFacilitators: Record<string, CoFacilitatorLink>;
  /** Whether new people may join with the code (returning participants always may). */
  joiningOpen: boolean;
  /** The room's timer (absent in workshops created before timers existed: stopped). */
  timer?: Timer;
  /** What the workshop aims at (Définition), free text. */
  objectives?: string;
  /** Themes by id (absent in workshops created before themes existed). */
  themes?: Record<string, Theme>;
  /** Vision statements by id, and their order (both absent in older workshops: none). */
  statements?: Record<string, VisionStatement>;
  statementOrder?: string[];
  /**
   * The vision room's Yjs history: the updates accepted, oldest first, as base64 (merged into
   * one from time to time by the server). Opaque to the domain; the server rebuilds the room's
   * document from it, with the same history, after a restart or a reload.
   */
  visionHistory?: string[];
  /**
   * The workshop's sessions by id and in order (absent in workshops made before sessions: see
   * sessionsOf), and the one running now (null or absent: none).
   */
  sessions?: Record<string, WorkshopSession>;
  sessionOrder?: string[];
  currentSessionId?: string | null;
  /** What whoever runs the room writes for the workshop report (absent: nothing yet). */
  report?: ReportDetails;
  /** Décision's candidates by id, and their order (absent in older workshops: none). */
  candidates?: Record<string, Candidate>;
  candidateOrder?: string[];
  /** The dot vote, if one is open or closed; the number of dot votes ever opened. */
  dotVote?: DotVote;
  dotVoteRounds?: number;
  /**
   * The dot ballots: participant id -> candidate id -> dots (1..cap; a zero is not kept). Secret:
   * only the participant's own private replica may show theirs. A removed participant's ballot
   * and a removed candidate's dots are dropped.
   */
  dots?: Record<string, Record<string, number>>;
  /** How many candidates go through to the ranking (absent: SHORTLIST_DEFAULT). */
  shortlistSize?: number;
  shortlistPick?: ShortlistPick;
  /** The ranking of the shortlist, and the number of rankings ever opened. */
  ranking?: RankingVote;
  rankingRounds?: number;
  /** Ranking ballots: participant id -> item ids, best first (a partial order: their top k). */
  rankings?: Record<string, string[]>;
  /** The innovation priorities by id, and their order. */
  priorities?: Record<string, Priority>;
  priorityOrder?: string[];
  currentStage: StageId;
  stages: Record<StageId, Stage>;
  boards: Record<string, Board>;
  notes: Record<string, Note>;
  participants: Record<string, Participant>;
  /**
   * The key the research export orders its pseudonyms by (HMAC-SHA256 of each participant id),
   * drawn by the server at the first research export. Never leaves the server: no replica, no
   * other export, no screen.
   */
  researchSalt?: string;
  /**
   * Participant ids in the order they were given research pseudonyms (the first is P01), each
   * once and for good: numbers never move when people join or leave. Server-only, like the salt.
   */
  researchPseudonyms?: string[];
  /** Set when the main facilitator deletes the workshop; the server then erases its data. */
  deletedAt?: number;
}

/** Who is asking. The transport establishes it; the domain decides what it may do. */
export type Actor =
  | { role: 'facilitator' }
  | { role: 'cofacilitator'; linkId: string }
  | { role: 'participant'; participantId: ParticipantId }
  | { role: 'projector' }
  | { role: 'nobody' };

/** What the outside world gives a decision: the time and fresh ids. */
export interface Context {
  now: number;
  newId: () => string;
}

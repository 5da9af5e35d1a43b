import type { Ranking } from '../domain/aggregate/ranking';
import type {
  Column,
  Language,
  PriorityStatus,
  ReportDetails,
  Sector,
  SourceKind,
  StageId,
} from '../domain/model';

/**
 * The audiences that each get their own read-only replica: public (projector and phones),
 * facilitator (console), and private (one per participant: what only they may see).
 */
export const AUDIENCES = ['public', 'facilitator', 'private'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * The audience part of a room name: `public`, `facilitator` or `me-<participantId>`, or
 * `vision` for the one room clients write to (the vision statements of Devenir).
 */
export type AudienceKey = 'public' | 'facilitator' | `me-${string}` | 'vision';

export function audienceKey(audience: Audience, participantId?: string): AudienceKey {
  if (audience !== 'private') return audience;
  if (!participantId) throw new Error('a private room belongs to a participant');
  return `me-${participantId}`;
}

/** Names of the top-level maps in every replica Y.Doc. */
export const MAPS = {
  /**
   * key 'workshop' → WorkshopView (public, facilitator); 'links' → LinkView[] and 'report' →
   * ReportDetails (facilitator);
   * 'me' → ParticipantView (private)
   */
  meta: 'meta',
  /** board id → BoardView */
  boards: 'boards',
  /** note id → NoteView (private: the participant's own notes) */
  notes: 'notes',
  /** theme id → ThemeView (public, facilitator) */
  themes: 'themes',
  /** participant id → ParticipantView (facilitator replica only) */
  participants: 'participants',
  /** statement id → StatementView (public, facilitator) */
  statements: 'statements',
  /**
   * Décision: 'candidate:<id>' → CandidateView, 'priority:<id>' → PriorityView, 'dotVote' →
   * DotVoteView, 'ranking' → RankingView (public, facilitator); 'mine' → MyBallotView (private)
   */
  decision: 'decision',
} as const;

/** What every screen knows about the workshop. */
export interface WorkshopView {
  id: string;
  title: string;
  question: string;
  /** What the workshop aims at (Définition). */
  objectives: string;
  language: Language;
  joinCode: string;
  currentStage: StageId;
  sectors: Sector[];
  stages: Record<StageId, { prompt: string; boardIds: string[] }>;
  /** Participants with at least one open connection. */
  connected: number;
  participantCount: number;
  /** Whether newcomers may join with the code. */
  joiningOpen: boolean;
  /** The room timer, in server time (screens correct for their clock offset). */
  timer: { durationMs: number; remainingMs: number; startedAt: number | null };
  /**
   * The workshop's sessions (meetings), oldest first, each with how many people attended (a
   * count of the whole room, never split by sector here); `current` is the one running, if any.
   */
  sessions: SessionView[];
  currentSessionId: string | null;
}

/** One session as every screen sees it. */
export interface SessionView {
  id: string;
  /** Its place, from 1 ("Séance 2" when the label is empty). */
  number: number;
  label: string;
  date: string;
  startedAt: number;
  endedAt: number | null;
  attendance: number;
}

/** A co-facilitator link as the console lists it (never its secret or hash). */
export interface LinkView {
  id: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface BoardView {
  id: string;
  stage: StageId;
  title: string;
  columns: Column[];
  hidden: boolean;
  locked: boolean;
  anonymous: boolean;
  /** Participants may group notes into themes. */
  participantsGroup: boolean;
  /** Notes per column (moderated notes left out): what a hidden board shows the room. */
  counts: Record<string, number>;
  /**
   * Facilitator replica only: notes per column and shown group (a sector id, 'none', 'other', or
   * 'facilitator'), as the domain groups them (`columnSectorCounts`): render as given. Absent on
   * an anonymous board, while someone is in a group too small to show, and on a board holding a
   * note that counts in no shown group (written from such a group).
   */
  sectorCounts?: Record<string, Record<string, number>>;
}

export interface NoteView {
  id: string;
  boardId: string;
  columnId: string;
  text: string;
  /** Written by the facilitator on behalf of the room. */
  byFacilitator: boolean;
  /** The theme it is grouped in, and the note it is stacked under (a duplicate). */
  themeId?: string;
  stackedOn?: string;
  createdAt: number;
  updatedAt: number;
  /**
   * Facilitator replica only, and not on anonymous boards or notes written anonymously: who
   * wrote it (null: the facilitator). Never in the public room.
   */
  authorId?: string | null;
  authorName?: string;
  /** Facilitator replica only: its author is not shown (anonymous board, or written while it was). */
  anonymous?: true;
  /** Facilitator and private replicas: hidden from the room by the facilitator. */
  moderated?: boolean;
}

/** A theme as every screen sees it: its notes, and who (by sector) contributed. */
export interface ThemeView {
  id: string;
  boardId: string;
  title: string;
  createdAt: number;
  /** Notes in the theme that this replica shows (a hidden board's are left out of the room's). */
  noteIds: string[];
  count: number;
  /**
   * Who contributed to the notes this replica shows, as the domain groups them (`sectorShares`):
   * a sector id, 'none' or 'other', with the number of people. Each note counts under the group
   * its author was in when writing it, while that group is shown. Empty on an anonymous board
   * and until three people count. Render as given.
   */
  sectors: { sector: string; people: number }[];
  /** Themes that answer this one (e.g. facilitators for a barrier). */
  answeredBy: string[];
}

export interface ParticipantView {
  id: string;
  name: string;
  sector: string | null;
  connected: boolean;
  joinedAt: number;
}

/**
 * A vision statement as every screen sees it. Its text mirrors the writable vision room (the
 * authority): phones write there, and read this to list the statements and their state.
 */
export interface StatementView {
  id: string;
  title: string;
  text: string;
  locked: boolean;
  /** Its place in the workshop's list, from 0 (list by it: a map keeps no order). */
  position: number;
  /** When its text last changed; null until someone writes. */
  updatedAt: number | null;
}

/** Where a candidate or a priority came from (a copy of the source's title, kept). */
export interface SourceView {
  kind: SourceKind;
  id: string;
  title: string;
}

/** Something the room may vote on (Décision). */
export interface CandidateView {
  id: string;
  title: string;
  description: string;
  sources: SourceView[];
  /** Its place in the list, from 0. */
  position: number;
}

/**
 * The dot vote as a screen may see it. The room sees how many have voted while it is open, the
 * totals and the shortlist once revealed; the console also sees totals while peeking, and the
 * shortlist once the vote is closed.
 */
export interface DotVoteView {
  status: 'open' | 'closed';
  budget: number;
  cap: number;
  round: number;
  revealed: boolean;
  /** The console peeks at live totals (always false in the room's replica). */
  peek: boolean;
  /** How many participants have placed at least one dot. */
  turnout: number;
  totals: Record<string, number> | null;
  /** The shortlist size set (null: the default). */
  shortlistSize: number | null;
  /** What goes on to the ranking (the pick if the facilitator made one), best first. */
  shortlist: string[] | null;
  /** The candidates tied at the cut (they all go through unless the facilitator picks). */
  tiedAtCut: string[];
  /** The facilitator picked among the tied candidates. */
  picked: boolean;
}

/** The ranking of the shortlist: turnout while open, the whole result once revealed. */
export interface RankingView {
  status: 'open' | 'closed';
  items: string[];
  round: number;
  revealed: boolean;
  turnout: number;
  result: Ranking | null;
}

/** An innovation priority, as every screen sees it. */
export interface PriorityView {
  id: string;
  candidateId: string;
  rank: number;
  title: string;
  description: string;
  sources: SourceView[];
  owner: string;
  nextStep: string;
  horizon: string;
  status: PriorityStatus;
  moves: { from: number; to: number; reason: string; at: number }[];
  position: number;
  updatedAt: number | null;
}

/** A participant's own ballots, in their private replica only. */
export interface MyBallotView {
  /** Candidate id → dots placed. */
  dots: Record<string, number>;
  /** Their ranking, best first (their top k). */
  ranking: string[];
}

/** A replica as the client reads it. */
export interface ReplicaSnapshot {
  workshop: WorkshopView | null;
  /** Private replica only: the participant it belongs to. */
  me: ParticipantView | null;
  /** Facilitator replica only: co-facilitator links. */
  links: LinkView[];
  /** Facilitator replica only: the report's own parts (null elsewhere). */
  report: ReportDetails | null;
  boards: Record<string, BoardView>;
  notes: Record<string, NoteView>;
  themes: Record<string, ThemeView>;
  participants: Record<string, ParticipantView>;
  /** Public and facilitator replicas: the vision statements. */
  statements: Record<string, StatementView>;
  /** Décision (see MAPS.decision for its keys). */
  decision: Record<string, unknown>;
}

/** A room the server offers a client: its name (with the epoch) and a short-lived ticket. */
export interface RoomGrant {
  audience: Audience;
  room: string;
  ticket: string;
}

/** What a socket learns when it says hello. */
export interface Welcome {
  protocol: number;
  role: 'facilitator' | 'cofacilitator' | 'participant' | 'projector' | 'nobody';
  workshopId: string | null;
  participantId: string | null;
  epoch: string;
  rooms: RoomGrant[];
  /**
   * The writable room of the vision statements, for those who may write in it (facilitators,
   * co-facilitators, participants); null for the others. Not in `rooms`: it is no replica.
   */
  vision: { room: string; ticket: string } | null;
  /** The server's clock when it answered, so a screen can measure its own clock's offset. */
  serverTime: number;
}

/**
 * The vision room keeps its history across restarts (it is not a projection rebuilt at start),
 * so its name carries this fixed history mark instead of the server's epoch: a phone that typed
 * offline merges into the same document after a restart, and nothing is duplicated.
 */
export const VISION_HISTORY = 'h1';

/**
 * The vision room: one Y.Text per statement, named by the statement's id (`doc.getText(id)`).
 * A client writes there; the server checks each update against the domain's rules, makes it
 * durable, and mirrors each text into the replicas' `statements` map.
 */
export function visionRoomName(workshopId: string): string {
  return `${workshopId}.vision.${VISION_HISTORY}`;
}

/**
 * What a writer shares in the vision room's awareness: where its caret is. The server sets
 * `name` itself, and only in what it sends to consoles (phones see a colour, never a name).
 */
export interface VisionCaret {
  statementId: string;
  /** Y.RelativePosition JSON of the selection's anchor and head (null: no selection). */
  anchor: unknown;
  head: unknown;
  colour: string;
  name?: string;
}

/** Room names carry the workshop, the audience and the server epoch. */
export function roomName(workshopId: string, key: AudienceKey, epoch: string): string {
  return `${workshopId}.${key}.${epoch}`;
}

export function parseRoomName(
  name: string,
): { workshopId: string; key: AudienceKey; epoch: string } | null {
  const match =
    /^([A-Za-z0-9_-]{1,64})\.(public|facilitator|vision|me-[A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(
      name,
    );
  if (!match) return null;
  return { workshopId: match[1]!, key: match[2] as AudienceKey, epoch: match[3]! };
}

/** Path prefix of the Yjs endpoint. */
export const YJS_PATH = '/yjs';

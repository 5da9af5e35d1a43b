import type {
  ReportDetails,
  Board,
  Candidate,
  DotVote,
  Priority,
  PriorityMove,
  RankingVote,
  ShortlistPick,
  BoardId,
  CoFacilitatorLink,
  Column,
  ColumnId,
  Note,
  NoteId,
  Participant,
  ParticipantId,
  StageId,
  Theme,
  VisionStatement,
  Workshop,
  WorkshopSession,
} from './model';
import type { BoardSetting } from './commands/types';
import type { Timer } from './timer';

/** Everything that can happen to a workshop, in the past tense. The log stores these. */
export type WorkshopEvent =
  | { type: 'workshopCreated'; workshop: Workshop }
  | { type: 'participantJoined'; participant: Participant }
  | { type: 'participantRejoined'; participantId: ParticipantId; tokenHash: string }
  | { type: 'participantRemoved'; participantId: ParticipantId; at: number }
  | { type: 'joiningSet'; open: boolean }
  | { type: 'joinCodeChanged'; joinCode: string }
  | { type: 'coFacilitatorLinkCreated'; link: CoFacilitatorLink }
  | { type: 'coFacilitatorLinkRevoked'; linkId: string; at: number }
  | { type: 'facilitatorKeyRotated'; keyHash: string }
  | { type: 'workshopDeleted'; at: number }
  | { type: 'stageSet'; stage: StageId }
  | { type: 'questionSet'; question: string }
  | { type: 'stagePromptSet'; stage: StageId; prompt: string }
  | { type: 'columnAdded'; boardId: BoardId; column: Column }
  | { type: 'columnRenamed'; boardId: BoardId; columnId: ColumnId; title: string }
  | { type: 'columnRemoved'; boardId: BoardId; columnId: ColumnId }
  | { type: 'boardSettingSet'; boardId: BoardId; setting: BoardSetting; value: boolean }
  | { type: 'noteModerated'; noteId: NoteId; moderated: boolean }
  | { type: 'timerSet'; timer: Timer }
  | { type: 'objectivesSet'; objectives: string }
  | { type: 'boardAdded'; board: Board }
  | { type: 'boardRenamed'; boardId: BoardId; title: string }
  | { type: 'boardsReordered'; stage: StageId; boardIds: BoardId[] }
  | { type: 'boardRemoved'; boardId: BoardId }
  | { type: 'themeCreated'; theme: Theme }
  | { type: 'themeRenamed'; themeId: string; title: string }
  | { type: 'themeDeleted'; themeId: string }
  | { type: 'notesMoved'; noteIds: NoteId[]; themeId: string | null }
  | { type: 'noteStacked'; noteId: NoteId; onto: NoteId | null }
  | { type: 'themesLinked'; themeId: string; answerId: string; linked: boolean }
  | { type: 'noteAdded'; note: Note }
  | { type: 'noteEdited'; noteId: NoteId; text: string; at: number }
  | { type: 'noteDeleted'; noteId: NoteId }
  | { type: 'statementAdded'; statement: VisionStatement }
  | { type: 'statementRenamed'; statementId: string; title: string }
  | { type: 'statementsReordered'; statementIds: string[] }
  | { type: 'statementLocked'; statementId: string; locked: boolean }
  | { type: 'statementDeleted'; statementId: string }
  /**
   * One Yjs update the writable room accepted (base64), with the whole text it leaves, as the
   * server computed it. The update is kept for the room's history; `apply` reads only `text`.
   */
  | { type: 'statementWritten'; statementId: string; update: string; text: string; at: number }
  | { type: 'visionHistoryMerged'; count: number; update: string }
  /** The report's own parts, whole, as they now read. */
  | { type: 'reportDetailsSet'; report: ReportDetails }
  | { type: 'sessionStarted'; session: WorkshopSession }
  | { type: 'sessionEnded'; sessionId: string; at: number }
  | { type: 'sessionRenamed'; sessionId: string; label: string; date: string }
  /** These participants were connected while the session ran (added to its attendance). */
  | { type: 'attendanceRecorded'; sessionId: string; participantIds: string[] }
  /** The research export's pseudonym key (server-only: projected nowhere). */
  | { type: 'researchSaltSet'; salt: string }
  /** They take the next research pseudonyms, in this order (server-only: projected nowhere). */
  | { type: 'pseudonymsAssigned'; participantIds: string[] }
  | { type: 'candidateAdded'; candidate: Candidate }
  | { type: 'candidateEdited'; candidateId: string; title: string; description: string }
  /** Its dots, its place in an open ranking and in every ranking ballot go with it. */
  | { type: 'candidateRemoved'; candidateId: string }
  | { type: 'candidatesReordered'; candidateIds: string[] }
  | { type: 'dotVoteOpened'; vote: DotVote }
  | { type: 'dotRulesSet'; budget: number; cap: number }
  /** The participant's count on one candidate becomes `dots` (0 takes it off their ballot). */
  | { type: 'dotsCast'; participantId: ParticipantId; candidateId: string; dots: number }
  | { type: 'dotVoteClosed'; at: number }
  | { type: 'dotVoteReopened' }
  /** Every ballot, the vote and any shortlist pick go. */
  | { type: 'dotVoteCancelled' }
  | { type: 'dotVoteRevealed' }
  | { type: 'dotVotePeeked'; on: boolean }
  /** A new size drops any pick (it was made for the old size). */
  | { type: 'shortlistSizeSet'; size: number }
  | { type: 'shortlistPicked'; pick: ShortlistPick | null }
  | { type: 'rankingOpened'; ranking: RankingVote }
  /** The participant's ballot becomes `order` (empty: withdrawn). */
  | { type: 'rankingSubmitted'; participantId: ParticipantId; order: string[] }
  | { type: 'rankingClosed'; at: number }
  | { type: 'rankingReopened' }
  | { type: 'rankingCancelled' }
  | { type: 'rankingRevealed' }
  /** The list of priorities becomes these, in this order (replacing any there was). */
  | { type: 'prioritiesAdopted'; priorities: Priority[] }
  | { type: 'priorityEdited'; priorityId: string; changes: PriorityChanges; at: number }
  | { type: 'priorityMoved'; priorityId: string; priorityIds: string[]; move: PriorityMove }
  | { type: 'priorityRemoved'; priorityId: string };

/** What editPriority may change. */
export type PriorityChanges = Partial<
  Pick<Priority, 'title' | 'description' | 'owner' | 'nextStep' | 'horizon' | 'status'>
>;

/** Décision's events (candidates, the dot vote, the shortlist, the ranking, priorities). */
export const DECISION_EVENT_TYPES: readonly WorkshopEvent['type'][] = [
  'candidateAdded',
  'candidateEdited',
  'candidateRemoved',
  'candidatesReordered',
  'dotVoteOpened',
  'dotRulesSet',
  'dotsCast',
  'dotVoteClosed',
  'dotVoteReopened',
  'dotVoteCancelled',
  'dotVoteRevealed',
  'dotVotePeeked',
  'shortlistSizeSet',
  'shortlistPicked',
  'rankingOpened',
  'rankingSubmitted',
  'rankingClosed',
  'rankingReopened',
  'rankingCancelled',
  'rankingRevealed',
  'prioritiesAdopted',
  'priorityEdited',
  'priorityMoved',
  'priorityRemoved',
];

import type {
  BoardId,
  ColumnId,
  Language,
  NoteId,
  ParticipantId,
  PriorityStatus,
  SourceKind,
  SectorId,
  StageId,
  TemplateId,
} from '../model';

/** What the facilitator can switch on a board. */
export type BoardSetting = 'hidden' | 'locked' | 'anonymous' | 'participantsGroup';
export const BOARD_SETTINGS: readonly BoardSetting[] = [
  'hidden',
  'locked',
  'anonymous',
  'participantsGroup',
];

export type TimerAction = 'start' | 'pause' | 'addMinute' | 'reset';
export const TIMER_ACTIONS: readonly TimerAction[] = ['start', 'pause', 'addMinute', 'reset'];

/** Every command the domain understands, as the server hands it over after validation. */
export type Command =
  | {
      type: 'createWorkshop';
      title: string;
      question: string;
      language: Language;
      sectors: string[];
      /** Which boards to start with (default: the full four stages). */
      template?: TemplateId;
      /** Chosen by the server, not the client. */
      joinCode: string;
      facilitatorKeyHash: string;
    }
  | {
      type: 'joinWorkshop';
      name: string;
      sector: SectorId | null;
      /** Hash of the device token, computed by the server. */
      tokenHash: string;
      /** Hash of the personal rejoin code the server generated for this participant. */
      rejoinCodeHash: string;
    }
  | {
      type: 'rejoinWorkshop';
      /** Hash of the rejoin code the person typed, and of this device's token (server-made). */
      rejoinCodeHash: string;
      tokenHash: string;
    }
  | { type: 'removeParticipant'; participantId: ParticipantId }
  | { type: 'setJoining'; open: boolean }
  /** The server draws the new code; the client only asks. */
  | { type: 'changeJoinCode'; joinCode: string }
  | {
      type: 'createCoFacilitatorLink';
      label: string;
      /** Hash of the secret the console generated (the server hashes it). */
      keyHash: string;
    }
  | { type: 'revokeCoFacilitatorLink'; linkId: string }
  | { type: 'rotateFacilitatorKey'; keyHash: string }
  | { type: 'deleteWorkshop' }
  | { type: 'setStage'; stage: StageId }
  | { type: 'setQuestion'; question: string }
  | { type: 'setStagePrompt'; stage: StageId; prompt: string }
  | { type: 'addColumn'; boardId: BoardId; title: string }
  | { type: 'renameColumn'; boardId: BoardId; columnId: ColumnId; title: string }
  | { type: 'removeColumn'; boardId: BoardId; columnId: ColumnId }
  | { type: 'setBoardSetting'; boardId: BoardId; setting: BoardSetting; value: boolean }
  | { type: 'moderateNote'; noteId: NoteId; moderated: boolean }
  | { type: 'setTimer'; action: TimerAction; durationMs?: number }
  | { type: 'setObjectives'; objectives: string }
  /** The report's own parts (ReportDetails); only the fields given change. */
  | {
      type: 'setReportDetails';
      presenters?: string;
      facilitators?: string;
      noteTakers?: string;
      otherInfo?: string[];
      keyMessages?: string[];
    }
  | { type: 'addBoard'; stage: StageId; title: string; columns: string[] }
  | { type: 'renameBoard'; boardId: BoardId; title: string }
  | { type: 'moveBoard'; boardId: BoardId; direction: 'up' | 'down' }
  | { type: 'removeBoard'; boardId: BoardId }
  | { type: 'createTheme'; boardId: BoardId; title: string; noteIds: NoteId[] }
  | { type: 'renameTheme'; themeId: string; title: string }
  | { type: 'mergeThemes'; themeId: string; otherThemeId: string }
  | { type: 'deleteTheme'; themeId: string }
  | { type: 'moveNotes'; noteIds: NoteId[]; themeId: string | null }
  | { type: 'stackNote'; noteId: NoteId; onto: NoteId | null }
  | { type: 'linkThemes'; themeId: string; answerId: string; linked: boolean }
  | { type: 'addNote'; boardId: BoardId; columnId: ColumnId; text: string }
  | { type: 'editNote'; noteId: NoteId; text: string }
  | { type: 'deleteNote'; noteId: NoteId }
  | { type: 'addStatement'; title: string }
  | { type: 'renameStatement'; statementId: string; title: string }
  | { type: 'moveStatement'; statementId: string; direction: 'up' | 'down' }
  | { type: 'lockStatement'; statementId: string; locked: boolean }
  | { type: 'deleteStatement'; statementId: string }
  /**
   * Server-made, never sent by a client: one Yjs update the writable vision room received, with
   * the text it would leave (computed there with Yjs). Accepted, it is stored like any command.
   */
  | { type: 'writeStatement'; statementId: string; update: string; text: string }
  /** The server replaces the first `count` updates of the vision history by their merge. */
  | { type: 'mergeVisionHistory'; count: number; update: string }
  /** A blank title with a theme or statement among the sources takes the first one's title. */
  | {
      type: 'addCandidate';
      title: string;
      description: string;
      sources: { kind: SourceKind; id: string }[];
    }
  | { type: 'editCandidate'; candidateId: string; title: string; description: string }
  | { type: 'removeCandidate'; candidateId: string }
  | { type: 'moveCandidate'; candidateId: string; direction: 'up' | 'down' }
  | { type: 'openDotVote'; budget?: number; cap?: number }
  | { type: 'setDotRules'; budget: number; cap: number }
  | { type: 'castDots'; candidateId: string; dots: number }
  | { type: 'closeDotVote' }
  | { type: 'reopenDotVote' }
  | { type: 'cancelDotVote' }
  | { type: 'revealDotVote' }
  | { type: 'peekDotVote'; on: boolean }
  | { type: 'setShortlist'; size: number }
  /** An empty list drops the pick: the computed shortlist applies again. */
  | { type: 'pickShortlist'; candidateIds: string[] }
  | { type: 'openRanking' }
  | { type: 'submitRanking'; order: string[] }
  | { type: 'closeRanking' }
  | { type: 'reopenRanking' }
  | { type: 'cancelRanking' }
  | { type: 'revealRanking' }
  /** Refused while priorities exist, unless `replace` says to replace them. */
  | { type: 'adoptPriorities'; replace?: boolean }
  | {
      type: 'editPriority';
      priorityId: string;
      title?: string;
      description?: string;
      owner?: string;
      nextStep?: string;
      horizon?: string;
      status?: PriorityStatus;
    }
  | { type: 'movePriority'; priorityId: string; direction: 'up' | 'down'; reason: string }
  | { type: 'removePriority'; priorityId: string }
  /** A new session (meeting) starts; `date` YYYY-MM-DD, the server's day when absent. */
  | { type: 'startSession'; label: string; date?: string }
  | { type: 'endSession' }
  | { type: 'renameSession'; sessionId: string; label: string; date: string }
  /** Server-only: participants seen connected while the current session runs. */
  | { type: 'recordAttendance'; participantIds: string[] }
  /** Server-only: the research export's pseudonym key, drawn by the server (set once). */
  | { type: 'setResearchSalt'; salt: string }
  /** Server-only: these participants get the next research pseudonyms, in this order. */
  | { type: 'assignPseudonyms'; participantIds: string[] };

export type CommandType = Command['type'];
/** Commands only the server gives (the wire schemas leave them out). */
export type ServerOnlyCommandType =
  | 'writeStatement'
  | 'mergeVisionHistory'
  | 'recordAttendance'
  | 'setResearchSalt'
  | 'assignPseudonyms';
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

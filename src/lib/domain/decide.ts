import { addColumn } from './commands/addColumn';
import { addNote } from './commands/addNote';
import {
  createCoFacilitatorLink,
  revokeCoFacilitatorLink,
  rotateFacilitatorKey,
} from './commands/coFacilitatorLinks';
import { deleteWorkshop } from './commands/deleteWorkshop';
import { moderateNote, setBoardSetting } from './commands/boardSettings';
import { addBoard, moveBoard, removeBoard, renameBoard, setObjectives } from './commands/boards';
import { setReportDetails } from './commands/report';
import { createWorkshop } from './commands/createWorkshop';
import type { Decision, Handler } from './commands/decision';
import { deleteNote } from './commands/deleteNote';
import { editNote } from './commands/editNote';
import { joinWorkshop } from './commands/joinWorkshop';
import { rejoinWorkshop } from './commands/rejoinWorkshop';
import { removeColumn } from './commands/removeColumn';
import { removeParticipant } from './commands/removeParticipant';
import { renameColumn } from './commands/renameColumn';
import { setJoining } from './commands/setJoining';
import { changeJoinCode, FORMER_JOIN_CODES } from './commands/changeJoinCode';
import { setQuestion } from './commands/setQuestion';
import { setStage } from './commands/setStage';
import { setStagePrompt } from './commands/setStagePrompt';
import { setTimer } from './commands/setTimer';
import { endSession, recordAttendance, renameSession, startSession } from './commands/sessions';
import { assignPseudonyms, setResearchSalt } from './commands/researchSalt';
import {
  addStatement,
  deleteStatement,
  lockStatement,
  moveStatement,
  mergeVisionHistory,
  renameStatement,
  writeStatement,
} from './commands/statements';
import {
  createTheme,
  deleteTheme,
  linkThemes,
  mergeThemes,
  moveNotes,
  renameTheme,
  stackNote,
} from './commands/themes';
import type { Command, CommandType } from './commands/types';
import { addCandidate, editCandidate, moveCandidate, removeCandidate } from './commands/candidates';
import {
  cancelDotVote,
  castDots,
  closeDotVote,
  openDotVote,
  peekDotVote,
  pickShortlist,
  reopenDotVote,
  revealDotVote,
  setDotRules,
  setShortlist,
} from './commands/dotVote';
import {
  cancelRanking,
  closeRanking,
  openRanking,
  reopenRanking,
  revealRanking,
  submitRanking,
} from './commands/ranking';
import { adoptPriorities, editPriority, movePriority, removePriority } from './commands/priorities';
import { applyDecision, withoutBallots } from './decisionApply';
import { editedNote, recordedNote } from './aggregate';
import { carryNoteCounts } from './noteCounts';
import type { Result } from './errors';
import type { WorkshopEvent } from './events';
import type { Actor, Board, Context, Note, VisionStatement, Workshop } from './model';

const handlers: { [T in CommandType]: Handler<T> } = {
  createWorkshop,
  joinWorkshop,
  rejoinWorkshop,
  removeParticipant,
  setJoining,
  changeJoinCode,
  createCoFacilitatorLink,
  revokeCoFacilitatorLink,
  rotateFacilitatorKey,
  deleteWorkshop,
  setStage,
  setQuestion,
  setStagePrompt,
  addColumn,
  renameColumn,
  removeColumn,
  setBoardSetting,
  moderateNote,
  setTimer,
  setObjectives,
  setReportDetails,
  addBoard,
  renameBoard,
  moveBoard,
  removeBoard,
  createTheme,
  renameTheme,
  mergeThemes,
  deleteTheme,
  moveNotes,
  stackNote,
  linkThemes,
  addNote,
  editNote,
  deleteNote,
  addStatement,
  renameStatement,
  moveStatement,
  lockStatement,
  deleteStatement,
  writeStatement,
  mergeVisionHistory,
  addCandidate,
  editCandidate,
  removeCandidate,
  moveCandidate,
  openDotVote,
  setDotRules,
  castDots,
  closeDotVote,
  reopenDotVote,
  cancelDotVote,
  revealDotVote,
  peekDotVote,
  setShortlist,
  pickShortlist,
  openRanking,
  submitRanking,
  closeRanking,
  reopenRanking,
  cancelRanking,
  revealRanking,
  adoptPriorities,
  editPriority,
  movePriority,
  removePriority,
  startSession,
  endSession,
  renameSession,
  recordAttendance,
  setResearchSalt,
  assignPseudonyms,
};

/** Decide what a command does to a workshop: the events it produces, or why it is refused. */
export function decide(
  state: Workshop | null,
  actor: Actor,
  command: Command,
  ctx: Context,
): Result<Decision> {
  const handler = handlers[command.type] as Handler<CommandType>;
  return handler(state, actor, command, ctx);
}

function withoutTheme(note: Note): Note {
  const next = { ...note };
  delete next.themeId;
  return next;
}

function withBoard(state: Workshop, board: Board): Workshop {
  return { ...state, boards: { ...state.boards, [board.id]: board } };
}

function withStatement(state: Workshop, statement: VisionStatement): Workshop {
  return { ...state, statements: { ...state.statements, [statement.id]: statement } };
}

/** Apply one event to a workshop. Events are facts: apply never refuses one. */
export function apply(state: Workshop | null, event: WorkshopEvent): Workshop {
  if (event.type === 'workshopCreated') return event.workshop;
  if (!state) throw new Error(`event ${event.type} before workshopCreated`);
  switch (event.type) {
    case 'participantJoined':
      return {
        ...state,
        participants: { ...state.participants, [event.participant.id]: event.participant },
      };
    case 'participantRejoined': {
      const participant = state.participants[event.participantId]!;
      return {
        ...state,
        participants: {
          ...state.participants,
          [participant.id]: { ...participant, tokenHash: event.tokenHash },
        },
      };
    }
    case 'participantRemoved': {
      const participant = state.participants[event.participantId]!;
      return {
        ...withoutBallots(state, participant.id),
        participants: {
          ...state.participants,
          [participant.id]: {
            ...participant,
            name: '',
            sector: null,
            tokenHash: '',
            rejoinCodeHash: '',
            removedAt: event.at,
          },
        },
      };
    }
    case 'joiningSet':
      return { ...state, joiningOpen: event.open };
    case 'joinCodeChanged':
      return {
        ...state,
        joinCode: event.joinCode,
        formerJoinCodes: [...(state.formerJoinCodes ?? []), state.joinCode].slice(
          -FORMER_JOIN_CODES,
        ),
      };
    case 'coFacilitatorLinkCreated':
      return {
        ...state,
        coFacilitators: { ...state.coFacilitators, [event.link.id]: event.link },
      };
    case 'coFacilitatorLinkRevoked': {
      const link = state.coFacilitators[event.linkId]!;
      return {
        ...state,
        coFacilitators: { ...state.coFacilitators, [link.id]: { ...link, revokedAt: event.at } },
      };
    }
    case 'facilitatorKeyRotated':
      return { ...state, facilitatorKeyHash: event.keyHash };
    case 'workshopDeleted':
      return { ...state, deletedAt: event.at };
    case 'stageSet':
      return { ...state, currentStage: event.stage };
    case 'questionSet':
      return { ...state, question: event.question };
    case 'stagePromptSet':
      return {
        ...state,
        stages: {
          ...state.stages,
          [event.stage]: { ...state.stages[event.stage], prompt: event.prompt },
        },
      };
    case 'columnAdded': {
      const board = state.boards[event.boardId]!;
      return withBoard(state, { ...board, columns: [...board.columns, event.column] });
    }
    case 'columnRenamed': {
      const board = state.boards[event.boardId]!;
      const columns = board.columns.map((c) =>
        c.id === event.columnId ? { ...c, title: event.title } : c,
      );
      return withBoard(state, { ...board, columns });
    }
    case 'columnRemoved': {
      const board = state.boards[event.boardId]!;
      const columns = board.columns.filter((c) => c.id !== event.columnId);
      const notes = Object.fromEntries(
        Object.entries(state.notes).filter(
          ([, n]) => !(n.boardId === event.boardId && n.columnId === event.columnId),
        ),
      );
      // A duplicate in another column, stacked on a note that went, is freed (as on deletion).
      for (const note of Object.values(notes)) {
        if (note.stackedOn !== undefined && notes[note.stackedOn] === undefined) {
          const next = { ...note };
          delete next.stackedOn;
          notes[note.id] = next;
        }
      }
      return { ...withBoard(state, { ...board, columns }), notes };
    }
    case 'boardSettingSet': {
      const board = state.boards[event.boardId]!;
      return withBoard(state, { ...board, [event.setting]: event.value });
    }
    case 'noteModerated': {
      const note = state.notes[event.noteId]!;
      return {
        ...state,
        notes: { ...state.notes, [note.id]: { ...note, moderated: event.moderated } },
      };
    }
    case 'timerSet':
      return { ...state, timer: event.timer };
    case 'objectivesSet':
      return { ...state, objectives: event.objectives };
    case 'reportDetailsSet':
      return { ...state, report: event.report };
    case 'boardAdded': {
      const stage = state.stages[event.board.stage];
      return {
        ...withBoard(state, event.board),
        stages: {
          ...state.stages,
          [stage.id]: { ...stage, boardIds: [...stage.boardIds, event.board.id] },
        },
      };
    }
    case 'boardRenamed': {
      const board = state.boards[event.boardId]!;
      return withBoard(state, { ...board, title: event.title });
    }
    case 'boardsReordered': {
      const stage = state.stages[event.stage];
      return {
        ...state,
        stages: { ...state.stages, [stage.id]: { ...stage, boardIds: event.boardIds } },
      };
    }
    case 'boardRemoved': {
      const board = state.boards[event.boardId]!;
      const boards = { ...state.boards };
      delete boards[board.id];
      const stage = state.stages[board.stage];
      const notes = Object.fromEntries(
        Object.entries(state.notes).filter(([, n]) => n.boardId !== board.id),
      );
      const themes = Object.fromEntries(
        Object.entries(state.themes ?? {}).filter(([, t]) => t.boardId !== board.id),
      );
      for (const [id, theme] of Object.entries(themes)) {
        const answeredBy = theme.answeredBy.filter((a) => themes[a] !== undefined);
        if (answeredBy.length !== theme.answeredBy.length) themes[id] = { ...theme, answeredBy };
      }
      return {
        ...state,
        boards,
        notes,
        themes,
        stages: {
          ...state.stages,
          [stage.id]: { ...stage, boardIds: stage.boardIds.filter((id) => id !== board.id) },
        },
      };
    }
    case 'themeCreated':
      return { ...state, themes: { ...state.themes, [event.theme.id]: event.theme } };
    case 'themeRenamed': {
      const theme = state.themes![event.themeId]!;
      return {
        ...state,
        themes: { ...state.themes, [theme.id]: { ...theme, title: event.title } },
      };
    }
    case 'themeDeleted': {
      const themes = { ...state.themes };
      delete themes[event.themeId];
      // its notes are ungrouped; links to it go
      for (const [id, theme] of Object.entries(themes)) {
        if (theme.answeredBy.includes(event.themeId)) {
          themes[id] = {
            ...theme,
            answeredBy: theme.answeredBy.filter((a) => a !== event.themeId),
          };
        }
      }
      const notes = { ...state.notes };
      for (const note of Object.values(notes)) {
        if (note.themeId === event.themeId) notes[note.id] = withoutTheme(note);
      }
      return { ...state, themes, notes };
    }
    case 'notesMoved': {
      const notes = { ...state.notes };
      for (const id of event.noteIds) {
        const note = notes[id]!;
        notes[id] =
          event.themeId === null ? withoutTheme(note) : { ...note, themeId: event.themeId };
      }
      return { ...state, notes };
    }
    case 'noteStacked': {
      const note = state.notes[event.noteId]!;
      const next = { ...note };
      if (event.onto === null) delete next.stackedOn;
      else next.stackedOn = event.onto;
      return { ...state, notes: { ...state.notes, [note.id]: next } };
    }
    case 'themesLinked': {
      const theme = state.themes![event.themeId]!;
      const answeredBy = event.linked
        ? [...theme.answeredBy, event.answerId]
        : theme.answeredBy.filter((a) => a !== event.answerId);
      return { ...state, themes: { ...state.themes, [theme.id]: { ...theme, answeredBy } } };
    }
    case 'noteAdded': {
      const notes = { ...state.notes, [event.note.id]: recordedNote(state, event.note) };
      carryNoteCounts(state.notes, notes, event.note);
      return { ...state, notes };
    }
    case 'noteEdited': {
      const note = state.notes[event.noteId]!;
      return {
        ...state,
        notes: { ...state.notes, [note.id]: editedNote(state, note, event.text, event.at) },
      };
    }
    case 'noteDeleted': {
      const notes = { ...state.notes };
      delete notes[event.noteId];
      for (const note of Object.values(notes)) {
        if (note.stackedOn === event.noteId) {
          const next = { ...note };
          delete next.stackedOn;
          notes[note.id] = next;
        }
      }
      return { ...state, notes };
    }
    case 'statementAdded':
      return {
        ...withStatement(state, event.statement),
        statementOrder: [...(state.statementOrder ?? []), event.statement.id],
      };
    case 'statementRenamed': {
      const statement = state.statements![event.statementId]!;
      return withStatement(state, { ...statement, title: event.title });
    }
    case 'statementsReordered':
      return { ...state, statementOrder: event.statementIds };
    case 'statementLocked': {
      const statement = state.statements![event.statementId]!;
      return withStatement(state, { ...statement, locked: event.locked });
    }
    case 'statementDeleted': {
      const statements = { ...state.statements };
      delete statements[event.statementId];
      const statementOrder = (state.statementOrder ?? []).filter((id) => id !== event.statementId);
      return { ...state, statements, statementOrder };
    }
    case 'statementWritten': {
      // The history keeps every update, whatever became of its statement: the room's document
      // is rebuilt from it. The mirror follows; a write recorded just before its statement was
      // deleted has no statement left to show it.
      const kept =
        event.update.length === 0
          ? state
          : { ...state, visionHistory: [...(state.visionHistory ?? []), event.update] };
      const statements = state.statements ?? {};
      if (!Object.hasOwn(statements, event.statementId)) return kept;
      const statement = statements[event.statementId]!;
      return withStatement(kept, { ...statement, text: event.text, updatedAt: event.at });
    }
    case 'visionHistoryMerged':
      return {
        ...state,
        visionHistory: [event.update, ...(state.visionHistory ?? []).slice(event.count)],
      };
    case 'sessionStarted':
      return {
        ...state,
        sessions: { ...state.sessions, [event.session.id]: event.session },
        sessionOrder: [...(state.sessionOrder ?? []), event.session.id],
        currentSessionId: event.session.id,
      };
    case 'sessionEnded': {
      const session = state.sessions![event.sessionId]!;
      return {
        ...state,
        sessions: { ...state.sessions, [session.id]: { ...session, endedAt: event.at } },
        currentSessionId: null,
      };
    }
    case 'sessionRenamed': {
      const session = state.sessions![event.sessionId]!;
      return {
        ...state,
        sessions: {
          ...state.sessions,
          [session.id]: { ...session, label: event.label, date: event.date },
        },
      };
    }
    case 'attendanceRecorded': {
      const session = state.sessions![event.sessionId]!;
      const attendance = [...session.attendance, ...event.participantIds];
      return {
        ...state,
        sessions: { ...state.sessions, [session.id]: { ...session, attendance } },
      };
    }
    case 'researchSaltSet':
      return { ...state, researchSalt: event.salt };
    case 'pseudonymsAssigned':
      return {
        ...state,
        researchPseudonyms: [...(state.researchPseudonyms ?? []), ...event.participantIds],
      };
    default:
      return applyDecision(state, event);
  }
}

/** Decide and apply in one go: the new state and the decision, or the refusal. */
export function execute(
  state: Workshop | null,
  actor: Actor,
  command: Command,
  ctx: Context,
): Result<{ state: Workshop; decision: Decision }> {
  const decision = decide(state, actor, command, ctx);
  if (!decision.ok) return decision;
  let next = state;
  for (const event of decision.value.events) next = apply(next, event);
  if (!next) throw new Error('a decision on a missing workshop produced no workshop');
  return { ok: true, value: { state: next, decision: decision.value } };
}

import { describe, expect, it } from 'vitest';
import {
  decide,
  type Actor,
  type Command,
  type CommandType,
  type ErrorCode,
  type BoardId,
  type NoteId,
  type Workshop,
} from '../../src/lib/domain';
import {
  boardOf,
  cmd,
  createCommand,
  facilitator,
  join,
  newWorkshop,
  nobody,
  participantActor,
  postNote,
  projector,
  refuse,
  run,
  testContext,
  type Session,
} from './helpers';

type Role =
  'facilitator' | 'co-facilitator' | 'author' | 'other participant' | 'projector' | 'nobody';
const ROLES: Role[] = [
  'facilitator',
  'co-facilitator',
  'author',
  'other participant',
  'projector',
  'nobody',
];
const coFacilitator: Actor = { role: 'cofacilitator', linkId: 'link-1' };

/** A workshop with two participants and one note by the first ("author") on the define board. */
function scene() {
  const s = newWorkshop();
  const author = join(s, 'Alice');
  const other = join(s, 'Bob');
  const noteId = postNote(s, author, 'define', 'Une note');
  const actors: Record<Role, Actor> = {
    facilitator,
    'co-facilitator': coFacilitator,
    author,
    'other participant': other,
    projector,
    nobody,
  };
  const authorRejoinHash = s.state.participants[author.participantId]!.rejoinCodeHash;
  const linkId = run(s, facilitator, cmd.createLink('Co-animation', 'hash-of-link')).reply!.linkId!;
  const otherNoteId = postNote(s, other, 'define', 'Une autre note');
  const defineBoardId = s.state.stages.define.boardIds[0]!;
  const newTheme = (title: string) =>
    run(s, facilitator, {
      type: 'createTheme',
      boardId: defineBoardId,
      title,
      noteIds: [],
    } as Command).reply!.themeId!;
  const themeId = newTheme('Premier thème');
  const secondBoardId = run(s, facilitator, {
    type: 'addBoard',
    stage: 'define',
    title: 'Deuxième tableau',
    columns: [],
  } as Command).reply!.boardId!;
  const otherThemeId = newTheme('Second thème');
  const newStatement = (title: string) =>
    run(s, facilitator, { type: 'addStatement', title }).reply!.statementId!;
  const statementId = newStatement('Dans trois ans');
  const otherStatementId = newStatement('Notre équipe');
  return {
    statementId,
    otherStatementId,
    s,
    actors,
    noteId,
    authorRejoinHash,
    otherId: other.participantId,
    linkId,
    otherNoteId,
    themeId,
    otherThemeId,
    secondBoardId,
  };
}

/** A valid command of each type against the scene. */
function commandFor(
  type: Exclude<CommandType, 'createWorkshop'>,
  sc: ReturnType<typeof scene>,
): Command {
  const board = boardOf(sc.s.state, 'define');
  const [first, second] = board.columns;
  switch (type) {
    case 'joinWorkshop':
      return cmd.join('Nouveau', null, 'fresh-token');
    case 'rejoinWorkshop':
      return cmd.rejoin(sc.authorRejoinHash, 'another-device');
    case 'removeParticipant':
      return { type: 'removeParticipant', participantId: sc.otherId };
    case 'setBoardSetting':
      return { type: 'setBoardSetting', boardId: board.id, setting: 'hidden', value: true };
    case 'moderateNote':
      return { type: 'moderateNote', noteId: sc.noteId as NoteId, moderated: true };
    case 'setTimer':
      return { type: 'setTimer', action: 'start', durationMs: 120_000 };
    case 'setObjectives':
      return { type: 'setObjectives', objectives: 'Mieux se connaître' };
    case 'setReportDetails':
      return { type: 'setReportDetails', presenters: 'Dre Tremblay' };
    case 'addBoard':
      return { type: 'addBoard', stage: 'dream', title: 'Vision', columns: [] };
    case 'renameBoard':
      return { type: 'renameBoard', boardId: board.id, title: 'Autre titre' };
    case 'moveBoard':
      return { type: 'moveBoard', boardId: sc.secondBoardId as BoardId, direction: 'up' };
    case 'removeBoard':
      return { type: 'removeBoard', boardId: board.id };
    case 'createTheme':
      return { type: 'createTheme', boardId: board.id, title: 'Thème', noteIds: [] };
    case 'renameTheme':
      return { type: 'renameTheme', themeId: sc.themeId, title: 'Renommé' };
    case 'mergeThemes':
      return { type: 'mergeThemes', themeId: sc.themeId, otherThemeId: sc.otherThemeId };
    case 'deleteTheme':
      return { type: 'deleteTheme', themeId: sc.themeId };
    case 'moveNotes':
      return { type: 'moveNotes', noteIds: [sc.noteId as NoteId], themeId: sc.otherThemeId };
    case 'stackNote':
      return { type: 'stackNote', noteId: sc.noteId as NoteId, onto: sc.otherNoteId as NoteId };
    case 'linkThemes':
      return { type: 'linkThemes', themeId: sc.themeId, answerId: sc.otherThemeId, linked: true };
    case 'setJoining':
      return { type: 'setJoining', open: false };
    case 'changeJoinCode':
      return { type: 'changeJoinCode', joinCode: 'NEWCODE' };
    case 'createCoFacilitatorLink':
      return cmd.createLink('Autre lien', 'another-hash');
    case 'revokeCoFacilitatorLink':
      return { type: 'revokeCoFacilitatorLink', linkId: sc.linkId };
    case 'rotateFacilitatorKey':
      return { type: 'rotateFacilitatorKey', keyHash: 'new-main-hash' };
    case 'deleteWorkshop':
      return { type: 'deleteWorkshop' };
    case 'setStage':
      return cmd.setStage('discover');
    case 'setQuestion':
      return cmd.setQuestion('Nouvelle question');
    case 'setStagePrompt':
      return cmd.setStagePrompt('define', 'Nouvelle consigne');
    case 'addColumn':
      return cmd.addColumn(board.id, 'Nouvelle colonne');
    case 'renameColumn':
      return cmd.renameColumn(board.id, first!.id, 'Renommée');
    case 'removeColumn':
      return cmd.removeColumn(board.id, second!.id);
    case 'addNote':
      return cmd.addNote(board.id, first!.id, 'Encore une note');
    case 'editNote':
      return cmd.editNote(sc.noteId, 'Note modifiée');
    case 'deleteNote':
      return cmd.deleteNote(sc.noteId);
    case 'addStatement':
      return { type: 'addStatement', title: 'Une vision' };
    case 'renameStatement':
      return { type: 'renameStatement', statementId: sc.statementId, title: 'Dans cinq ans' };
    case 'moveStatement':
      return { type: 'moveStatement', statementId: sc.otherStatementId, direction: 'up' };
    case 'lockStatement':
      return { type: 'lockStatement', statementId: sc.statementId, locked: true };
    case 'deleteStatement':
      return { type: 'deleteStatement', statementId: sc.statementId };
    case 'writeStatement':
      return { type: 'writeStatement', statementId: sc.statementId, update: 'AQ', text: 'Oui' };
    case 'mergeVisionHistory':
      return { type: 'mergeVisionHistory', count: 2, update: 'AQ' };
    case 'startSession':
      return { type: 'startSession', label: 'Séance 2', date: '2026-11-26' };
    case 'endSession':
      return { type: 'endSession' };
    case 'renameSession':
      return {
        type: 'renameSession',
        sessionId: 'no-such-session',
        label: 'Bilan',
        date: '2026-11-26',
      };
    case 'recordAttendance':
      return { type: 'recordAttendance', participantIds: [] };
    case 'setResearchSalt':
      return { type: 'setResearchSalt', salt: 'sel-de-recherche-0123456789' };
    case 'assignPseudonyms':
      return {
        type: 'assignPseudonyms',
        participantIds: [(sc.actors.author as { participantId: string }).participantId],
      };
    default:
      return decisionCommand(type, sc);
  }
}

/**
 * How far Décision has gone: 1 two candidates, 2 a dot vote open, 3 closed (a dot each on both),
 * 4 a ranking open, 5 closed (the author ranked the first), 6 revealed, 7 priorities adopted.
 */
function decisionLevel(state: Workshop): number {
  if ((state.priorityOrder ?? []).length > 0) return 7;
  if (state.ranking) return state.ranking.revealed ? 6 : state.ranking.status === 'closed' ? 5 : 4;
  if (state.dotVote) return state.dotVote.status === 'closed' ? 3 : 2;
  return (state.candidateOrder ?? []).length >= 2 ? 1 : 0;
}

/** Take the scene's Décision to `level` (never back: [G4] prepares every command in one scene). */
function reach(sc: ReturnType<typeof scene>, level: number): [string, string] {
  const { s } = sc;
  const author = sc.actors.author;
  const other = sc.actors['other participant'];
  const first = () => s.state.candidateOrder![0]!;
  const second = () => s.state.candidateOrder![1]!;
  const steps: (() => void)[] = [
    () => {
      for (const title of ['Première proposition', 'Deuxième proposition']) {
        run(s, facilitator, { type: 'addCandidate', title, description: '', sources: [] });
      }
    },
    () => run(s, facilitator, { type: 'openDotVote' }),
    () => {
      run(s, author, { type: 'castDots', candidateId: first(), dots: 1 });
      run(s, other, { type: 'castDots', candidateId: second(), dots: 1 });
      run(s, facilitator, { type: 'closeDotVote' });
    },
    () => run(s, facilitator, { type: 'openRanking' }),
    () => {
      run(s, author, { type: 'submitRanking', order: [first()] });
      run(s, facilitator, { type: 'closeRanking' });
    },
    () => run(s, facilitator, { type: 'revealRanking' }),
    () => run(s, facilitator, { type: 'adoptPriorities' }),
  ];
  for (let at = decisionLevel(s.state); at < level; at++) steps[at]!();
  return level >= 1 ? [first(), second()] : ['', ''];
}

/** A valid Décision command of each type, once the scene has gone as far as it needs. */
function decisionCommand(type: CommandType, sc: ReturnType<typeof scene>): Command {
  switch (type) {
    case 'addCandidate':
      return {
        type,
        title: 'Une proposition',
        description: '',
        sources: [{ kind: 'theme', id: sc.themeId }],
      };
    case 'setShortlist':
      return { type, size: 3 };
  }
  const level: Partial<Record<CommandType, number>> = {
    editCandidate: 1,
    removeCandidate: 1,
    moveCandidate: 1,
    openDotVote: 1,
    setDotRules: 2,
    castDots: 2,
    closeDotVote: 2,
    cancelDotVote: 2,
    peekDotVote: 2,
    reopenDotVote: 3,
    revealDotVote: 3,
    pickShortlist: 3,
    openRanking: 3,
    submitRanking: 4,
    closeRanking: 4,
    cancelRanking: 4,
    reopenRanking: 5,
    revealRanking: 5,
    adoptPriorities: 6,
    editPriority: 7,
    movePriority: 7,
    removePriority: 7,
  };
  const [c1, c2] = reach(sc, level[type] ?? 0);
  const [p1, p2] = sc.s.state.priorityOrder ?? [];
  switch (type) {
    case 'editCandidate':
      return { type, candidateId: c1, title: 'Renommée', description: '' };
    case 'removeCandidate':
      return { type, candidateId: c1 };
    case 'moveCandidate':
      return { type, candidateId: c2, direction: 'up' };
    case 'setDotRules':
      return { type, budget: 5, cap: 1 };
    case 'castDots':
      return { type, candidateId: c2, dots: 2 };
    case 'peekDotVote':
      return { type, on: true };
    case 'pickShortlist':
      return { type, candidateIds: [c2, c1] };
    case 'submitRanking':
      return { type, order: [c2, c1] };
    case 'editPriority':
      return { type, priorityId: p1!, owner: 'Équipe qualité' };
    case 'movePriority':
      return { type, priorityId: p2!, direction: 'up', reason: 'Plus urgent' };
    case 'removePriority':
      return { type, priorityId: p1! };
    default:
      return { type } as Command;
  }
}

const OK = 'accepted';
/** Ballots are cast by participants only. */
const PARTICIPANTS_ONLY = {
  facilitator: 'NOT_ALLOWED',
  'co-facilitator': 'NOT_ALLOWED',
  author: OK,
  'other participant': OK,
  projector: 'NOT_ALLOWED',
  nobody: 'NOT_JOINED',
} as const;
const FACILITATOR_ONLY = {
  facilitator: OK,
  'co-facilitator': OK,
  author: 'NOT_ALLOWED',
  'other participant': 'NOT_ALLOWED',
  projector: 'NOT_ALLOWED',
  nobody: 'NOT_ALLOWED',
} as const;
const MAIN_FACILITATOR_ONLY = {
  ...FACILITATOR_ONLY,
  'co-facilitator': 'NOT_ALLOWED',
} as const;
const AUTHOR_OR_FACILITATOR = {
  facilitator: OK,
  'co-facilitator': OK,
  author: OK,
  'other participant': 'NOT_YOUR_NOTE',
  projector: 'NOT_ALLOWED',
  nobody: 'NOT_JOINED',
} as const;

/** Who may do what: the accepted commands, and the code of the refused ones. */
const MATRIX: Record<Exclude<CommandType, 'createWorkshop'>, Record<Role, string>> = {
  joinWorkshop: {
    facilitator: 'NOT_ALLOWED',
    'co-facilitator': 'NOT_ALLOWED',
    author: 'ALREADY_JOINED',
    'other participant': 'ALREADY_JOINED',
    projector: 'NOT_ALLOWED',
    nobody: OK,
  },
  rejoinWorkshop: {
    facilitator: 'NOT_ALLOWED',
    'co-facilitator': 'NOT_ALLOWED',
    author: 'ALREADY_JOINED',
    'other participant': 'ALREADY_JOINED',
    projector: 'NOT_ALLOWED',
    nobody: OK,
  },
  removeParticipant: FACILITATOR_ONLY,
  setBoardSetting: FACILITATOR_ONLY,
  moderateNote: FACILITATOR_ONLY,
  setTimer: FACILITATOR_ONLY,
  setObjectives: FACILITATOR_ONLY,
  setReportDetails: FACILITATOR_ONLY,
  addBoard: FACILITATOR_ONLY,
  renameBoard: FACILITATOR_ONLY,
  moveBoard: FACILITATOR_ONLY,
  removeBoard: FACILITATOR_ONLY,
  createTheme: FACILITATOR_ONLY,
  renameTheme: FACILITATOR_ONLY,
  mergeThemes: FACILITATOR_ONLY,
  deleteTheme: FACILITATOR_ONLY,
  moveNotes: FACILITATOR_ONLY,
  stackNote: FACILITATOR_ONLY,
  linkThemes: FACILITATOR_ONLY,
  setJoining: FACILITATOR_ONLY,
  changeJoinCode: FACILITATOR_ONLY,
  createCoFacilitatorLink: MAIN_FACILITATOR_ONLY,
  revokeCoFacilitatorLink: MAIN_FACILITATOR_ONLY,
  rotateFacilitatorKey: MAIN_FACILITATOR_ONLY,
  deleteWorkshop: MAIN_FACILITATOR_ONLY,
  setStage: FACILITATOR_ONLY,
  setQuestion: FACILITATOR_ONLY,
  setStagePrompt: FACILITATOR_ONLY,
  addColumn: FACILITATOR_ONLY,
  renameColumn: FACILITATOR_ONLY,
  removeColumn: FACILITATOR_ONLY,
  addNote: {
    facilitator: OK,
    'co-facilitator': OK,
    author: OK,
    'other participant': OK,
    projector: 'NOT_ALLOWED',
    nobody: 'NOT_JOINED',
  },
  editNote: AUTHOR_OR_FACILITATOR,
  deleteNote: AUTHOR_OR_FACILITATOR,
  addStatement: FACILITATOR_ONLY,
  renameStatement: FACILITATOR_ONLY,
  moveStatement: FACILITATOR_ONLY,
  lockStatement: FACILITATOR_ONLY,
  deleteStatement: FACILITATOR_ONLY,
  // The scene is in Définition: participants write in statements during Devenir only.
  writeStatement: {
    facilitator: OK,
    'co-facilitator': OK,
    author: 'STATEMENT_NOT_ACTIVE',
    'other participant': 'STATEMENT_NOT_ACTIVE',
    projector: 'NOT_ALLOWED',
    nobody: 'NOT_JOINED',
  },
  addCandidate: FACILITATOR_ONLY,
  editCandidate: FACILITATOR_ONLY,
  removeCandidate: FACILITATOR_ONLY,
  moveCandidate: FACILITATOR_ONLY,
  openDotVote: FACILITATOR_ONLY,
  setDotRules: FACILITATOR_ONLY,
  castDots: PARTICIPANTS_ONLY,
  closeDotVote: FACILITATOR_ONLY,
  reopenDotVote: FACILITATOR_ONLY,
  cancelDotVote: FACILITATOR_ONLY,
  revealDotVote: FACILITATOR_ONLY,
  peekDotVote: FACILITATOR_ONLY,
  setShortlist: FACILITATOR_ONLY,
  pickShortlist: FACILITATOR_ONLY,
  openRanking: FACILITATOR_ONLY,
  submitRanking: PARTICIPANTS_ONLY,
  closeRanking: FACILITATOR_ONLY,
  reopenRanking: FACILITATOR_ONLY,
  cancelRanking: FACILITATOR_ONLY,
  revealRanking: FACILITATOR_ONLY,
  adoptPriorities: FACILITATOR_ONLY,
  editPriority: FACILITATOR_ONLY,
  movePriority: FACILITATOR_ONLY,
  removePriority: FACILITATOR_ONLY,
  startSession: FACILITATOR_ONLY,
  // The scene runs no session: whoever runs the room hears so; nobody else may end or rename one.
  endSession: {
    facilitator: 'NO_SESSION',
    'co-facilitator': 'NO_SESSION',
    author: 'NOT_ALLOWED',
    'other participant': 'NOT_ALLOWED',
    projector: 'NOT_ALLOWED',
    nobody: 'NOT_ALLOWED',
  },
  renameSession: {
    facilitator: 'UNKNOWN_SESSION',
    'co-facilitator': 'UNKNOWN_SESSION',
    author: 'NOT_ALLOWED',
    'other participant': 'NOT_ALLOWED',
    projector: 'NOT_ALLOWED',
    nobody: 'NOT_ALLOWED',
  },
  // Server-only (never on the wire), made by the server as nobody: no person's role may; the
  // scene runs no session.
  recordAttendance: {
    facilitator: 'NOT_ALLOWED',
    'co-facilitator': 'NOT_ALLOWED',
    author: 'NOT_ALLOWED',
    'other participant': 'NOT_ALLOWED',
    projector: 'NOT_ALLOWED',
    nobody: 'NO_SESSION',
  },
  // Server-only (never on the wire): the research export's key, drawn by the server as nobody.
  setResearchSalt: {
    facilitator: 'NOT_ALLOWED',
    'co-facilitator': 'NOT_ALLOWED',
    author: 'NOT_ALLOWED',
    'other participant': 'NOT_ALLOWED',
    projector: 'NOT_ALLOWED',
    nobody: OK,
  },
  // Server-only (never on the wire): research pseudonyms, given by the server as nobody.
  assignPseudonyms: {
    facilitator: 'NOT_ALLOWED',
    'co-facilitator': 'NOT_ALLOWED',
    author: 'NOT_ALLOWED',
    'other participant': 'NOT_ALLOWED',
    projector: 'NOT_ALLOWED',
    nobody: OK,
  },
  // Server-only (never on the wire): the scene has no history to merge, whoever asks.
  mergeVisionHistory: {
    facilitator: 'BAD_REQUEST',
    'co-facilitator': 'BAD_REQUEST',
    author: 'BAD_REQUEST',
    'other participant': 'BAD_REQUEST',
    projector: 'BAD_REQUEST',
    nobody: 'BAD_REQUEST',
  },
};

type Cell = keyof typeof MATRIX;

/** The SPEC rule a cell of the matrix illustrates. */
function ruleFor(type: Cell, role: Role, expected: string): string {
  switch (type) {
    case 'joinWorkshop':
      if (expected === OK) return '[J1]';
      return expected === 'ALREADY_JOINED' ? '[J4]' : '[J5]';
    case 'rejoinWorkshop':
      return expected === OK ? '[J8]' : '[J9]';
    case 'removeParticipant':
      return expected === OK ? '[A1]' : '[G3]';
    case 'setJoining':
      return expected === OK ? '[A2]' : '[G3]';
    case 'changeJoinCode':
      return expected === OK ? '[A7]' : '[G3]';
    case 'setBoardSetting':
      return expected === OK ? '[B5]' : '[G3]';
    case 'moderateNote':
      return expected === OK ? '[B8]' : '[G3]';
    case 'setTimer':
      return expected === OK ? '[TM1]' : '[G3]';
    case 'setReportDetails':
      return expected === OK ? '[EX18]' : '[G3]';
    case 'setObjectives':
    case 'addBoard':
    case 'renameBoard':
    case 'moveBoard':
    case 'removeBoard':
      return expected === OK ? '[BD1]' : '[G3]';
    case 'createTheme':
    case 'renameTheme':
    case 'mergeThemes':
    case 'deleteTheme':
    case 'moveNotes':
    case 'stackNote':
    case 'linkThemes':
      return expected === OK ? '[TH1]' : '[TH2]';
    case 'createCoFacilitatorLink':
    case 'revokeCoFacilitatorLink':
    case 'rotateFacilitatorKey':
      return expected === OK ? '[A3]' : '[A4]';
    case 'deleteWorkshop':
      return expected === OK ? '[A5]' : '[A6]';
    case 'setStage':
      return expected === OK ? '[S1]' : '[G3]';
    case 'setQuestion':
      return expected === OK ? '[S3]' : '[G3]';
    case 'setStagePrompt':
      return expected === OK ? '[S4]' : '[G3]';
    case 'addColumn':
      return expected === OK ? '[C1]' : '[G3]';
    case 'renameColumn':
      return expected === OK ? '[C5]' : '[G3]';
    case 'removeColumn':
      return expected === OK ? '[C7]' : '[G3]';
    case 'addNote':
      return expected === OK ? '[N1]' : '[N2]';
    case 'editNote':
    case 'deleteNote':
      return role === 'projector' ? '[G4][N7]' : '[N7]';
    case 'addStatement':
      return '[V1]';
    case 'renameStatement':
    case 'moveStatement':
    case 'lockStatement':
    case 'deleteStatement':
      return expected === OK ? '[V2]' : '[V1]';
    case 'writeStatement':
      return '[V4]';
    case 'mergeVisionHistory':
      return '[V13]';
    case 'startSession':
    case 'endSession':
    case 'renameSession':
      return '[SE1]';
    case 'recordAttendance':
      return '[SE3]';
    case 'setResearchSalt':
      return '[EX40]';
    case 'assignPseudonyms':
      return '[EX20]';
    case 'addCandidate':
    case 'editCandidate':
    case 'removeCandidate':
    case 'moveCandidate':
    case 'openDotVote':
    case 'setDotRules':
    case 'castDots':
    case 'closeDotVote':
    case 'reopenDotVote':
    case 'cancelDotVote':
    case 'revealDotVote':
    case 'peekDotVote':
    case 'setShortlist':
    case 'pickShortlist':
    case 'openRanking':
    case 'submitRanking':
    case 'closeRanking':
    case 'reopenRanking':
    case 'cancelRanking':
    case 'revealRanking':
    case 'adoptPriorities':
    case 'editPriority':
    case 'movePriority':
    case 'removePriority':
      return '[DC28]';
    default:
      throw new Error(`no rule for ${type}`);
  }
}

const CASES = (Object.entries(MATRIX) as [Cell, Record<Role, string>][]).flatMap(([type, row]) =>
  ROLES.map((role) => ({ type, role, expected: row[role], rule: ruleFor(type, role, row[role]) })),
);

describe('who may do what', () => {
  for (const { type, role, expected, rule } of CASES) {
    it(`${rule} ${type} by ${role}: ${expected}`, () => {
      const sc = scene();
      const command = commandFor(type, sc);
      const actor = sc.actors[role];
      if (expected === OK) {
        const decision = run(sc.s, actor, command);
        expect(decision.events.length).toBe(1);
      } else {
        refuse(sc.s, actor, command, expected as ErrorCode);
      }
    });
  }

  it('[G4] the projector can change nothing', () => {
    const sc = scene();
    for (const type of Object.keys(MATRIX) as (keyof typeof MATRIX)[]) {
      const result = decide(sc.s.state, projector, commandFor(type, sc), sc.s.ctx);
      expect(result.ok, type).toBe(false);
    }
  });
});

describe('a missing workshop', () => {
  const SAMPLES: Command[] = [
    cmd.join('Alice', null, 'tok'),
    cmd.setStage('discover'),
    cmd.setQuestion('Q'),
    cmd.setStagePrompt('define', 'P'),
    cmd.addColumn('b', 'C'),
    cmd.renameColumn('b', 'c', 'C'),
    cmd.removeColumn('b', 'c'),
    cmd.addNote('b', 'c', 'N'),
    cmd.editNote('n', 'N'),
    cmd.deleteNote('n'),
  ];

  it('[G1] every command but createWorkshop is refused with NOT_FOUND, for every actor', () => {
    expect(new Set(SAMPLES.map((c) => c.type)).size).toBe(10);
    for (const command of SAMPLES) {
      for (const actor of [facilitator, participantActor('p'), projector, nobody]) {
        const result = decide(null, actor, command, testContext());
        expect(result, `${command.type} by ${actor.role}`).toEqual({
          ok: false,
          error: { code: 'NOT_FOUND', message: 'No workshop matches this link or code.' },
        });
      }
    }
  });

  it('[W1] createWorkshop is the only command accepted without a workshop', () => {
    expect(decide(null, nobody, createCommand(), testContext()).ok).toBe(true);
  });
});

describe('a deleted workshop', () => {
  it('[A5] once deleted, every command on it is NOT_FOUND, for every actor, deleting again too', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    const decision = run(s, facilitator, { type: 'deleteWorkshop' });
    expect(decision.events).toEqual([{ type: 'workshopDeleted', at: s.ctx.now }]);
    expect(s.state.deletedAt).toBe(s.ctx.now);
    const samples: Command[] = [
      { type: 'deleteWorkshop' },
      cmd.join('Zoé', null, 'tok-z'),
      cmd.setStage('discover'),
      cmd.addNote(board.id, board.columns[0]!.id, 'Après'),
    ];
    for (const command of samples) {
      for (const actor of [facilitator, alice, projector, nobody]) {
        refuse(s, actor, command, 'NOT_FOUND');
      }
    }
  });
});

describe('what is checked first', () => {
  function fresh(): { s: Session; alice: Actor } {
    const s = newWorkshop();
    return { s, alice: join(s, 'Alice') };
  }

  it('[G2] a non-facilitator gets NOT_ALLOWED even for an unknown board or an invalid text', () => {
    const { s, alice } = fresh();
    for (const actor of [alice, projector, nobody]) {
      refuse(s, actor, cmd.addColumn('nope', ''), 'NOT_ALLOWED');
      refuse(s, actor, cmd.renameColumn('nope', 'nope', ''), 'NOT_ALLOWED');
      refuse(s, actor, cmd.removeColumn('nope', 'nope'), 'NOT_ALLOWED');
      refuse(s, actor, cmd.setQuestion('q'.repeat(1000)), 'NOT_ALLOWED');
      refuse(s, actor, cmd.setStagePrompt('define', 'p'.repeat(1000)), 'NOT_ALLOWED');
    }
  });

  it('[G2] adding a note: NOT_JOINED / NOT_ALLOWED before the board and the text', () => {
    const { s } = fresh();
    refuse(s, nobody, cmd.addNote('nope', 'nope', ''), 'NOT_JOINED');
    refuse(s, projector, cmd.addNote('nope', 'nope', ''), 'NOT_ALLOWED');
  });

  it('[G2] joining: the role is checked before the name and the sector', () => {
    const { s, alice } = fresh();
    refuse(s, alice, cmd.join('', 'no-such-sector', 'tok-x'), 'ALREADY_JOINED');
    refuse(s, facilitator, cmd.join('', 'no-such-sector', 'tok-x'), 'NOT_ALLOWED');
    refuse(s, projector, cmd.join('', 'no-such-sector', 'tok-x'), 'NOT_ALLOWED');
  });

  it('[G2] editing or deleting: an unknown note is reported before the actor is judged', () => {
    const { s } = fresh();
    refuse(s, projector, cmd.editNote('nope', 'x'), 'UNKNOWN_NOTE');
    refuse(s, nobody, cmd.deleteNote('nope'), 'UNKNOWN_NOTE');
  });
});

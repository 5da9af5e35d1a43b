import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../server/app';
import { hashSecret } from '../../server/crypto';
import type { Workshop } from '../../src/lib/domain/index';
import { newRejoinCode } from '../../src/lib/client/opId';
import type { ClientCommand } from '../../src/lib/protocol/commands';
import { closeClients, send } from './helpers';
import {
  buildScene,
  reachDecision,
  disconnected,
  LOOSE_LIMITS,
  newKey,
  ROLES,
  startTrustServer,
  type Role,
  type Scene,
} from './scene';

/*
 * Who may do what, through socket.io: every wire command × every kind of client, each cell
 * against a fresh workshop on one shared server. The unit table (tests/unit/access.test.ts) is the
 * domain's; this one adds what the transport does: the role comes from the handshake, joining
 * needs a device token, creating needs a connection without a workshop, secrets are hashed.
 */

let server: RunningServer;
beforeAll(async () => {
  server = await startTrustServer({ limits: LOOSE_LIMITS });
});
afterEach(() => closeClients());
afterAll(async () => {
  closeClients();
  await server.close();
});

const OK = 'ok';
type Expected = typeof OK | string;
type Row = Record<Role, Expected>;

const FACILITATOR_ONLY: Row = {
  facilitator: OK,
  'co-facilitator': OK,
  author: 'NOT_ALLOWED',
  'other participant': 'NOT_ALLOWED',
  projector: 'NOT_ALLOWED',
  nobody: 'NOT_ALLOWED',
  outsider: 'NOT_FOUND',
};
const MAIN_FACILITATOR_ONLY: Row = { ...FACILITATOR_ONLY, 'co-facilitator': 'NOT_ALLOWED' };
const AUTHOR_OR_FACILITATOR: Row = {
  facilitator: OK,
  'co-facilitator': OK,
  author: OK,
  'other participant': 'NOT_YOUR_NOTE',
  projector: 'NOT_ALLOWED',
  nobody: 'NOT_JOINED',
  outsider: 'NOT_FOUND',
};
/** Joining needs a device token: sessions without one are refused by the transport. */
const JOINING: Row = {
  facilitator: 'BAD_REQUEST',
  'co-facilitator': 'BAD_REQUEST',
  author: 'ALREADY_JOINED',
  'other participant': 'ALREADY_JOINED',
  projector: 'BAD_REQUEST',
  nobody: OK,
  outsider: 'NOT_FOUND',
};

type CommandType = ClientCommand['type'];
type DecisionIds = Awaited<ReturnType<typeof reachDecision>>;

/** Ballots: participants only. */
const PARTICIPANTS_ONLY: Row = {
  facilitator: 'NOT_ALLOWED',
  'co-facilitator': 'NOT_ALLOWED',
  author: OK,
  'other participant': OK,
  projector: 'NOT_ALLOWED',
  nobody: 'NOT_JOINED',
  outsider: 'NOT_FOUND',
};

interface Case {
  expected: Row;
  /** Décision: how far the scene must go first (see reachDecision). */
  level?: number;
  /** A valid command of this type against the scene (fresh values each call). */
  command(sc: Scene, ids: DecisionIds): ClientCommand;
  /** For accepted cells: what must have changed (the state before and after). */
  check(
    sc: Scene,
    before: Workshop,
    after: Workshop,
    cmd: ClientCommand,
    role: Role,
    ids: DecisionIds,
  ): void | Promise<void>;
  /** How many rooms an accepted command takes away (a deletion: one). */
  removesRooms?: number;
}

const MATRIX: Record<Exclude<CommandType, 'createWorkshop'>, Case> = {
  joinWorkshop: {
    expected: JOINING,
    command: () => ({
      type: 'joinWorkshop',
      name: 'Nouveau',
      sector: null,
      rejoinCode: newRejoinCode(),
    }),
    check(sc, before, after, cmd) {
      const added = Object.values(after.participants).filter((p) => !before.participants[p.id]);
      expect(added).toHaveLength(1);
      expect(added[0]!.tokenHash).toBe(hashSecret(sc.nobodyToken));
      const code = (cmd as Extract<ClientCommand, { type: 'joinWorkshop' }>).rejoinCode;
      expect(added[0]!.rejoinCodeHash).toBe(hashSecret(code));
      expect(JSON.stringify(after)).not.toContain(sc.nobodyToken);
      expect(JSON.stringify(after)).not.toContain(code);
    },
  },
  rejoinWorkshop: {
    expected: JOINING,
    command: (sc) => ({ type: 'rejoinWorkshop', rejoinCode: sc.author.rejoinCode }),
    check(sc, before, after) {
      const id = sc.author.participantId;
      expect(after.participants[id]!.tokenHash).toBe(hashSecret(sc.nobodyToken));
      expect(before.participants[id]!.tokenHash).toBe(hashSecret(sc.author.token));
      expect(JSON.stringify(after)).not.toContain(sc.nobodyToken);
    },
  },
  removeParticipant: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'removeParticipant', participantId: sc.other.participantId }),
    check(sc, _before, after) {
      expect(after.participants[sc.other.participantId]).toMatchObject({ name: '', tokenHash: '' });
      expect(after.participants[sc.other.participantId]!.removedAt).toBeTypeOf('number');
    },
  },
  setBoardSetting: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({
      type: 'setBoardSetting',
      boardId: sc.boardId,
      setting: 'locked',
      value: true,
    }),
    check: (sc, _before, after) => expect(after.boards[sc.boardId]!.locked).toBe(true),
  },
  moderateNote: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'moderateNote', noteId: sc.noteId, moderated: true }),
    check: (sc, _before, after) => expect(after.notes[sc.noteId]!.moderated).toBe(true),
  },
  setTimer: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setTimer', action: 'start', durationMs: 90_000 }),
    check: (_sc, _before, after) =>
      expect(after.timer).toMatchObject({ durationMs: 90_000, remainingMs: 90_000 }),
  },
  setObjectives: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setObjectives', objectives: 'Se connaître' }),
    check: (_sc, _before, after) => expect(after.objectives).toBe('Se connaître'),
  },
  setReportDetails: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setReportDetails', keyMessages: ['Se parler tôt'] }),
    check: (_sc, _before, after) => expect(after.report?.keyMessages).toEqual(['Se parler tôt']),
  },
  addBoard: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'addBoard', stage: 'dream', title: 'Vision', columns: ['Rêves'] }),
    check: (_sc, before, after) =>
      expect(after.stages.dream.boardIds.length).toBe(before.stages.dream.boardIds.length + 1),
  },
  renameBoard: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'renameBoard', boardId: sc.boardId, title: 'Nouveau titre' }),
    check: (sc, _before, after) => expect(after.boards[sc.boardId]!.title).toBe('Nouveau titre'),
  },
  moveBoard: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'moveBoard', boardId: sc.secondBoardId, direction: 'up' }),
    check: (sc, _before, after) => expect(after.stages.define.boardIds[0]).toBe(sc.secondBoardId),
  },
  removeBoard: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'removeBoard', boardId: sc.otherBoardId }),
    check: (sc, _before, after) => expect(after.boards[sc.otherBoardId]).toBeUndefined(),
  },
  createTheme: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({
      type: 'createTheme',
      boardId: sc.boardId,
      title: 'Nouveau thème',
      noteIds: [sc.noteId],
    }),
    check: (sc, before, after) => {
      const added = Object.values(after.themes ?? {}).filter((t) => !before.themes?.[t.id]);
      expect(added.map((t) => t.title)).toEqual(['Nouveau thème']);
      expect(after.notes[sc.noteId]!.themeId).toBe(added[0]!.id);
    },
  },
  renameTheme: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'renameTheme', themeId: sc.themeId, title: 'Renommé' }),
    check: (sc, _before, after) => expect(after.themes![sc.themeId]!.title).toBe('Renommé'),
  },
  mergeThemes: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'mergeThemes', themeId: sc.themeId, otherThemeId: sc.otherThemeId }),
    check: (sc, _before, after) => expect(after.themes![sc.otherThemeId]).toBeUndefined(),
  },
  deleteTheme: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'deleteTheme', themeId: sc.themeId }),
    check: (sc, _before, after) => expect(after.themes![sc.themeId]).toBeUndefined(),
  },
  moveNotes: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'moveNotes', noteIds: [sc.noteId], themeId: sc.themeId }),
    check: (sc, _before, after) => expect(after.notes[sc.noteId]!.themeId).toBe(sc.themeId),
  },
  stackNote: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'stackNote', noteId: sc.otherNoteId, onto: sc.noteId }),
    check: (sc, _before, after) => expect(after.notes[sc.otherNoteId]!.stackedOn).toBe(sc.noteId),
  },
  linkThemes: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({
      type: 'linkThemes',
      themeId: sc.themeId,
      answerId: sc.otherThemeId,
      linked: true,
    }),
    check: (sc, _before, after) =>
      expect(after.themes![sc.themeId]!.answeredBy).toEqual([sc.otherThemeId]),
  },
  setJoining: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setJoining', open: false }),
    check: (_sc, _before, after) => expect(after.joiningOpen).toBe(false),
  },
  changeJoinCode: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'changeJoinCode' }),
    check: (_sc, before, after) => {
      expect(after.joinCode).not.toBe(before.joinCode);
      expect(after.formerJoinCodes).toContain(before.joinCode);
    },
  },
  createCoFacilitatorLink: {
    expected: MAIN_FACILITATOR_ONLY,
    command: () => ({ type: 'createCoFacilitatorLink', label: 'Deuxième', key: newKey() }),
    check(_sc, before, after, cmd) {
      const key = (cmd as Extract<ClientCommand, { type: 'createCoFacilitatorLink' }>).key;
      const added = Object.values(after.coFacilitators).filter((l) => !before.coFacilitators[l.id]);
      expect(added).toMatchObject([
        { label: 'Deuxième', keyHash: hashSecret(key), revokedAt: null },
      ]);
      expect(JSON.stringify(after)).not.toContain(key);
    },
  },
  revokeCoFacilitatorLink: {
    expected: MAIN_FACILITATOR_ONLY,
    command: (sc) => ({ type: 'revokeCoFacilitatorLink', linkId: sc.linkId }),
    check: (sc, _before, after) =>
      expect(after.coFacilitators[sc.linkId]!.revokedAt).toBeTypeOf('number'),
  },
  rotateFacilitatorKey: {
    expected: MAIN_FACILITATOR_ONLY,
    command: () => ({ type: 'rotateFacilitatorKey', key: newKey() }),
    check(sc, _before, after, cmd) {
      const key = (cmd as Extract<ClientCommand, { type: 'rotateFacilitatorKey' }>).key;
      expect(after.facilitatorKeyHash).toBe(hashSecret(key));
      expect(JSON.stringify(after)).not.toContain(key);
      expect(JSON.stringify(after)).not.toContain(sc.facilitatorKey);
    },
  },
  deleteWorkshop: {
    expected: MAIN_FACILITATOR_ONLY,
    command: () => ({ type: 'deleteWorkshop' }),
    async check(sc, _before, after) {
      expect(after.deletedAt).toBeTypeOf('number');
      await vi.waitFor(() => expect(server.realtime.rooms.has(sc.workshopId)).toBe(false));
    },
    removesRooms: 1,
  },
  setStage: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setStage', stage: 'discover' }),
    check: (_sc, _before, after) => expect(after.currentStage).toBe('discover'),
  },
  setQuestion: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setQuestion', question: 'Nouvelle question' }),
    check: (_sc, _before, after) => expect(after.question).toBe('Nouvelle question'),
  },
  setStagePrompt: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setStagePrompt', stage: 'define', prompt: 'Nouvelle consigne' }),
    check: (_sc, _before, after) => expect(after.stages.define.prompt).toBe('Nouvelle consigne'),
  },
  addColumn: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'addColumn', boardId: sc.boardId, title: 'Nouvelle colonne' }),
    check: (sc, _before, after) =>
      expect(after.boards[sc.boardId]!.columns.map((c) => c.title)).toContain('Nouvelle colonne'),
  },
  renameColumn: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({
      type: 'renameColumn',
      boardId: sc.boardId,
      columnId: sc.columnIds[0],
      title: 'Renommée',
    }),
    check: (sc, _before, after) =>
      expect(after.boards[sc.boardId]!.columns[0]!.title).toBe('Renommée'),
  },
  removeColumn: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'removeColumn', boardId: sc.boardId, columnId: sc.columnIds[1] }),
    check: (sc, _before, after) =>
      expect(after.boards[sc.boardId]!.columns.map((c) => c.id)).toEqual([sc.columnIds[0]]),
  },
  addNote: {
    expected: {
      facilitator: OK,
      'co-facilitator': OK,
      author: OK,
      'other participant': OK,
      projector: 'NOT_ALLOWED',
      nobody: 'NOT_JOINED',
      outsider: 'NOT_FOUND',
    },
    command: (sc) => ({
      type: 'addNote',
      boardId: sc.boardId,
      columnId: sc.columnIds[0],
      text: 'Encore une note',
    }),
    check(sc, before, after, _cmd, role) {
      const added = Object.values(after.notes).filter((n) => !before.notes[n.id]);
      expect(added).toHaveLength(1);
      expect(added[0]!.text).toBe('Encore une note');
      const author =
        role === 'author'
          ? { kind: 'participant', id: sc.author.participantId }
          : role === 'other participant'
            ? { kind: 'participant', id: sc.other.participantId }
            : { kind: 'facilitator' };
      expect(added[0]!.author).toEqual(author);
    },
  },
  editNote: {
    expected: AUTHOR_OR_FACILITATOR,
    command: (sc) => ({ type: 'editNote', noteId: sc.noteId, text: 'Note modifiée' }),
    check: (sc, _before, after) => expect(after.notes[sc.noteId]!.text).toBe('Note modifiée'),
  },
  deleteNote: {
    expected: AUTHOR_OR_FACILITATOR,
    command: (sc) => ({ type: 'deleteNote', noteId: sc.noteId }),
    check: (sc, _before, after) => expect(after.notes[sc.noteId]).toBeUndefined(),
  },
  addStatement: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'addStatement', title: 'Une vision' }),
    check: (_sc, before, after) =>
      expect(after.statementOrder).toHaveLength(before.statementOrder!.length + 1),
  },
  renameStatement: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'renameStatement', statementId: sc.statementId, title: 'Renommé' }),
    check: (sc, _before, after) => expect(after.statements![sc.statementId]!.title).toBe('Renommé'),
  },
  moveStatement: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'moveStatement', statementId: sc.statementId, direction: 'down' }),
    check: (sc, _before, after) =>
      expect(after.statementOrder).toEqual([sc.otherStatementId, sc.statementId]),
  },
  lockStatement: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'lockStatement', statementId: sc.statementId, locked: true }),
    check: (sc, _before, after) => expect(after.statements![sc.statementId]!.locked).toBe(true),
  },
  deleteStatement: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({ type: 'deleteStatement', statementId: sc.statementId }),
    check: (sc, _before, after) => expect(after.statements![sc.statementId]).toBeUndefined(),
  },
  addCandidate: {
    expected: FACILITATOR_ONLY,
    command: (sc) => ({
      type: 'addCandidate',
      title: '',
      description: 'Pourquoi',
      sources: [{ kind: 'theme', id: sc.themeId }],
    }),
    check(_sc, _before, after) {
      const [candidate] = Object.values(after.candidates!);
      expect(candidate).toMatchObject({ title: 'Premier thème', description: 'Pourquoi' });
    },
  },
  editCandidate: {
    expected: FACILITATOR_ONLY,
    level: 1,
    command: (_sc, ids) => ({
      type: 'editCandidate',
      candidateId: ids.candidateIds[0]!,
      title: 'Renommée',
      description: '',
    }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.candidates![ids.candidateIds[0]!]!.title).toBe('Renommée'),
  },
  removeCandidate: {
    expected: FACILITATOR_ONLY,
    level: 1,
    command: (_sc, ids) => ({ type: 'removeCandidate', candidateId: ids.candidateIds[0]! }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.candidateOrder).toEqual([ids.candidateIds[1]]),
  },
  moveCandidate: {
    expected: FACILITATOR_ONLY,
    level: 1,
    command: (_sc, ids) => ({
      type: 'moveCandidate',
      candidateId: ids.candidateIds[1]!,
      direction: 'up',
    }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.candidateOrder).toEqual([...ids.candidateIds].reverse()),
  },
  openDotVote: {
    expected: FACILITATOR_ONLY,
    level: 1,
    command: () => ({ type: 'openDotVote', budget: 4 }),
    check: (_sc, _before, after) =>
      expect(after.dotVote).toMatchObject({ status: 'open', budget: 4, cap: 2 }),
  },
  setDotRules: {
    expected: FACILITATOR_ONLY,
    level: 2,
    command: () => ({ type: 'setDotRules', budget: 5, cap: 1 }),
    check: (_sc, _before, after) => expect(after.dotVote).toMatchObject({ budget: 5, cap: 1 }),
  },
  castDots: {
    expected: PARTICIPANTS_ONLY,
    level: 2,
    command: (_sc, ids) => ({ type: 'castDots', candidateId: ids.candidateIds[1]!, dots: 2 }),
    check(sc, _before, after, _cmd, role, ids) {
      const voter = role === 'author' ? sc.author : sc.other;
      expect(after.dots).toEqual({ [voter.participantId]: { [ids.candidateIds[1]!]: 2 } });
    },
  },
  closeDotVote: {
    expected: FACILITATOR_ONLY,
    level: 2,
    command: () => ({ type: 'closeDotVote' }),
    check: (_sc, _before, after) => expect(after.dotVote!.status).toBe('closed'),
  },
  reopenDotVote: {
    expected: FACILITATOR_ONLY,
    level: 3,
    command: () => ({ type: 'reopenDotVote' }),
    check: (_sc, before, after) => {
      expect(after.dotVote!.status).toBe('open');
      expect(after.dots).toEqual(before.dots);
    },
  },
  cancelDotVote: {
    expected: FACILITATOR_ONLY,
    level: 2,
    command: () => ({ type: 'cancelDotVote' }),
    check: (_sc, _before, after) => expect(after.dotVote).toBeUndefined(),
  },
  revealDotVote: {
    expected: FACILITATOR_ONLY,
    level: 3,
    command: () => ({ type: 'revealDotVote' }),
    check: (_sc, _before, after) => expect(after.dotVote!.revealed).toBe(true),
  },
  peekDotVote: {
    expected: FACILITATOR_ONLY,
    level: 2,
    command: () => ({ type: 'peekDotVote', on: true }),
    check: (_sc, _before, after) => expect(after.dotVote!.peek).toBe(true),
  },
  setShortlist: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'setShortlist', size: 3 }),
    check: (_sc, _before, after) => expect(after.shortlistSize).toBe(3),
  },
  pickShortlist: {
    expected: FACILITATOR_ONLY,
    level: 3,
    command: (_sc, ids) => ({
      type: 'pickShortlist',
      candidateIds: [...ids.candidateIds].reverse(),
    }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.shortlistPick!.candidateIds).toEqual([...ids.candidateIds].reverse()),
  },
  openRanking: {
    expected: FACILITATOR_ONLY,
    level: 3,
    command: () => ({ type: 'openRanking' }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.ranking!.items).toEqual(ids.candidateIds),
  },
  submitRanking: {
    expected: PARTICIPANTS_ONLY,
    level: 4,
    command: (_sc, ids) => ({ type: 'submitRanking', order: [...ids.candidateIds].reverse() }),
    check(sc, _before, after, _cmd, role, ids) {
      const voter = role === 'author' ? sc.author : sc.other;
      expect(after.rankings).toEqual({ [voter.participantId]: [...ids.candidateIds].reverse() });
    },
  },
  closeRanking: {
    expected: FACILITATOR_ONLY,
    level: 4,
    command: () => ({ type: 'closeRanking' }),
    check: (_sc, _before, after) => expect(after.ranking!.status).toBe('closed'),
  },
  reopenRanking: {
    expected: FACILITATOR_ONLY,
    level: 5,
    command: () => ({ type: 'reopenRanking' }),
    check: (_sc, _before, after) => expect(after.ranking!.status).toBe('open'),
  },
  cancelRanking: {
    expected: FACILITATOR_ONLY,
    level: 4,
    command: () => ({ type: 'cancelRanking' }),
    check: (_sc, _before, after) => expect(after.ranking).toBeUndefined(),
  },
  revealRanking: {
    expected: FACILITATOR_ONLY,
    level: 5,
    command: () => ({ type: 'revealRanking' }),
    check: (_sc, _before, after) => expect(after.ranking!.revealed).toBe(true),
  },
  adoptPriorities: {
    expected: FACILITATOR_ONLY,
    level: 6,
    command: () => ({ type: 'adoptPriorities' }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(Object.values(after.priorities!).map((p) => p.candidateId)).toEqual(ids.candidateIds),
  },
  editPriority: {
    expected: FACILITATOR_ONLY,
    level: 7,
    command: (_sc, ids) => ({
      type: 'editPriority',
      priorityId: ids.priorityIds[0]!,
      owner: 'Équipe qualité',
    }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.priorities![ids.priorityIds[0]!]!.owner).toBe('Équipe qualité'),
  },
  movePriority: {
    expected: FACILITATOR_ONLY,
    level: 7,
    command: (_sc, ids) => ({
      type: 'movePriority',
      priorityId: ids.priorityIds[1]!,
      direction: 'up',
      reason: 'Plus urgent',
    }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.priorityOrder).toEqual([...ids.priorityIds].reverse()),
  },
  startSession: {
    expected: FACILITATOR_ONLY,
    command: () => ({ type: 'startSession', label: 'Séance 2', date: '2026-11-26' }),
    check: (_sc, _before, after) => {
      expect(after.currentSessionId).toBe(after.sessionOrder![0]);
      expect(after.sessions![after.currentSessionId!]).toMatchObject({
        label: 'Séance 2',
        date: '2026-11-26',
      });
    },
  },
  // The scene runs no session: whoever runs the room hears so; nobody else may end or rename one.
  endSession: {
    expected: { ...FACILITATOR_ONLY, facilitator: 'NO_SESSION', 'co-facilitator': 'NO_SESSION' },
    command: () => ({ type: 'endSession' }),
    check: () => {},
  },
  renameSession: {
    expected: {
      ...FACILITATOR_ONLY,
      facilitator: 'UNKNOWN_SESSION',
      'co-facilitator': 'UNKNOWN_SESSION',
    },
    command: () => ({
      type: 'renameSession',
      sessionId: 'nope',
      label: 'Bilan',
      date: '2026-11-26',
    }),
    check: () => {},
  },
  removePriority: {
    expected: FACILITATOR_ONLY,
    level: 7,
    command: (_sc, ids) => ({ type: 'removePriority', priorityId: ids.priorityIds[0]! }),
    check: (_sc, _before, after, _cmd, _role, ids) =>
      expect(after.priorityOrder).toEqual([ids.priorityIds[1]]),
  },
};

/** createWorkshop: only a connection that belongs to no workshop may create one. */
const CREATE: Row = {
  facilitator: 'NOT_ALLOWED',
  'co-facilitator': 'NOT_ALLOWED',
  author: 'NOT_ALLOWED',
  'other participant': 'NOT_ALLOWED',
  projector: 'NOT_ALLOWED',
  nobody: 'NOT_ALLOWED',
  outsider: OK,
};
const createCommand = (): ClientCommand => ({
  type: 'createWorkshop',
  title: 'Un autre atelier',
  question: '',
  language: 'en',
  sectors: [],
});

function ruleOf(type: CommandType, role: Role, expected: Expected): string {
  if (type === 'createWorkshop' || role === 'outsider') return '[X1][X3]';
  if ((type === 'joinWorkshop' || type === 'rejoinWorkshop') && expected !== 'NOT_FOUND') {
    return expected === OK ? '[X1][X4]' : '[X1][X2]';
  }
  if (expected === OK && /CoFacilitatorLink|rotate/.test(type)) return '[X1][X4]';
  return '[X1]';
}

const CELLS = [
  ...(Object.entries(MATRIX) as [Exclude<CommandType, 'createWorkshop'>, Case][]).flatMap(
    ([type, c]) => ROLES.map((role) => ({ type, role, expected: c.expected[role], c })),
  ),
  ...ROLES.map((role) => ({
    type: 'createWorkshop' as const,
    role,
    expected: CREATE[role],
    c: null,
  })),
];

describe('every command × every client, through the transport', () => {
  it('[X1] the table covers every wire command and every role', () => {
    expect(new Set(CELLS.map((cell) => cell.type)).size).toBe(67);
    expect(CELLS).toHaveLength(67 * ROLES.length);
  });

  for (const { type, role, expected, c } of CELLS) {
    const title = `${ruleOf(type, role, expected)} ${type} by ${role}: ${expected}`;
    it(title, async () => {
      const sc = await buildScene(server);
      const ids = await reachDecision(sc, c?.level ?? 0);
      const cmd = c ? c.command(sc, ids) : createCommand();
      const socket = sc.sockets[role];
      const before = sc.latest();
      const beforeJson = sc.snapshot();
      const rooms = server.realtime.rooms.size;

      const ack = await send(socket, cmd);

      if (expected === OK) {
        expect(ack, JSON.stringify(ack)).toMatchObject({ ok: true });
        if (c) {
          expect(sc.snapshot()).not.toBe(beforeJson);
          await c.check(sc, before, sc.latest(), cmd, role, ids);
          expect(server.realtime.rooms.size).toBe(rooms - (c.removesRooms ?? 0));
        } else {
          // a new workshop, and nothing else touched
          expect(server.realtime.rooms.size).toBe(rooms + 1);
          expect(sc.snapshot()).toBe(beforeJson);
          const { workshopId, facilitatorKey } = ack.ok ? ack.value : {};
          const created = server.realtime.rooms.get(workshopId!)!.decided;
          expect(created.facilitatorKeyHash).toBe(hashSecret(facilitatorKey!));
          expect(JSON.stringify(created)).not.toContain(facilitatorKey);
        }
      } else {
        expect(ack).toMatchObject({ ok: false, error: { code: expected } });
        expect(sc.snapshot()).toBe(beforeJson);
        expect(server.realtime.rooms.size).toBe(rooms);
        expect(socket.connected).toBe(true);
      }
    });
  }
});

describe('what an accepted cell does to the other clients', () => {
  it('[X1] a rejoin by the visitor lets the author’s device go; a revocation, the co-facilitator’s', async () => {
    const sc = await buildScene(server);
    const authorGone = disconnected(sc.sockets.author);
    await send(sc.sockets.nobody, { type: 'rejoinWorkshop', rejoinCode: sc.author.rejoinCode });
    expect(await authorGone).toBe('io server disconnect');
    const coGone = disconnected(sc.sockets['co-facilitator']);
    await send(sc.sockets.facilitator, { type: 'revokeCoFacilitatorLink', linkId: sc.linkId });
    expect(await coGone).toBe('io server disconnect');
    // the others stay
    for (const role of ['facilitator', 'other participant', 'projector', 'nobody'] as const) {
      expect(sc.sockets[role].connected, role).toBe(true);
    }
  });
});

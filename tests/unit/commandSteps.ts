/**
 * Random command steps for model-based tests: a step is resolved against the state when it runs,
 * with ids drawn from that state most of the time. Shared by the model-based tests (the domain's
 * in tests/unit/model.test.ts, the projection's in tests/unit/projection.test.ts).
 */
import fc from 'fast-check';
import {
  BOARD_SETTINGS,
  currentShortlist,
  LIMITS,
  PRIORITY_STATUSES,
  STAGES,
  TIMER_ACTIONS,
  type Actor,
  type Command,
  type CommandType,
  type Workshop,
} from '../../src/lib/domain/index';
import { createCommand, participantActor } from './helpers';

/** One random step, resolved against the state when it runs. */
export interface Step {
  type: CommandType;
  actor: number;
  picks: [number, number, number];
  /** 0: use an id the workshop does not have. */
  known: number;
  flag: boolean;
  text: string;
}

/**
 * How often each command comes up. Notes and themes weigh most: that is where ids point at each
 * other (stacks, themes, links); removing boards and deleting the workshop wipe a lot, so rarely.
 */
const WEIGHTS: Record<CommandType, number> = {
  createWorkshop: 1,
  joinWorkshop: 4,
  rejoinWorkshop: 1,
  removeParticipant: 1,
  setJoining: 1,
  changeJoinCode: 1,
  createCoFacilitatorLink: 1,
  revokeCoFacilitatorLink: 1,
  rotateFacilitatorKey: 1,
  deleteWorkshop: 1,
  setStage: 2,
  setQuestion: 1,
  setStagePrompt: 1,
  setObjectives: 1,
  setReportDetails: 1,
  addColumn: 2,
  renameColumn: 1,
  removeColumn: 4,
  setBoardSetting: 4,
  moderateNote: 2,
  setTimer: 1,
  addBoard: 1,
  renameBoard: 1,
  moveBoard: 1,
  removeBoard: 2,
  createTheme: 6,
  renameTheme: 2,
  mergeThemes: 5,
  deleteTheme: 2,
  moveNotes: 5,
  stackNote: 8,
  linkThemes: 6,
  addNote: 12,
  editNote: 2,
  deleteNote: 2,
  addStatement: 2,
  renameStatement: 1,
  moveStatement: 1,
  lockStatement: 2,
  deleteStatement: 1,
  writeStatement: 5,
  mergeVisionHistory: 1,
  // Décision: a quarter of the steps (its own model-based test, with DECISION_WEIGHTS, goes deep)
  addCandidate: 3,
  editCandidate: 1,
  removeCandidate: 1,
  moveCandidate: 1,
  openDotVote: 1,
  setDotRules: 1,
  castDots: 4,
  closeDotVote: 1,
  reopenDotVote: 1,
  cancelDotVote: 1,
  revealDotVote: 1,
  peekDotVote: 1,
  setShortlist: 1,
  pickShortlist: 1,
  openRanking: 1,
  submitRanking: 3,
  closeRanking: 1,
  reopenRanking: 1,
  cancelRanking: 1,
  revealRanking: 1,
  adoptPriorities: 1,
  editPriority: 1,
  movePriority: 1,
  removePriority: 1,
  // Sessions: started and ended now and then, so that notes and themes fall in several
  startSession: 2,
  endSession: 1,
  renameSession: 1,
  recordAttendance: 2,
  setResearchSalt: 1,
  assignPseudonyms: 1,
};
/**
 * The Décision model-based test's mix (tests/unit/decision.test.ts): Décision's commands with
 * joins and removals, weighted so that runs get through votes and rankings to priorities, which
 * come last in a run and so get more of its steps.
 */
const DECISION_WEIGHTS: Partial<Record<CommandType, number>> = {
  joinWorkshop: 4,
  removeParticipant: 1,
  addCandidate: 6,
  editCandidate: 1,
  removeCandidate: 2,
  moveCandidate: 1,
  openDotVote: 4,
  setDotRules: 2,
  castDots: 16,
  closeDotVote: 3,
  reopenDotVote: 2,
  cancelDotVote: 1,
  revealDotVote: 2,
  peekDotVote: 1,
  setShortlist: 1,
  pickShortlist: 2,
  openRanking: 4,
  submitRanking: 14,
  closeRanking: 3,
  reopenRanking: 1,
  cancelRanking: 1,
  revealRanking: 2,
  adoptPriorities: 3,
  editPriority: 11,
  movePriority: 11,
  removePriority: 3,
};
const TYPES = (Object.entries(WEIGHTS) as [CommandType, number][]).flatMap(([type, weight]) =>
  Array<CommandType>(weight).fill(type),
);

/** Mostly valid texts, sometimes empty, blank or too long. */
const TEXTS = [
  'Texte',
  '  Deux\r\nlignes ',
  'Thème',
  'x',
  'Une autre idée',
  '',
  '   ',
  'é'.repeat(281),
];

export const step: fc.Arbitrary<Step> = fc.record({
  type: fc.constantFrom(...TYPES),
  actor: fc.nat(99),
  picks: fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)),
  known: fc.nat(9),
  flag: fc.boolean(),
  text: fc.constantFrom(...TEXTS),
});

const DECISION_TYPES = (Object.entries(DECISION_WEIGHTS) as [CommandType, number][]).flatMap(
  ([type, weight]) => Array<CommandType>(weight).fill(type),
);

/** A step of Décision only (see DECISION_WEIGHTS), so that long runs go deep into it. */
export const decisionStep: fc.Arbitrary<Step> = fc.record({
  type: fc.constantFrom(...DECISION_TYPES),
  actor: fc.nat(99),
  picks: fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)),
  known: fc.nat(9),
  flag: fc.boolean(),
  text: fc.constantFrom(...TEXTS),
});

/** An item of the list (by a random index), or an id nobody has when `known` says so. */
function pick<T extends string>(list: readonly T[], n: number, known: number): T {
  if (known === 0 || list.length === 0) return (n % 2 === 0 ? 'no-such-id' : '__proto__') as T;
  return list[n % list.length]!;
}

/** Another item than `pick(list, n, 1)` when the list has two or more. */
function pickOther<T extends string>(list: readonly T[], n: number, m: number, known: number): T {
  if (known === 0 || list.length < 2) return pick(list, m, known);
  return list[(n + 1 + (m % (list.length - 1))) % list.length]!;
}

export function actorFor(state: Workshop, s: Step): Actor {
  const participants = Object.keys(state.participants);
  // joining is mostly tried by people who have not joined (anyone else is refused)
  if ((s.type === 'joinWorkshop' || s.type === 'rejoinWorkshop') && s.actor % 4 !== 0) {
    return { role: 'nobody' };
  }
  const first = decisionFirst(state, s);
  if (first?.actor) return first.actor;
  // the server records attendance as nobody in particular (anyone else is refused)
  if (s.type === 'recordAttendance' && s.actor % 4 !== 0) return { role: 'nobody' };
  if (s.type === 'setResearchSalt' && s.actor % 4 !== 0) return { role: 'nobody' };
  if (s.type === 'assignPseudonyms' && s.actor % 4 !== 0) return { role: 'nobody' };
  // ballots are mostly cast by participants (anyone else is refused)
  if ((s.type === 'castDots' || s.type === 'submitRanking') && s.actor % 4 !== 0) {
    return participantActor(pick(participants, s.actor, s.known));
  }
  const role = s.actor % 10;
  if (role < 3) return { role: 'facilitator' };
  if (role < 5) {
    return { role: 'cofacilitator', linkId: pick(Object.keys(state.coFacilitators), s.actor, 1) };
  }
  if (role < 8) return participantActor(pick(participants, s.actor, s.known));
  return role === 8 ? { role: 'projector' } : { role: 'nobody' };
}

/** How far into Décision a command needs the workshop to be (see `decisionLadder`). */
const DECISION_LEVEL: Partial<Record<CommandType, number>> = {
  openDotVote: 1,
  setDotRules: 1,
  closeDotVote: 1,
  revealDotVote: 1,
  peekDotVote: 1,
  reopenDotVote: 1,
  openRanking: 2,
  pickShortlist: 2,
  closeRanking: 3,
  revealRanking: 3,
  reopenRanking: 3,
  adoptPriorities: 4,
  editPriority: 5,
  movePriority: 5,
  removePriority: 5,
};

/**
 * Décision goes in steps (candidates, a vote, a ranking, priorities) that random commands would
 * seldom take in order: a step whose command needs a later point than the workshop has reached
 * usually becomes the command that moves it one step on, so that runs reach ballots, rankings
 * and priorities. Null: nothing to do first (or waiting for ballots, which participants cast).
 */
function decisionLadder(state: Workshop, level: number): Command | null {
  // priorities outlive the ranking they came from
  if (level === 5 && (state.priorityOrder ?? []).length > 0) return null;
  if ((state.candidateOrder ?? []).length < 2) {
    return { type: 'addCandidate', title: 'Idée', description: '', sources: [] };
  }
  const vote = state.dotVote;
  if (!vote) return { type: 'openDotVote' };
  if (level < 2) return null;
  if (vote.status === 'open') {
    return Object.keys(state.dots ?? {}).length > 0 ? { type: 'closeDotVote' } : null;
  }
  const ranking = state.ranking;
  if (!ranking && currentShortlist(state).length < 2) {
    // too few candidates got dots: whoever runs the room picks the first two
    return { type: 'pickShortlist', candidateIds: state.candidateOrder!.slice(0, 2) };
  }
  if (!ranking) return { type: 'openRanking' };
  if (level < 3) return null;
  if (ranking.status === 'open') {
    return Object.keys(state.rankings ?? {}).length > 0 ? { type: 'closeRanking' } : null;
  }
  if (!ranking.revealed) return { type: 'revealRanking' };
  return level < 5 ? null : { type: 'adoptPriorities' };
}

/**
 * What a Décision step does first, most of the time, when the workshop is not far enough for it
 * (one in four steps is left as it is, so that refusals are tried too): a ballot with nobody to
 * cast it has someone join; a ballot with no vote (no ranking) to cast it in has whoever runs
 * the room move Décision on; a facilitator's command climbs the ladder. An actor is given when
 * the step's own would not do.
 */
function decisionFirst(state: Workshop, s: Step): { actor?: Actor; command: Command } | null {
  if (s.picks[2] % 4 === 0) return null;
  if (s.type === 'castDots' || s.type === 'submitRanking') {
    const active = Object.values(state.participants).filter((p) => p.removedAt === undefined);
    if (active.length === 0) {
      const device = `device-${s.picks[0] % 12}`;
      return {
        actor: { role: 'nobody' },
        command: {
          type: 'joinWorkshop',
          name: 'Votante',
          sector: null,
          tokenHash: device,
          rejoinCodeHash: `rejoin-${device}`,
        },
      };
    }
    const waiting = s.type === 'castDots' ? !state.dotVote : !state.ranking;
    const command = waiting ? decisionLadder(state, s.type === 'castDots' ? 1 : 2) : null;
    return command ? { actor: { role: 'facilitator' }, command } : null;
  }
  const level = DECISION_LEVEL[s.type];
  const command = level === undefined ? null : decisionLadder(state, level);
  return command ? { command } : null;
}

/** Build the command a step stands for, with ids taken from the current state. */
export function commandFor(state: Workshop, s: Step): Command {
  return decisionFirst(state, s)?.command ?? plainCommandFor(state, s);
}

function plainCommandFor(state: Workshop, s: Step): Command {
  const [a, b, c] = s.picks;
  const k = s.known;
  const boards = Object.values(state.boards);
  // mostly a board that has notes, so that notes, stacks and themes meet
  const withNotes = boards.filter((x) =>
    Object.values(state.notes).some((n) => n.boardId === x.id),
  );
  const among = withNotes.length > 0 && a % 4 !== 0 ? withNotes : boards;
  const board = among.length > 0 && k !== 0 ? among[a % among.length]! : undefined;
  const boardId = board?.id ?? 'no-such-board';
  // mostly a column of the board, sometimes one of another board
  const columns = (c % 5 === 0 ? boards.flatMap((x) => x.columns) : (board?.columns ?? [])).map(
    (col) => col.id,
  );
  const columnId = pick(columns, b, k);
  const allNotes = Object.values(state.notes);
  const boardNotes = allNotes.filter((n) => n.boardId === board?.id);
  const notes = (c % 4 === 0 ? allNotes : boardNotes).map((n) => n.id as string);
  const themes = Object.values(state.themes ?? {});
  const boardThemes = themes.filter((t) => t.boardId === board?.id);
  const themeIds = (c % 4 === 0 || boardThemes.length === 0 ? themes : boardThemes).map(
    (t) => t.id,
  );
  const participants = Object.keys(state.participants);
  const statements = state.statementOrder ?? [];
  const candidates = state.candidateOrder ?? [];
  const items = state.ranking?.items ?? [];
  const priorities = state.priorityOrder ?? [];
  const stage = c % 7 === 0 ? 'nowhere' : STAGES[a % STAGES.length]!;
  const device = `device-${a % 12}`;
  const any = { type: s.type } as Record<string, unknown>;
  switch (s.type) {
    case 'createWorkshop':
      return createCommand();
    case 'joinWorkshop':
      return {
        type: 'joinWorkshop',
        name: s.text,
        sector:
          c % 4 === 0
            ? null
            : (pick(
                state.sectors.map((x) => x.id),
                b,
                k,
              ) as never),
        tokenHash: device,
        rejoinCodeHash: `rejoin-${device}`,
      };
    case 'rejoinWorkshop':
      return {
        type: 'rejoinWorkshop',
        rejoinCodeHash: `rejoin-device-${b % 12}`,
        tokenHash: `device-${(a + 1) % 14}`,
      };
    case 'removeParticipant':
      return { type: 'removeParticipant', participantId: pick(participants, a, k) as never };
    case 'setJoining':
      return { type: 'setJoining', open: s.flag };
    case 'changeJoinCode':
      return { type: 'changeJoinCode', joinCode: `CODE${a % 15}` };
    case 'createCoFacilitatorLink':
      return { type: 'createCoFacilitatorLink', label: s.text, keyHash: `link-${a}` };
    case 'revokeCoFacilitatorLink':
      return {
        type: 'revokeCoFacilitatorLink',
        linkId: pick(Object.keys(state.coFacilitators), a, k),
      };
    case 'rotateFacilitatorKey':
      return { type: 'rotateFacilitatorKey', keyHash: `key-${a}` };
    case 'deleteWorkshop':
      // rare: everything after it is NOT_FOUND, which teaches little
      return a % 10 === 0 ? { type: 'deleteWorkshop' } : { type: 'setJoining', open: s.flag };
    case 'setStage':
      return { type: 'setStage', stage: stage as never };
    case 'setQuestion':
      return { type: 'setQuestion', question: s.text };
    case 'setStagePrompt':
      return { type: 'setStagePrompt', stage: stage as never, prompt: s.text };
    case 'setObjectives':
      return { type: 'setObjectives', objectives: s.text };
    case 'setReportDetails':
      return { type: 'setReportDetails', noteTakers: s.text, keyMessages: [s.text] };
    case 'addColumn':
      return { type: 'addColumn', boardId: boardId as never, title: s.text };
    case 'renameColumn':
      return {
        type: 'renameColumn',
        boardId: boardId as never,
        columnId: columnId as never,
        title: s.text,
      };
    case 'removeColumn':
      return { type: 'removeColumn', boardId: boardId as never, columnId: columnId as never };
    case 'setBoardSetting':
      return {
        type: 'setBoardSetting',
        boardId: boardId as never,
        setting: (c % 9 === 0 ? 'colour' : BOARD_SETTINGS[b % BOARD_SETTINGS.length]!) as never,
        value: s.flag,
      };
    case 'moderateNote':
      return { type: 'moderateNote', noteId: pick(notes, a, k) as never, moderated: s.flag };
    case 'setTimer':
      return {
        type: 'setTimer',
        action: TIMER_ACTIONS[a % TIMER_ACTIONS.length]!,
        ...(b % 3 === 0 ? {} : { durationMs: [0, 60_000, 5e8][b % 3]! }),
      };
    case 'addBoard':
      return {
        type: 'addBoard',
        stage: stage as never,
        title: s.text,
        columns: s.flag ? [] : ['Un', 'Deux'],
      };
    case 'renameBoard':
      return { type: 'renameBoard', boardId: boardId as never, title: s.text };
    case 'moveBoard':
      return { type: 'moveBoard', boardId: boardId as never, direction: s.flag ? 'up' : 'down' };
    case 'removeBoard': {
      // any board, with or without notes: a board of themes linked from elsewhere must go cleanly
      const gone = k === 0 || boards.length === 0 ? 'no-such-board' : boards[b % boards.length]!.id;
      return a % 3 === 0
        ? { type: 'removeBoard', boardId: gone as never }
        : { type: 'renameBoard', boardId: boardId as never, title: s.text };
    }
    case 'createTheme':
      return {
        type: 'createTheme',
        boardId: boardId as never,
        title: s.text,
        noteIds: (s.flag ? [] : [pick(notes, b, k), pickOther(notes, b, c, 1)]) as never,
      };
    case 'renameTheme':
      return { type: 'renameTheme', themeId: pick(themeIds, a, k), title: s.text };
    case 'mergeThemes':
      return {
        type: 'mergeThemes',
        themeId: pick(themeIds, a, k),
        otherThemeId: pickOther(themeIds, a, b, 1),
      };
    case 'deleteTheme':
      return { type: 'deleteTheme', themeId: pick(themeIds, a, k) };
    case 'moveNotes':
      return {
        type: 'moveNotes',
        noteIds: (s.flag
          ? [pick(notes, a, k)]
          : [pick(notes, a, k), pickOther(notes, a, b, 1)]) as never,
        themeId: c % 3 === 0 ? null : pick(themeIds, c, k),
      };
    case 'stackNote':
      return {
        type: 'stackNote',
        noteId: pick(notes, a, k) as never,
        onto: (c % 5 === 0 ? null : pickOther(notes, a, b, 1)) as never,
      };
    case 'linkThemes': {
      // a barrier is usually answered by a theme of another board: any two themes
      const all = themes.map((t) => t.id);
      return {
        type: 'linkThemes',
        themeId: pick(all, a, k),
        answerId: pickOther(all, a, b, 1),
        linked: c % 4 !== 0,
      };
    }
    case 'addNote':
      return {
        type: 'addNote',
        boardId: boardId as never,
        columnId: columnId as never,
        text: s.text,
      };
    case 'editNote':
      return { type: 'editNote', noteId: pick(notes, a, k) as never, text: s.text };
    case 'deleteNote':
      return { type: 'deleteNote', noteId: pick(notes, a, k) as never };
    case 'addStatement':
      return { type: 'addStatement', title: s.text };
    case 'renameStatement':
      return { type: 'renameStatement', statementId: pick(statements, a, k), title: s.text };
    case 'moveStatement':
      return {
        type: 'moveStatement',
        statementId: pick(statements, a, k),
        direction: s.flag ? 'up' : 'down',
      };
    case 'lockStatement':
      return { type: 'lockStatement', statementId: pick(statements, a, k), locked: s.flag };
    case 'deleteStatement':
      return { type: 'deleteStatement', statementId: pick(statements, a, k) };
    case 'writeStatement': {
      // sometimes exactly at the cap, sometimes one past it
      const text =
        c % 6 === 0
          ? 'v'.repeat(LIMITS.statementLength + (s.flag ? 1 : 0))
          : `${s.text} ${b}`.trim();
      return {
        type: 'writeStatement',
        statementId: pick(statements, a, k),
        update: `AQ${a}`,
        text,
      };
    }
    case 'startSession':
      // sometimes a day that does not exist, sometimes none (the server's day)
      return {
        type: 'startSession',
        label: s.text,
        ...(s.flag ? {} : { date: c % 5 === 0 ? '2026-02-30' : '2026-11-26' }),
      };
    case 'endSession':
      return { type: 'endSession' };
    case 'renameSession':
      return {
        type: 'renameSession',
        sessionId: pick(state.sessionOrder ?? [], a, k),
        label: s.text,
        date: s.flag ? '2027-01-15' : 'demain',
      };
    case 'recordAttendance':
      return {
        type: 'recordAttendance',
        participantIds: [pick(participants, a, k), pick(participants, b, 1)],
      };
    case 'setResearchSalt':
      // sometimes too short (refused)
      return { type: 'setResearchSalt', salt: s.flag ? 'court' : `sel-${a}-${b}-0123456789` };
    case 'assignPseudonyms':
      // sometimes someone already numbered, or twice (refused)
      return {
        type: 'assignPseudonyms',
        participantIds: s.flag
          ? [pick(participants, a, k), pick(participants, a, k)]
          : [pick(participants, a, k)],
      };
    case 'mergeVisionHistory':
      // sometimes more than the history holds, sometimes just one (both refused)
      return {
        type: 'mergeVisionHistory',
        count: 1 + (a % 4),
        update: s.flag ? '' : `AQ${a}`,
      };
    case 'addCandidate': {
      // sources of every kind, sometimes one that is gone, sometimes a title taken from them
      const pool = [
        ...themes.map((t) => ({ kind: 'theme' as const, id: t.id })),
        ...allNotes.map((n) => ({ kind: 'note' as const, id: n.id as string })),
        ...statements.map((id) => ({ kind: 'statement' as const, id })),
      ];
      const sources =
        pool.length === 0 || b % 3 === 0
          ? []
          : k === 0
            ? [{ kind: 'theme' as const, id: 'no-such-theme' }]
            : [pool[b % pool.length]!, ...(c % 2 === 0 ? [pool[c % pool.length]!] : [])];
      return {
        type: 'addCandidate',
        title: s.flag ? '' : s.text,
        description: a % 3 === 0 ? s.text : '',
        sources,
      };
    }
    case 'editCandidate':
      return {
        type: 'editCandidate',
        candidateId: pick(candidates, a, k),
        title: s.text,
        description: s.flag ? '' : s.text,
      };
    case 'removeCandidate':
      return { type: 'removeCandidate', candidateId: pick(candidates, a, k) };
    case 'moveCandidate':
      return {
        type: 'moveCandidate',
        candidateId: pick(candidates, a, k),
        direction: s.flag ? 'up' : 'down',
      };
    case 'openDotVote':
      return c % 3 === 0
        ? { type: 'openDotVote', budget: [0, 1, 3, 60][a % 4]!, cap: [1, 2, 11][b % 3]! }
        : { type: 'openDotVote' };
    case 'setDotRules':
      return { type: 'setDotRules', budget: 1 + (a % 6), cap: 1 + (b % 3) };
    case 'castDots':
      // mostly within the cap, sometimes over it or not a whole number
      return {
        type: 'castDots',
        candidateId: pick(candidates, a, k),
        dots: c % 9 === 0 ? 2.5 : [1, 2, 1, 0, 2, 3][b % 6]!,
      };
    case 'closeDotVote':
    case 'reopenDotVote':
    case 'cancelDotVote':
    case 'revealDotVote':
    case 'openRanking':
    case 'closeRanking':
    case 'reopenRanking':
    case 'cancelRanking':
    case 'revealRanking':
      return { type: s.type } as Command;
    case 'peekDotVote':
      return { type: 'peekDotVote', on: s.flag };
    case 'setShortlist':
      return { type: 'setShortlist', size: [1, 2, 3, 4, 11][a % 5]! };
    case 'pickShortlist':
      return {
        type: 'pickShortlist',
        candidateIds: c % 4 === 0 ? [] : [pick(candidates, a, k), pickOther(candidates, a, b, 1)],
      };
    case 'submitRanking': {
      // a prefix of the items in a rotated order; sometimes a duplicate or a stranger
      const rotated = items.map((_, i) => items[(i + a) % items.length]!);
      const order = rotated.slice(0, b % (items.length + 1));
      if (k === 0) order.push(c % 2 === 0 ? 'no-such-item' : (order[0] ?? 'x'));
      return { type: 'submitRanking', order };
    }
    case 'adoptPriorities':
      return { type: 'adoptPriorities', replace: s.flag };
    case 'editPriority':
      return {
        type: 'editPriority',
        priorityId: pick(priorities, a, k),
        ...(b % 3 === 0 ? { title: s.text } : {}),
        ...(b % 3 === 1 ? { owner: s.text, horizon: s.text } : {}),
        ...(c % 2 === 0 ? { status: PRIORITY_STATUSES[c % PRIORITY_STATUSES.length]! } : {}),
      };
    case 'movePriority':
      return {
        type: 'movePriority',
        priorityId: pick(priorities, a, k),
        direction: s.flag ? 'up' : 'down',
        reason: s.text,
      };
    case 'removePriority':
      return { type: 'removePriority', priorityId: pick(priorities, a, k) };
    default:
      return any as Command;
  }
}

/**
 * Model-based test: long random command sequences from every role against `execute`, with ids
 * drawn from the current state most of the time. After each step the invariants must hold, a
 * refusal must leave the state as it was, and a few facts no invariant can see (links carried
 * over by a merge) must hold too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { project } from '../../server/projection';
import {
  apply,
  BOARD_SETTINGS,
  checkInvariants,
  ERRORS,
  execute,
  shownGroups,
  STAGES,
  themeSectors,
  TIMER_ACTIONS,
  type Actor,
  type Command,
  type CommandType,
  type Decision,
  type Workshop,
  type WorkshopEvent,
} from '../../src/lib/domain/index';
import { createCommand, deepFreeze, participantActor, testContext } from './helpers';

/** One random step, resolved against the state when it runs. */
interface Step {
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

const step: fc.Arbitrary<Step> = fc.record({
  type: fc.constantFrom(...TYPES),
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

function actorFor(state: Workshop, s: Step): Actor {
  const participants = Object.keys(state.participants);
  // joining is mostly tried by people who have not joined (anyone else is refused)
  if ((s.type === 'joinWorkshop' || s.type === 'rejoinWorkshop') && s.actor % 4 !== 0) {
    return { role: 'nobody' };
  }
  const role = s.actor % 10;
  if (role < 3) return { role: 'facilitator' };
  if (role < 5) {
    return { role: 'cofacilitator', linkId: pick(Object.keys(state.coFacilitators), s.actor, 1) };
  }
  if (role < 8) return participantActor(pick(participants, s.actor, s.known));
  return role === 8 ? { role: 'projector' } : { role: 'nobody' };
}

/** Build the command a step stands for, with ids taken from the current state. */
function commandFor(state: Workshop, s: Step): Command {
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
    default:
      return any as Command;
  }
}

/**
 * What a merge must keep that no invariant sees: every theme that was answered by the theme that
 * went is now answered by the one that stayed (unless it is that one), and so is the one that
 * stayed by every answer of the one that went.
 */
function mergeKeptLinks(before: Workshop, after: Workshop, command: Command): string[] {
  if (command.type !== 'mergeThemes') return [];
  const { themeId: into, otherThemeId: gone } = command;
  const lost: string[] = [];
  for (const theme of Object.values(before.themes ?? {})) {
    if (theme.id === gone || theme.id === into) continue;
    if (theme.answeredBy.includes(gone) && !after.themes![theme.id]!.answeredBy.includes(into)) {
      lost.push(`theme ${theme.id} lost its link to merged theme ${gone}`);
    }
  }
  for (const answer of before.themes![gone]!.answeredBy) {
    if (answer !== into && !after.themes![into]!.answeredBy.includes(answer)) {
      lost.push(`merged theme's answer ${answer} was lost`);
    }
  }
  return lost;
}

/**
 * Every theme's figures as K11 says they are, computed here from what the test noted when each
 * note was written (its author's group then, by `shownGroups`): a note counts under that group
 * while the group is shown, anonymous notes nowhere, and a theme shows figures once three people
 * count. Figures that followed the room instead (a join, a removal moving a number) differ.
 */
function figuresAsRecorded(state: Workshop, recorded: Map<string, string | undefined>): string[] {
  const shown = shownGroups(state).order;
  const wrong: string[] = [];
  for (const theme of Object.values(state.themes ?? {})) {
    const people = new Map<string, Set<string>>();
    const everyone = new Set<string>();
    for (const note of Object.values(state.notes)) {
      const group = recorded.get(note.id);
      if (note.themeId !== theme.id || note.author.kind !== 'participant') continue;
      if (group === undefined || !shown.includes(group)) continue;
      people.set(group, (people.get(group) ?? new Set()).add(note.author.id));
      everyone.add(note.author.id);
    }
    const expected =
      state.boards[theme.boardId]!.anonymous || everyone.size < 3
        ? []
        : shown
            .filter((g) => people.has(g))
            .map((g) => ({ sector: g, people: people.get(g)!.size }));
    const actual = themeSectors(state, theme.id);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      wrong.push(
        `theme ${theme.id} shows ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`,
      );
    }
  }
  return wrong;
}

/**
 * Nothing but its author's own replica may depend on who wrote a note written on a board that
 * was anonymous then (the test keeps that list itself, not trusting the note's flag): give
 * every such note another author (a participant, present or removed) and the room's and the
 * console's replicas must not change by a byte (K4, K12).
 */
function anonymousAuthorsUnread(state: Workshop, writtenAnonymously: Set<string>): string[] {
  const people = Object.keys(state.participants);
  const anonymous = Object.values(state.notes).filter(
    (n) => writtenAnonymously.has(n.id) && n.author.kind === 'participant',
  );
  if (people.length < 2 || anonymous.length === 0) return [];
  const notes = { ...state.notes };
  for (const note of anonymous) {
    const author = note.author.kind === 'participant' ? note.author.id : '';
    const other = people[(people.indexOf(author) + 1) % people.length]!;
    notes[note.id] = { ...note, author: { kind: 'participant', id: other as never } };
  }
  const connected = new Set(people.slice(0, 2));
  const original = project(state, connected, []);
  const swapped = project({ ...state, notes }, connected, []);
  const read: string[] = [];
  for (const audience of ['public', 'facilitator'] as const) {
    if (JSON.stringify(original[audience]) !== JSON.stringify(swapped[audience])) {
      read.push(`the ${audience} replica changes with the author of an anonymous note`);
    }
  }
  return read;
}

const known = new Set(Object.keys(ERRORS));

/** Run the steps; return the first broken rule, with the trail that led to it. */
function runSteps(steps: Step[]): void {
  const ctx = testContext();
  const created = execute(
    null,
    { role: 'nobody' },
    createCommand({ sectors: ['A', 'B', 'C'] }),
    ctx,
  );
  if (!created.ok) throw new Error('the workshop could not be created');
  let state = deepFreeze(created.value.state);
  const events: WorkshopEvent[] = [...created.value.decision.events];
  const trail: string[] = [];
  const writtenAnonymously = new Set<string>();
  const recorded = new Map<string, string | undefined>();
  /** Note what the test itself knows of a note as it is written. */
  const written = (before: Workshop, actor: Actor, command: Command, decision: Decision) => {
    if (decision.events.length === 0) return;
    // text changed on an anonymous board is anonymous from then on (K13)
    if (command.type === 'editNote') {
      if (before.boards[before.notes[command.noteId]!.boardId]!.anonymous) {
        writtenAnonymously.add(command.noteId);
        recorded.delete(command.noteId);
      }
      return;
    }
    const noteId = decision.reply?.noteId;
    if (command.type !== 'addNote' || noteId === undefined) return;
    if (before.boards[command.boardId]!.anonymous) writtenAnonymously.add(noteId);
    else if (actor.role === 'participant') {
      recorded.set(noteId, shownGroups(before).groupOf.get(actor.participantId));
    }
  };
  // A room to start from: four people, a few notes and three themes, so that random steps soon
  // meet notes, stacks, themes and links.
  const prelude = (actor: Actor, command: Command) => {
    const result = execute(state, actor, command, ctx);
    if (!result.ok) throw new Error(`prelude ${command.type}: ${result.error.code}`);
    written(state, actor, command, result.value.decision);
    events.push(...result.value.decision.events);
    state = deepFreeze(result.value.state);
    return result.value.decision.reply;
  };
  const board = state.boards[state.stages.define.boardIds[0]!]!;
  for (let i = 0; i < 4; i++) {
    const sector = i === 3 ? null : state.sectors[i % 2]!.id;
    const tokenHash = `device-${i}`;
    const joined = prelude(
      { role: 'nobody' },
      {
        type: 'joinWorkshop',
        name: `P${i}`,
        sector,
        tokenHash,
        rejoinCodeHash: `rejoin-${tokenHash}`,
      },
    );
    const columnId = board.columns[i % board.columns.length]!.id;
    prelude(participantActor(joined!.participantId!), {
      type: 'addNote',
      boardId: board.id,
      columnId,
      text: `Note ${i}`,
    });
  }
  const facilitator: Actor = { role: 'facilitator' };
  // One note written while the board was anonymous, the setting lifted since: whatever happens
  // next, nothing may tell who wrote it.
  const anonymously = (value: boolean) =>
    prelude(facilitator, {
      type: 'setBoardSetting',
      boardId: board.id,
      setting: 'anonymous',
      value,
    });
  anonymously(true);
  const secret = prelude(participantActor(Object.keys(state.participants)[3]!), {
    type: 'addNote',
    boardId: board.id,
    columnId: board.columns[0]!.id,
    text: 'Sans nom',
  });
  expect(writtenAnonymously.has(secret!.noteId!)).toBe(true);
  anonymously(false);
  const themeIds: string[] = [];
  for (const [boardId, noteIds] of [
    [board.id, Object.keys(state.notes)],
    [board.id, []],
    [state.stages.discover.boardIds[0]!, []],
  ] as const) {
    const reply = prelude(facilitator, {
      type: 'createTheme',
      boardId,
      title: 'Thème',
      noteIds: [...noteIds],
    } as Command);
    themeIds.push(reply!.themeId!);
  }
  // A barrier answered by a theme of another board: removing either board must drop the link.
  prelude(facilitator, {
    type: 'linkThemes',
    themeId: themeIds[0]!,
    answerId: themeIds[2]!,
    linked: true,
  });
  for (const s of steps) {
    ctx.advance(1000);
    const actor = actorFor(state, s);
    const command = commandFor(state, s);
    const before = JSON.stringify(state);
    const result = execute(state, actor, command, ctx);
    trail.push(
      `${actor.role} ${JSON.stringify(command)} → ${result.ok ? 'ok' : result.error.code}`,
    );
    const where = () => `\nafter:\n${trail.slice(-12).join('\n')}`;
    if (!result.ok) {
      expect(known.has(result.error.code), `unknown code ${result.error.code}`).toBe(true);
      expect(result.error.message.length).toBeGreaterThan(0);
      expect(JSON.stringify(state), `a refusal changed the state${where()}`).toBe(before);
      continue;
    }
    const next = result.value.state;
    const broken = [
      ...checkInvariants(next),
      ...mergeKeptLinks(state, next, command),
      ...figuresAsRecorded(next, recorded),
      ...anonymousAuthorsUnread(next, writtenAnonymously),
    ];
    expect(broken, `broken rules${where()}`).toEqual([]);
    events.push(...result.value.decision.events);
    written(state, actor, command, result.value.decision);
    state = deepFreeze(next);
  }
  // replaying every event from nothing gives the same workshop
  let replayed: Workshop | null = null;
  for (const event of events) replayed = apply(replayed, event);
  expect(replayed).toEqual(state);
}

describe('random command sequences (model-based)', () => {
  it('[E1] [E6] [I2] [I3] [I4] [I5] [I6] [I7] [K11] [K12] long random sequences from every role keep every invariant, count every note under the group of its writing, show no trace of who wrote an anonymous note, and a refusal changes nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 60 }), (steps) => {
        runSteps(steps);
      }),
      { numRuns: 200 },
    );
  });
});

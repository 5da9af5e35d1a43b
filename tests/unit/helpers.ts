/** Test helpers for the pure domain: a deterministic context, a workshop session, actors. */
import { expect } from 'vitest';
import {
  checkInvariants,
  decide,
  execute,
  type Actor,
  type Board,
  type BoardId,
  type Column,
  type ColumnId,
  type Command,
  type CommandOf,
  type Context,
  type Decision,
  type DomainError,
  type ErrorCode,
  type NoteId,
  type ParticipantId,
  type SectorId,
  type StageId,
  type Workshop,
  type WorkshopEvent,
} from '../../src/lib/domain';

/** The fixed start time of every test context. */
export const T0 = 1_700_000_000_000;

/** A context whose time only moves when told to, and whose ids are `id1`, `id2`, … */
export interface TestContext extends Context {
  /** Move the clock forward (1 s by default) and return the new time. */
  advance(ms?: number): number;
  /** Every id handed out so far, in order. */
  readonly issued: string[];
}

export function testContext(start = T0): TestContext {
  let counter = 0;
  const issued: string[] = [];
  const ctx: TestContext = {
    now: start,
    newId: () => {
      const id = `id${++counter}`;
      issued.push(id);
      return id;
    },
    advance: (ms = 1000) => (ctx.now += ms),
    issued,
  };
  return ctx;
}

export const facilitator: Actor = { role: 'facilitator' };
export const projector: Actor = { role: 'projector' };
export const nobody: Actor = { role: 'nobody' };
export type ParticipantActor = Extract<Actor, { role: 'participant' }>;
export function participantActor(id: string): ParticipantActor {
  return { role: 'participant', participantId: id as ParticipantId };
}

/** Freeze a value and everything it holds, so that any later mutation throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A live workshop: its state, the events that built it, and the context used. */
export interface Session {
  ctx: TestContext;
  state: Workshop;
  events: WorkshopEvent[];
}

export type CreateInput = Partial<Omit<CommandOf<'createWorkshop'>, 'type'>>;

export function createCommand(input: CreateInput = {}): CommandOf<'createWorkshop'> {
  return {
    type: 'createWorkshop',
    title: 'Atelier',
    question: 'Comment mieux collaborer ?',
    language: 'fr',
    sectors: ['Clinique', 'Santé publique'],
    joinCode: 'ABC123',
    facilitatorKeyHash: 'hash-of-key',
    ...input,
  };
}

/** Create a workshop via `execute(null, nobody, createWorkshop)`; the state is deep-frozen. */
export function newWorkshop(input: CreateInput = {}, ctx: TestContext = testContext()): Session {
  const result = execute(null, nobody, createCommand(input), ctx);
  if (!result.ok) {
    throw new Error(`createWorkshop refused: ${result.error.code} ${result.error.message}`);
  }
  expect(checkInvariants(result.value.state)).toEqual([]);
  return {
    ctx,
    state: deepFreeze(result.value.state),
    events: [...result.value.decision.events],
  };
}

/**
 * Execute a command that must succeed: check the invariants hold afterwards, record its
 * events and move the session to the new (deep-frozen) state.
 */
export function run(s: Session, actor: Actor, command: Command): Decision {
  const result = execute(s.state, actor, command, s.ctx);
  if (!result.ok) {
    throw new Error(
      `${command.type} by ${actor.role} refused: ${result.error.code} ${result.error.message}`,
    );
  }
  expect(checkInvariants(result.value.state)).toEqual([]);
  s.state = deepFreeze(result.value.state);
  s.events.push(...result.value.decision.events);
  return result.value.decision;
}

/**
 * Execute a command that must be refused with `code`: check that both `decide` and `execute`
 * refuse it and that the state is left exactly as it was.
 */
export function refuse(s: Session, actor: Actor, command: Command, code: ErrorCode): DomainError {
  const before = structuredClone(s.state);
  const reference = s.state;
  const decided = decide(s.state, actor, command, s.ctx);
  expect(decided.ok, `${command.type} by ${actor.role} should be refused`).toBe(false);
  if (decided.ok) throw new Error('unreachable');
  expect(decided.error.code).toBe(code);
  expect(decided.error.message.length).toBeGreaterThan(0);
  const executed = execute(s.state, actor, command, s.ctx);
  expect(executed.ok).toBe(false);
  if (executed.ok) throw new Error('unreachable');
  expect(executed.error.code).toBe(code);
  expect(s.state).toBe(reference);
  expect(s.state).toEqual(before);
  return decided.error;
}

/**
 * Join a participant (as `nobody`) and return the participant actor. The default token,
 * `device-<n>`, is fresh and depends only on the session, so scenarios are repeatable.
 */
export function join(
  s: Session,
  name = 'Alice',
  options: { sector?: SectorId | null; tokenHash?: string } = {},
): ParticipantActor {
  const tokenHash = options.tokenHash ?? `device-${Object.keys(s.state.participants).length + 1}`;
  const decision = run(s, nobody, {
    type: 'joinWorkshop',
    name,
    sector: options.sector ?? null,
    tokenHash,
    rejoinCodeHash: rejoinHashOf(tokenHash),
  });
  const id = decision.reply?.participantId;
  if (!id) throw new Error('joinWorkshop replied with no participantId');
  return participantActor(id);
}

/** The board of a stage (the first unless told otherwise). */
export function boardOf(state: Workshop, stage: StageId, index = 0): Board {
  const id = state.stages[stage].boardIds[index];
  const board = id === undefined ? undefined : state.boards[id];
  if (!board) throw new Error(`no board ${index} in stage ${stage}`);
  return board;
}

/** A column of the first board of a stage. */
export function columnOf(state: Workshop, stage: StageId, index = 0): Column {
  const column = boardOf(state, stage).columns[index];
  if (!column) throw new Error(`no column ${index} on the ${stage} board`);
  return column;
}

/** The rejoin code hash the helpers give a participant joined with this token hash. */
export const rejoinHashOf = (tokenHash: string) => `rejoin-${tokenHash}`;

/** Command builders that take plain strings for ids. */
export const cmd = {
  join: (name: string, sector: string | null, tokenHash: string): Command => ({
    type: 'joinWorkshop',
    name,
    sector: sector as SectorId | null,
    tokenHash,
    rejoinCodeHash: rejoinHashOf(tokenHash),
  }),
  createLink: (label: string, keyHash: string): Command => ({
    type: 'createCoFacilitatorLink',
    label,
    keyHash,
  }),
  rejoin: (rejoinCodeHash: string, tokenHash: string): Command => ({
    type: 'rejoinWorkshop',
    rejoinCodeHash,
    tokenHash,
  }),
  setStage: (stage: string): Command => ({ type: 'setStage', stage: stage as StageId }),
  setQuestion: (question: string): Command => ({ type: 'setQuestion', question }),
  setStagePrompt: (stage: string, prompt: string): Command => ({
    type: 'setStagePrompt',
    stage: stage as StageId,
    prompt,
  }),
  addColumn: (boardId: string, title: string): Command => ({
    type: 'addColumn',
    boardId: boardId as BoardId,
    title,
  }),
  renameColumn: (boardId: string, columnId: string, title: string): Command => ({
    type: 'renameColumn',
    boardId: boardId as BoardId,
    columnId: columnId as ColumnId,
    title,
  }),
  removeColumn: (boardId: string, columnId: string): Command => ({
    type: 'removeColumn',
    boardId: boardId as BoardId,
    columnId: columnId as ColumnId,
  }),
  addNote: (boardId: string, columnId: string, text: string): Command => ({
    type: 'addNote',
    boardId: boardId as BoardId,
    columnId: columnId as ColumnId,
    text,
  }),
  editNote: (noteId: string, text: string): Command => ({
    type: 'editNote',
    noteId: noteId as NoteId,
    text,
  }),
  deleteNote: (noteId: string): Command => ({ type: 'deleteNote', noteId: noteId as NoteId }),
};

/** Post a note on the first board of a stage (column `column`) and return its id. */
export function postNote(
  s: Session,
  actor: Actor,
  stage: StageId,
  text: string,
  column = 0,
): NoteId {
  const board = boardOf(s.state, stage);
  const decision = run(s, actor, cmd.addNote(board.id, columnOf(s.state, stage, column).id, text));
  const id = decision.reply?.noteId;
  if (!id) throw new Error('addNote replied with no noteId');
  return id as NoteId;
}

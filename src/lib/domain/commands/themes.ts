import { fail, ok, type Result } from '../errors';
import { inSession } from './sessions';
import type { WorkshopEvent } from '../events';
import { LIMITS, type Actor, type Board, type NoteId, type Theme, type Workshop } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import {
  existing,
  facilitatorOnly,
  facilitatorWorkshop,
  findBoard,
  findNote,
  knownActor,
} from './guards';

/** Who may group notes on a board: whoever runs the room; participants where allowed, once revealed. */
function mayGroup(state: Workshop, actor: Actor, board: Board): Result<null> {
  if (facilitatorOnly(actor).ok) return ok(null);
  if (actor.role !== 'participant' || !board.participantsGroup) return fail('NOT_ALLOWED');
  const known = knownActor(state, actor);
  if (!known.ok) return known;
  if (board.hidden) return fail('BOARD_HIDDEN');
  if (board.locked) return fail('BOARD_LOCKED');
  return ok(null);
}

function findTheme(state: Workshop, themeId: string): Result<Theme> {
  const themes = state.themes ?? {};
  const theme = Object.hasOwn(themes, themeId) ? themes[themeId] : undefined;
  return theme ? ok(theme) : fail('UNKNOWN_THEME');
}

/**
 * A participant allowed to group may change a theme itself (rename, delete, merge away) only if
 * they created it: grouping lets them move notes, not undo the facilitator's or someone else's work.
 */
function mayChangeTheme(actor: Actor, theme: Theme): Result<null> {
  if (actor.role !== 'participant' || theme.createdBy === actor.participantId) return ok(null);
  return fail('NOT_ALLOWED', 'You can only rename, merge or delete the themes you created.');
}

/** The common start of a command on one theme: the workshop, the theme, and the right to change it. */
function groupableTheme(
  state: Workshop | null,
  actor: Actor,
  themeId: string,
): Result<{ ws: Workshop; theme: Theme }> {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const theme = findTheme(ws.value, themeId);
  if (!theme.ok) return theme;
  const allowed = mayGroup(ws.value, actor, ws.value.boards[theme.value.boardId]!);
  if (!allowed.ok) return allowed;
  const own = mayChangeTheme(actor, theme.value);
  if (!own.ok) return own;
  return ok({ ws: ws.value, theme: theme.value });
}

/** The notes, all on this board, each listed once. */
function notesOnBoard(state: Workshop, board: Board, noteIds: string[]): Result<NoteId[]> {
  if (new Set(noteIds).size !== noteIds.length) return fail('DUPLICATE_NOTE');
  for (const id of noteIds) {
    const note = findNote(state, id);
    if (!note.ok) return note;
    if (note.value.boardId !== board.id) return fail('NOTE_ELSEWHERE');
  }
  return ok(noteIds as NoteId[]);
}

/** Notes stacked under the given ones follow them. */
function withStacked(state: Workshop, noteIds: NoteId[]): NoteId[] {
  const all = new Set(noteIds);
  for (const note of Object.values(state.notes)) {
    if (note.stackedOn && all.has(note.stackedOn)) all.add(note.id);
  }
  return [...all];
}

/**
 * A duplicate lies in the theme of the note it is stacked on. One that is moved on its own (its
 * note stays where it is) leaves its stack first: otherwise it would count in a theme while
 * shown under a note of another.
 */
function leavingStacks(state: Workshop, moving: NoteId[], themeId: string | null): WorkshopEvent[] {
  const events: WorkshopEvent[] = [];
  for (const id of moving) {
    const base = state.notes[id]!.stackedOn;
    if (base === undefined) continue;
    const baseTheme = moving.includes(base) ? themeId : (state.notes[base]!.themeId ?? null);
    if (baseTheme !== themeId) events.push({ type: 'noteStacked', noteId: id, onto: null });
  }
  return events;
}

export const createTheme: Handler<'createTheme'> = (state, actor, command, ctx) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const board = findBoard(ws.value, command.boardId);
  if (!board.ok) return board;
  const allowed = mayGroup(ws.value, actor, board.value);
  if (!allowed.ok) return allowed;
  const title = cleanLine(command.title, LIMITS.themeTitleLength);
  if (!title.ok) return title;
  const onBoard = Object.values(ws.value.themes ?? {}).filter((t) => t.boardId === board.value.id);
  if (onBoard.length >= LIMITS.themesPerBoard) return fail('TOO_MANY_THEMES');
  const notes = notesOnBoard(ws.value, board.value, command.noteIds);
  if (!notes.ok) return notes;
  const theme: Theme = {
    id: ctx.newId(),
    boardId: board.value.id,
    title: title.value,
    createdAt: ctx.now,
    answeredBy: [],
    ...inSession(ws.value),
  };
  if (actor.role === 'participant') theme.createdBy = actor.participantId;
  const events: WorkshopEvent[] = [{ type: 'themeCreated', theme }];
  if (notes.value.length > 0) {
    const moving = withStacked(ws.value, notes.value);
    events.push(...leavingStacks(ws.value, moving, theme.id));
    events.push({ type: 'notesMoved', noteIds: moving, themeId: theme.id });
  }
  return ok({ events, reply: { themeId: theme.id } });
};

export const renameTheme: Handler<'renameTheme'> = (state, actor, command) => {
  const found = groupableTheme(state, actor, command.themeId);
  if (!found.ok) return found;
  const { theme } = found.value;
  const title = cleanLine(command.title, LIMITS.themeTitleLength);
  if (!title.ok) return title;
  if (title.value === theme.title) return ok({ events: [] });
  return ok({ events: [{ type: 'themeRenamed', themeId: theme.id, title: title.value }] });
};

/** Merge another theme into this one: its notes join, it goes. */
export const mergeThemes: Handler<'mergeThemes'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const into = findTheme(ws.value, command.themeId);
  if (!into.ok) return into;
  const other = findTheme(ws.value, command.otherThemeId);
  if (!other.ok) return other;
  if (into.value.id === other.value.id)
    return fail('BAD_REQUEST', 'A theme cannot merge with itself.');
  if (into.value.boardId !== other.value.boardId) return fail('NOTE_ELSEWHERE');
  const allowed = mayGroup(ws.value, actor, ws.value.boards[into.value.boardId]!);
  if (!allowed.ok) return allowed;
  // The theme that goes must be theirs; the one that stays only takes notes, which is grouping.
  const own = mayChangeTheme(actor, other.value);
  if (!own.ok) return own;
  const moving = Object.values(ws.value.notes)
    .filter((n) => n.themeId === other.value.id)
    .map((n) => n.id);
  const events: WorkshopEvent[] = [];
  if (moving.length > 0)
    events.push({ type: 'notesMoved', noteIds: moving, themeId: into.value.id });
  for (const answer of other.value.answeredBy) {
    if (!into.value.answeredBy.includes(answer) && answer !== into.value.id) {
      events.push({ type: 'themesLinked', themeId: into.value.id, answerId: answer, linked: true });
    }
  }
  // Themes answered by the one that goes are now answered by the one that stays (once, and
  // never the one that stays by itself); deleting the other then drops the old links.
  for (const theme of Object.values(ws.value.themes ?? {})) {
    if (theme.id === into.value.id || theme.id === other.value.id) continue;
    if (theme.answeredBy.includes(other.value.id) && !theme.answeredBy.includes(into.value.id)) {
      events.push({
        type: 'themesLinked',
        themeId: theme.id,
        answerId: into.value.id,
        linked: true,
      });
    }
  }
  events.push({ type: 'themeDeleted', themeId: other.value.id });
  return ok({ events });
};

/** Delete a theme: its notes are ungrouped, not deleted. */
export const deleteTheme: Handler<'deleteTheme'> = (state, actor, command) => {
  const found = groupableTheme(state, actor, command.themeId);
  if (!found.ok) return found;
  return ok({ events: [{ type: 'themeDeleted', themeId: found.value.theme.id }] });
};

/** Move notes into a theme (or out of any theme, with null), with what is stacked under them. */
export const moveNotes: Handler<'moveNotes'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  if (command.noteIds.length === 0) return fail('BAD_REQUEST', 'No note to move.');
  const first = findNote(ws.value, command.noteIds[0]!);
  if (!first.ok) return first;
  const board = ws.value.boards[first.value.boardId]!;
  const allowed = mayGroup(ws.value, actor, board);
  if (!allowed.ok) return allowed;
  if (command.themeId !== null) {
    const theme = findTheme(ws.value, command.themeId);
    if (!theme.ok) return theme;
    if (theme.value.boardId !== board.id) return fail('NOTE_ELSEWHERE');
  }
  const notes = notesOnBoard(ws.value, board, command.noteIds);
  if (!notes.ok) return notes;
  const moving = withStacked(ws.value, notes.value).filter(
    (id) => (ws.value.notes[id]!.themeId ?? null) !== command.themeId,
  );
  if (moving.length === 0) return ok({ events: [] });
  return ok({
    events: [
      ...leavingStacks(ws.value, moving, command.themeId),
      { type: 'notesMoved', noteIds: moving, themeId: command.themeId },
    ],
  });
};

/** Stack a duplicate under another note of the board (or take it off its stack, with null). */
export const stackNote: Handler<'stackNote'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  const note = findNote(ws.value, command.noteId);
  if (!note.ok) return note;
  const board = ws.value.boards[note.value.boardId]!;
  const allowed = mayGroup(ws.value, actor, board);
  if (!allowed.ok) return allowed;
  if (command.onto === null) {
    if (!note.value.stackedOn) return ok({ events: [] });
    return ok({ events: [{ type: 'noteStacked', noteId: note.value.id, onto: null }] });
  }
  const onto = findNote(ws.value, command.onto);
  if (!onto.ok) return onto;
  if (onto.value.boardId !== board.id) return fail('NOTE_ELSEWHERE');
  const hasStack = Object.values(ws.value.notes).some((n) => n.stackedOn === note.value.id);
  if (onto.value.id === note.value.id || onto.value.stackedOn || hasStack)
    return fail('NOT_A_STACK');
  const events: WorkshopEvent[] = [
    { type: 'noteStacked', noteId: note.value.id, onto: onto.value.id },
  ];
  if ((note.value.themeId ?? null) !== (onto.value.themeId ?? null)) {
    events.push({
      type: 'notesMoved',
      noteIds: [note.value.id],
      themeId: onto.value.themeId ?? null,
    });
  }
  return ok({ events });
};

/** Link a theme to one that answers it (a barrier to the facilitators that lift it), or unlink. */
export const linkThemes: Handler<'linkThemes'> = (state, actor, command) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const theme = findTheme(ws.value, command.themeId);
  if (!theme.ok) return theme;
  const answer = findTheme(ws.value, command.answerId);
  if (!answer.ok) return answer;
  if (theme.value.id === answer.value.id)
    return fail('BAD_REQUEST', 'A theme cannot answer itself.');
  if (theme.value.answeredBy.includes(answer.value.id) === command.linked)
    return ok({ events: [] });
  return ok({
    events: [
      {
        type: 'themesLinked',
        themeId: theme.value.id,
        answerId: answer.value.id,
        linked: command.linked,
      },
    ],
  });
};

import type { StageId } from '../domain/index';
import type { BoardView, ReplicaSnapshot, ThemeView } from '../protocol/replica';

/*
 * What every screen reads off a replica snapshot besides the notes (those are indexed in
 * snapshot.ts): the current stage, its boards, the themes per board. Each is worked out once per
 * record it depends on: the SnapshotReader keeps a record's identity until something in it
 * changes, so an update that touched only notes costs nothing here.
 */

const NO_BOARDS: readonly BoardView[] = Object.freeze([]);
const NO_THEMES: readonly ThemeView[] = Object.freeze([]);

/** The stage the workshop is in, with its prompt and board ids (null before the workshop is known). */
export function currentStage(
  snapshot: ReplicaSnapshot | null | undefined,
): { id: StageId; prompt: string; boardIds: readonly string[] } | null {
  const ws = snapshot?.workshop;
  if (!ws) return null;
  const stage = ws.stages[ws.currentStage];
  return stage ? { id: ws.currentStage, ...stage } : null;
}

const boardLists = new WeakMap<object, WeakMap<object, readonly BoardView[]>>();

/**
 * The current stage's boards in the stage's order; a board id the replica does not hold (yet)
 * is left out. The same array until the workshop or the boards record changes.
 */
export function stageBoards(snapshot: ReplicaSnapshot | null | undefined): readonly BoardView[] {
  const ws = snapshot?.workshop;
  if (!snapshot || !ws) return NO_BOARDS;
  let byWorkshop = boardLists.get(snapshot.boards);
  if (!byWorkshop) boardLists.set(snapshot.boards, (byWorkshop = new WeakMap()));
  let list = byWorkshop.get(ws);
  if (!list) {
    const ids = ws.stages[ws.currentStage]?.boardIds ?? [];
    list = ids.map((id) => snapshot.boards[id]).filter((b) => b !== undefined);
    byWorkshop.set(ws, list);
  }
  return list;
}

/** Themes per board in both orders screens use, and all of them; once per themes record. */
interface ThemesIndex {
  readonly all: readonly ThemeView[];
  /** Oldest first: the order the grouping panel lists them in (a new theme goes last). */
  readonly oldest: ReadonlyMap<string, readonly ThemeView[]>;
  /** Most notes first (older first among equals): the order the projection shows them in. */
  readonly largest: ReadonlyMap<string, readonly ThemeView[]>;
}

const themeIndexes = new WeakMap<ReplicaSnapshot['themes'], ThemesIndex>();

function themesIndex(snapshot: ReplicaSnapshot): ThemesIndex {
  let index = themeIndexes.get(snapshot.themes);
  if (!index) {
    const all = Object.values(snapshot.themes);
    const oldest = new Map<string, ThemeView[]>();
    for (const theme of [...all].sort((a, b) => a.createdAt - b.createdAt)) {
      let list = oldest.get(theme.boardId);
      if (!list) oldest.set(theme.boardId, (list = []));
      list.push(theme);
    }
    const largest = new Map<string, readonly ThemeView[]>();
    for (const [boardId, list] of oldest) {
      largest.set(
        boardId,
        [...list].sort((a, b) => b.count - a.count),
      );
    }
    index = { all, oldest, largest };
    themeIndexes.set(snapshot.themes, index);
  }
  return index;
}

/** A board's themes, oldest first or most notes first (the same array until a theme changes). */
export function boardThemes(
  snapshot: ReplicaSnapshot | null | undefined,
  boardId: string,
  order: 'oldest' | 'largest' = 'oldest',
): readonly ThemeView[] {
  if (!snapshot) return NO_THEMES;
  return themesIndex(snapshot)[order].get(boardId) ?? NO_THEMES;
}

/** Every theme of the workshop (a theme answering another may sit on another board). */
export function allThemes(snapshot: ReplicaSnapshot | null | undefined): readonly ThemeView[] {
  return snapshot ? themesIndex(snapshot).all : NO_THEMES;
}

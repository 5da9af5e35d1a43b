/*
 * What Décision's screens work out from the replicas and the phone's outbox: pure functions, so
 * the console, the phone and the projector agree, and tests can hold them to the rules.
 */
import type { SourceKind } from '../domain/model';
import type { ClientCommand } from '../protocol/commands';
import type { ReplicaSnapshot } from '../protocol/replica';
import { boardNotes, oldestFirst, statementsInOrder } from './snapshot';

/** The part of an outbox entry these selectors read. */
interface Queued {
  cmd: ClientCommand;
  status: 'waiting' | 'rejected';
}

/**
 * The phone's dots as it should show them: its ballot in the private replica, with every
 * castDots still waiting in the outbox laid over it in order (each sets one count, so the last
 * one queued for a candidate wins, as it will on the server). Refused commands change nothing.
 */
export function dotsShown(
  saved: Readonly<Record<string, number>>,
  outbox: readonly Queued[],
): Record<string, number> {
  const dots: Record<string, number> = { ...saved };
  for (const entry of outbox) {
    if (entry.status === 'waiting' && entry.cmd.type === 'castDots') {
      dots[entry.cmd.candidateId] = entry.cmd.dots;
    }
  }
  return dots;
}

/** Dots placed on the candidates still listed (a removed candidate's dots no longer count). */
export function dotsSpent(
  dots: Readonly<Record<string, number>>,
  candidateIds: readonly string[],
): number {
  return candidateIds.reduce((sum, id) => sum + (dots[id] ?? 0), 0);
}

/** The ranking the phone has sent or is sending: the last submitRanking waiting, else the saved one. */
export function rankingShown(saved: readonly string[], outbox: readonly Queued[]): string[] {
  let order = [...saved];
  for (const entry of outbox) {
    if (entry.status === 'waiting' && entry.cmd.type === 'submitRanking') {
      order = [...entry.cmd.order];
    }
  }
  return order;
}

/** Whether a command of this type is still waiting in the outbox. */
export function waitingFor(outbox: readonly Queued[], type: ClientCommand['type']): boolean {
  return outbox.some((e) => e.status === 'waiting' && e.cmd.type === type);
}

/** The list with the item at `index` moved one place up or down (unchanged at either end). */
export function moved<T>(list: readonly T[], index: number, direction: 'up' | 'down'): T[] {
  const to = direction === 'up' ? index - 1 : index + 1;
  const next = [...list];
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return next;
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** Two orders hold the same items in the same places. */
export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Something a candidate may come from, as the console offers it. */
export interface SourceChoice {
  kind: SourceKind;
  id: string;
  title: string;
}

/**
 * What a candidate may come from: every theme (Découverte's and Devenir's), the ideas written on
 * Devenir's boards (moderated ones left out: the domain refuses them as sources) and the vision
 * statements; each list oldest first, so that a new one arrives at the end and nothing ticked
 * moves under the pointer.
 */
export function sourceChoices(snapshot: ReplicaSnapshot): Record<SourceKind, SourceChoice[]> {
  const themes = Object.values(snapshot.themes)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((x) => ({ kind: 'theme' as const, id: x.id, title: x.title }));
  const dreamBoards = snapshot.workshop?.stages.dream.boardIds ?? [];
  const notes = dreamBoards.flatMap((boardId) =>
    oldestFirst(boardNotes(snapshot, boardId))
      .filter((n) => !n.moderated)
      .map((n) => ({ kind: 'note' as const, id: n.id, title: n.text })),
  );
  const statements = statementsInOrder(snapshot).map((s) => ({
    kind: 'statement' as const,
    id: s.id,
    title: s.title,
  }));
  return { theme: themes, note: notes, statement: statements };
}

/** A bar's length in percent of the largest value (0 when nothing has any). */
export function barPercent(value: number, largest: number): number {
  return largest > 0 ? Math.round((value / largest) * 1000) / 10 : 0;
}

/** Totals of a dot vote, most dots first, ties in the list's order. */
export function dotRanking(
  totals: Readonly<Record<string, number>>,
  candidateIds: readonly string[],
): { id: string; dots: number }[] {
  return candidateIds
    .map((id, i) => ({ id, dots: totals[id] ?? 0, i }))
    .sort((a, b) => b.dots - a.dots || a.i - b.i)
    .map(({ id, dots }) => ({ id, dots }));
}

import { describe, expect, it } from 'vitest';
import {
  barPercent,
  dotRanking,
  dotsShown,
  dotsSpent,
  moved,
  rankingShown,
  sourceChoices,
  waitingFor,
} from '../../../src/lib/client/decision';
import type { Message } from '../../../src/lib/i18n';
import type { ClientCommand } from '../../../src/lib/protocol/commands';
import type {
  NoteView,
  ReplicaSnapshot,
  StatementView,
  ThemeView,
  WorkshopView,
} from '../../../src/lib/protocol/replica';

const waiting = (cmd: ClientCommand) => ({ cmd, status: 'waiting' as const });
const refused = (cmd: ClientCommand) => ({ cmd, status: 'rejected' as const });
const dots = (candidateId: string, n: number): ClientCommand => ({
  type: 'castDots',
  candidateId,
  dots: n,
});
const rank = (...order: string[]): ClientCommand => ({ type: 'submitRanking', order });

describe('Décision on the phone: what it shows of its own ballots', () => {
  it('[DS1] the dots shown are the saved ballot with every waiting change laid over it in order: the last one per candidate wins, a refused one counts for nothing', () => {
    const saved = { a: 1, b: 2 };
    const outbox = [
      waiting(dots('a', 2)),
      waiting(dots('c', 1)),
      refused(dots('b', 0)),
      waiting(dots('a', 0)),
      waiting({ type: 'addNote', boardId: 'x', columnId: 'y', text: 'hors sujet' }),
    ];
    expect(dotsShown(saved, outbox)).toEqual({ a: 0, b: 2, c: 1 });
    expect(saved).toEqual({ a: 1, b: 2 });
    expect(dotsShown({ a: 1 }, [])).toEqual({ a: 1 });
    expect(waitingFor(outbox, 'castDots')).toBe(true);
    expect(waitingFor([refused(dots('a', 1))], 'castDots')).toBe(false);
    expect(waitingFor(outbox, 'submitRanking')).toBe(false);
  });

  it('[DS2] dots left count only the candidates still listed: a removed candidate’s dots are free again', () => {
    const shown = { a: 2, gone: 2, b: 1 };
    expect(dotsSpent(shown, ['a', 'b', 'c'])).toBe(3);
    expect(dotsSpent({}, ['a'])).toBe(0);
  });

  it('[DS3] the ranking shown is the last one waiting to go, else the saved one; an empty one (a withdrawal) shows as none', () => {
    expect(rankingShown(['a', 'b'], [])).toEqual(['a', 'b']);
    expect(rankingShown(['a', 'b'], [waiting(rank('b')), waiting(rank('c', 'a'))])).toEqual([
      'c',
      'a',
    ]);
    expect(rankingShown(['a'], [refused(rank('b'))])).toEqual(['a']);
    expect(rankingShown(['a'], [waiting(rank())])).toEqual([]);
  });

  it('[DS4] the up and down buttons move an item one place; at either end nothing moves', () => {
    expect(moved(['a', 'b', 'c'], 1, 'up')).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 1, 'down')).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 0, 'up')).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b', 'c'], 2, 'down')).toEqual(['a', 'b', 'c']);
    expect(moved(['a'], 5, 'up')).toEqual(['a']);
  });
});

function snapshot(): ReplicaSnapshot {
  const stages = {
    define: { prompt: '', boardIds: [] },
    discover: { prompt: '', boardIds: ['disc'] },
    dream: { prompt: '', boardIds: ['dream'] },
    decide: { prompt: '', boardIds: [] },
  };
  const note = (id: string, boardId: string, text: string, at: number, moderated = false) =>
    ({
      id,
      boardId,
      columnId: 'c',
      text,
      byFacilitator: false,
      createdAt: at,
      updatedAt: at,
      ...(moderated ? { moderated } : {}),
    }) as NoteView;
  const theme = (id: string, boardId: string, title: string, at: number) =>
    ({
      id,
      boardId,
      title,
      createdAt: at,
      noteIds: [],
      count: 0,
      sectors: [],
      answeredBy: [],
    }) as ThemeView;
  const statement = (id: string, title: string, position: number) =>
    ({ id, title, text: '', locked: false, position, updatedAt: null }) as StatementView;
  return {
    workshop: { stages } as unknown as WorkshopView,
    me: null,
    links: [],
    report: null,
    boards: {},
    notes: {
      n1: note('n1', 'dream', 'Une idée ancienne', 1),
      n2: note('n2', 'dream', 'Une idée récente', 5),
      n3: note('n3', 'dream', 'Une idée masquée', 3, true),
      d1: note('d1', 'disc', 'Un obstacle de Découverte', 2),
    },
    themes: {
      t2: theme('t2', 'dream', 'Thème de Devenir', 9),
      t1: theme('t1', 'disc', 'Thème de Découverte', 4),
    },
    participants: {},
    statements: { s2: statement('s2', 'Deuxième', 1), s1: statement('s1', 'Premier', 0) },
    decision: {},
  };
}

describe('Décision on the console: what a candidate may come from', () => {
  it('[DS5] every theme, the ideas of Devenir’s boards that are not moderated, and the vision statements, each list oldest first', () => {
    const choices = sourceChoices(snapshot());
    expect(choices.theme.map((c) => c.id)).toEqual(['t1', 't2']);
    expect(choices.note).toEqual([
      { kind: 'note', id: 'n1', title: 'Une idée ancienne' },
      { kind: 'note', id: 'n2', title: 'Une idée récente' },
    ]);
    expect(choices.statement.map((c) => c.title)).toEqual(['Premier', 'Deuxième']);
  });
});

describe('Décision on every screen: bars', () => {
  it('[DS6] a bar is its share of the largest value (none: empty bars), and dot totals list most dots first, ties in the candidates’ order', () => {
    expect(barPercent(3, 4)).toBe(75);
    expect(barPercent(1, 3)).toBe(33.3);
    expect(barPercent(0, 0)).toBe(0);
    expect(dotRanking({ b: 2, c: 5, d: 2 }, ['a', 'b', 'c', 'd'])).toEqual([
      { id: 'c', dots: 5 },
      { id: 'b', dots: 2 },
      { id: 'd', dots: 2 },
      { id: 'a', dots: 0 },
    ]);
  });
});

describe('Décision’s messages', () => {
  it('[DS15] French and English have the same keys and placeholders, none empty, and a translator finds them once the module is loaded', async () => {
    const { decisionEn, decisionFr } = await import('../../../src/lib/i18n/decision');
    const { translate } = await import('../../../src/lib/i18n');
    const names = (message: Message) =>
      [
        ...new Set(
          (typeof message === 'string' ? [message] : Object.values(message)).flatMap((text) =>
            [...text!.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          ),
        ),
      ].sort();
    expect(Object.keys(decisionEn).sort()).toEqual(Object.keys(decisionFr).sort());
    for (const key of Object.keys(decisionFr) as (keyof typeof decisionFr)[]) {
      expect(names(decisionEn[key]), key).toEqual(names(decisionFr[key]));
      for (const message of [decisionFr[key], decisionEn[key]]) {
        const texts = typeof message === 'string' ? [message] : Object.values(message);
        for (const text of texts) expect(text!.trim(), key).not.toBe('');
      }
    }
    expect(translate('fr', 'decision.ballot.left', { count: 2 })).toBe('Il vous reste 2 gommettes');
    expect(translate('en', 'decision.ballot.left', { count: 1 })).toBe('You have 1 dot left');
    expect(translate('fr', 'decision.result.number', { value: 1.5 })).toBe('1,5');
  });
});

import { describe, expect, it } from 'vitest';
import { decide, execute, LIMITS, type Actor } from '../../src/lib/domain';
import {
  createCommand,
  facilitator,
  newWorkshop,
  nobody,
  participantActor,
  projector,
  refuse,
  T0,
  testContext,
  type CreateInput,
} from './helpers';

/** Try to create a workshop from nothing; return the error code or null when accepted. */
function createError(input: CreateInput): string | null {
  const result = decide(null, nobody, createCommand(input), testContext());
  return result.ok ? null : result.error.code;
}

describe('createWorkshop', () => {
  it('[W1] nobody creates a workshop: one workshopCreated event and a reply', () => {
    const ctx = testContext();
    const result = execute(null, nobody, createCommand(), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { state, decision } = result.value;
    expect(decision.events).toHaveLength(1);
    expect(decision.events[0]!.type).toBe('workshopCreated');
    expect(decision.reply).toEqual({ workshopId: state.id, joinCode: 'ABC123' });
    expect(decision.events[0]).toEqual({ type: 'workshopCreated', workshop: state });
  });

  it.each<[string, Actor]>([
    ['facilitator', facilitator],
    ['participant', participantActor('someone')],
    ['projector', projector],
  ])('[W1] a %s actor may create a workshop too', (_role, actor) => {
    const result = decide(null, actor, createCommand(), testContext());
    expect(result.ok).toBe(true);
  });

  it('[W2] creating a workshop over an existing one is refused with BAD_REQUEST', () => {
    const s = newWorkshop();
    const error = refuse(s, nobody, createCommand({ title: 'Autre' }), 'BAD_REQUEST');
    expect(error.message).toMatch(/already exists/);
    refuse(s, facilitator, createCommand(), 'BAD_REQUEST');
  });

  it('[W3] a new workshop starts at define, empty, with the given fields kept as is', () => {
    const s = newWorkshop({
      title: 'Mon atelier',
      question: 'Quelle question ?',
      language: 'en',
      joinCode: 'XYZ789',
      facilitatorKeyHash: 'secret-hash',
    });
    const ws = s.state;
    expect(ws.currentStage).toBe('define');
    expect(ws.notes).toEqual({});
    expect(ws.participants).toEqual({});
    expect(ws.createdAt).toBe(T0);
    expect(ws.title).toBe('Mon atelier');
    expect(ws.question).toBe('Quelle question ?');
    expect(ws.language).toBe('en');
    expect(ws.joinCode).toBe('XYZ789');
    expect(ws.facilitatorKeyHash).toBe('secret-hash');
  });

  it('[W3] createdAt follows the context time', () => {
    const ctx = testContext(42);
    expect(newWorkshop({}, ctx).state.createdAt).toBe(42);
  });

  describe('title', () => {
    it('[W4] the title is trimmed and its inner white space collapsed', () => {
      const s = newWorkshop({ title: '  Mon \n\t  atelier  ' });
      expect(s.state.title).toBe('Mon atelier');
    });

    it('[W4] an empty or blank title is refused with EMPTY_TEXT', () => {
      expect(createError({ title: '' })).toBe('EMPTY_TEXT');
      expect(createError({ title: ' \n\t ' })).toBe('EMPTY_TEXT');
    });

    it('[W4] the title may have 120 code points, not 121', () => {
      expect(LIMITS.titleLength).toBe(120);
      expect(createError({ title: 'a'.repeat(120) })).toBeNull();
      expect(createError({ title: 'a'.repeat(121) })).toBe('TEXT_TOO_LONG');
      expect(createError({ title: `  ${'a'.repeat(120)}  ` })).toBeNull();
    });
  });

  describe('question', () => {
    it('[W5] the question may be empty or blank (stored empty)', () => {
      expect(newWorkshop({ question: '' }).state.question).toBe('');
      expect(newWorkshop({ question: '  \n ' }).state.question).toBe('');
    });

    it('[W5] the question keeps inner line breaks and is trimmed', () => {
      expect(newWorkshop({ question: '\n Ligne 1\r\nLigne 2  \n' }).state.question).toBe(
        'Ligne 1\nLigne 2',
      );
    });

    it('[W5] the question may have 500 code points, not 501', () => {
      expect(createError({ question: 'q'.repeat(500) })).toBeNull();
      expect(createError({ question: 'q'.repeat(501) })).toBe('TEXT_TOO_LONG');
    });
  });

  describe('sectors', () => {
    it('[W6] sector labels are cleaned, blanks dropped, order kept, each with a fresh id', () => {
      const s = newWorkshop({ sectors: ['  Santé \n publique ', '', '   ', 'Clinique', 'Autre'] });
      expect(s.state.sectors.map((x) => x.label)).toEqual(['Santé publique', 'Clinique', 'Autre']);
      const ids = s.state.sectors.map((x) => x.id);
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(s.ctx.issued).toContain(id);
    });

    it('[W6] a workshop may have no sector at all', () => {
      expect(newWorkshop({ sectors: [] }).state.sectors).toEqual([]);
      expect(newWorkshop({ sectors: ['', ' '] }).state.sectors).toEqual([]);
    });

    it('[W6] a sector label may have 60 code points, not 61', () => {
      expect(createError({ sectors: ['s'.repeat(60)] })).toBeNull();
      expect(createError({ sectors: ['s'.repeat(61)] })).toBe('TEXT_TOO_LONG');
    });

    it('[W7] two labels equal ignoring case are refused with DUPLICATE_SECTOR', () => {
      expect(createError({ sectors: ['Santé publique', 'SANTÉ PUBLIQUE'] })).toBe(
        'DUPLICATE_SECTOR',
      );
      const result = decide(
        null,
        nobody,
        createCommand({ sectors: ['A', 'B', 'a'] }),
        testContext(),
      );
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toContain('"a"');
    });

    it('[W7] labels equal once cleaned are duplicates', () => {
      expect(createError({ sectors: ['Santé  publique', ' santé\npublique '] })).toBe(
        'DUPLICATE_SECTOR',
      );
    });

    it('[W7] labels that differ only by accents are not duplicates', () => {
      expect(createError({ sectors: ['Sante', 'Santé'] })).toBeNull();
    });

    it('[W8] 12 sectors are accepted, 13 refused with BAD_REQUEST', () => {
      expect(LIMITS.sectorsPerWorkshop).toBe(12);
      const labels = Array.from({ length: 13 }, (_, i) => `Secteur ${i + 1}`);
      expect(createError({ sectors: labels.slice(0, 12) })).toBeNull();
      expect(createError({ sectors: labels })).toBe('BAD_REQUEST');
    });

    it('[W8] blank labels do not count towards the 12 sectors', () => {
      const labels = Array.from({ length: 12 }, (_, i) => `Secteur ${i + 1}`);
      const s = newWorkshop({ sectors: [...labels, '', '  '] });
      expect(s.state.sectors).toHaveLength(12);
    });
  });

  it('[W9] every id comes from ctx.newId and all ids are distinct', () => {
    const s = newWorkshop();
    const ws = s.state;
    const ids = [
      ws.id,
      ...ws.sectors.map((x) => x.id),
      ...Object.values(ws.boards).flatMap((b) => [b.id, ...b.columns.map((c) => c.id)]),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...s.ctx.issued].sort());
    for (const [key, board] of Object.entries(ws.boards)) expect(key).toBe(board.id);
  });

  it('[W9] a refused creation hands out no id', () => {
    const ctx = testContext();
    expect(decide(null, nobody, createCommand({ title: '' }), ctx).ok).toBe(false);
    expect(decide(null, nobody, createCommand({ sectors: ['a', 'A'] }), ctx).ok).toBe(false);
    expect(ctx.issued).toEqual([]);
  });
});

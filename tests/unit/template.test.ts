import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SECTORS,
  LANGUAGES,
  STAGES,
  type Language,
  type Workshop,
} from '../../src/lib/domain';
import { newWorkshop } from './helpers';

/** Each stage's boards as { title, columns } in order. */
function shape(ws: Workshop) {
  return Object.fromEntries(
    STAGES.map((stage) => [
      stage,
      ws.stages[stage].boardIds.map((id) => ({
        title: ws.boards[id]!.title,
        columns: ws.boards[id]!.columns.map((c) => c.title),
      })),
    ]),
  );
}

describe('the four-stage template', () => {
  it('[B1] in French: Définition 1 board / 2 columns, Découverte obstacles / facilitateurs, Devenir "Idées", Décision no board', () => {
    const ws = newWorkshop({ language: 'fr' }).state;
    expect(shape(ws)).toEqual({
      define: [{ title: 'Attentes et défis', columns: ['Attentes', 'Défis'] }],
      discover: [{ title: 'Obstacles et facilitateurs', columns: ['Obstacles', 'Facilitateurs'] }],
      dream: [{ title: 'Idées', columns: ['Idées'] }],
      decide: [],
    });
    expect(Object.keys(ws.boards)).toHaveLength(3);
  });

  it('[B2] in English: the same shape with English titles', () => {
    const ws = newWorkshop({ language: 'en' }).state;
    expect(shape(ws)).toEqual({
      define: [{ title: 'Hopes and challenges', columns: ['Hopes', 'Challenges'] }],
      discover: [{ title: 'Barriers and facilitators', columns: ['Barriers', 'Facilitators'] }],
      dream: [{ title: 'Ideas', columns: ['Ideas'] }],
      decide: [],
    });
    expect(Object.keys(ws.boards)).toHaveLength(3);
  });

  it.each(LANGUAGES)('[B3] (%s) every stage has a prompt and lists only its own boards', (lang) => {
    const ws = newWorkshop({ language: lang }).state;
    expect(Object.keys(ws.stages).sort()).toEqual([...STAGES].sort());
    for (const stage of STAGES) {
      expect(ws.stages[stage].id).toBe(stage);
      expect(ws.stages[stage].prompt.trim()).not.toBe('');
      for (const id of ws.stages[stage].boardIds) expect(ws.boards[id]!.stage).toBe(stage);
    }
    const listed = STAGES.flatMap((stage) => ws.stages[stage].boardIds);
    expect(listed.sort()).toEqual(Object.keys(ws.boards).sort());
  });

  it('[B3] the prompts are in the workshop language', () => {
    const fr = newWorkshop({ language: 'fr' }).state;
    const en = newWorkshop({ language: 'en' }).state;
    for (const stage of STAGES) expect(fr.stages[stage].prompt).not.toBe(en.stages[stage].prompt);
    expect(fr.stages.dream.prompt).toMatch(/Imaginez/);
    expect(en.stages.dream.prompt).toMatch(/Imagine/);
  });

  it.each(LANGUAGES)(
    '[B4] (%s) the 5 default sectors make a valid sector list',
    (lang: Language) => {
      expect(DEFAULT_SECTORS[lang]).toHaveLength(5);
      const ws = newWorkshop({ language: lang, sectors: DEFAULT_SECTORS[lang] }).state;
      expect(ws.sectors.map((s) => s.label)).toEqual(DEFAULT_SECTORS[lang]);
    },
  );
});

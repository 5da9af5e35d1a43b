import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/lib/domain/index';
import { QUESTION_GUIDE } from '../../src/lib/domain/index';
import { cmd, createCommand, facilitator, join, newWorkshop, refuse, run } from './helpers';

describe('templates and boards', () => {
  it('[BD2] a Découverte-only workshop starts in Découverte with its board; a blank one has none', () => {
    const only = newWorkshop({ template: 'discoverOnly' });
    expect(only.state.currentStage).toBe('discover');
    expect(only.state.stages.discover.boardIds).toHaveLength(1);
    expect(only.state.stages.define.boardIds).toEqual([]);
    expect(only.state.stages.dream.boardIds).toEqual([]);
    const blank = newWorkshop({ template: 'blank' });
    expect(Object.keys(blank.state.boards)).toEqual([]);
    expect(blank.state.currentStage).toBe('define');
    expect(createCommand().template).toBeUndefined();
  });

  it('[BD1] boards are added (a "Notes" column by default), renamed, reordered and removed with their notes and themes', () => {
    const s = newWorkshop({ template: 'blank' });
    const alice = join(s, 'Alice');
    const a = run(s, facilitator, {
      type: 'addBoard',
      stage: 'define',
      title: ' Attentes ',
      columns: ['', '  '],
    } as Command).reply!.boardId!;
    expect(s.state.boards[a]).toMatchObject({ title: 'Attentes', columns: [{ title: 'Notes' }] });
    const b = run(s, facilitator, {
      type: 'addBoard',
      stage: 'define',
      title: 'Défis',
      columns: ['Petits', 'Grands'],
    } as Command).reply!.boardId!;
    run(s, facilitator, { type: 'moveBoard', boardId: b, direction: 'up' } as Command);
    expect(s.state.stages.define.boardIds).toEqual([b, a]);
    expect(
      run(s, facilitator, { type: 'moveBoard', boardId: b, direction: 'up' } as Command).events,
    ).toEqual([]);
    run(s, facilitator, { type: 'renameBoard', boardId: b, title: 'Les défis' } as Command);
    expect(s.state.boards[b]!.title).toBe('Les défis');
    const note = run(s, alice, cmd.addNote(a, s.state.boards[a]!.columns[0]!.id, 'Une note')).reply!
      .noteId!;
    run(s, facilitator, {
      type: 'createTheme',
      boardId: a,
      title: 'T',
      noteIds: [note],
    } as Command);
    run(s, facilitator, { type: 'removeBoard', boardId: a } as Command);
    expect(s.state.boards[a]).toBeUndefined();
    expect(s.state.notes[note]).toBeUndefined();
    expect(Object.values(s.state.themes ?? {})).toEqual([]);
    expect(s.state.stages.define.boardIds).toEqual([b]);
  });

  it('[BD3] limits and bad input: six boards a stage, no empty title, stages must exist', () => {
    const s = newWorkshop({ template: 'blank' });
    for (let i = 0; i < 6; i++) {
      run(s, facilitator, {
        type: 'addBoard',
        stage: 'dream',
        title: `B${i}`,
        columns: [],
      } as Command);
    }
    refuse(
      s,
      facilitator,
      { type: 'addBoard', stage: 'dream', title: 'B7', columns: [] } as Command,
      'TOO_MANY_BOARDS',
    );
    refuse(
      s,
      facilitator,
      { type: 'addBoard', stage: 'define', title: ' ', columns: [] } as Command,
      'EMPTY_TEXT',
    );
    refuse(
      s,
      facilitator,
      { type: 'addBoard', stage: 'later', title: 'X', columns: [] } as unknown as Command,
      'UNKNOWN_STAGE',
    );
  });

  it('[BD4] objectives are free text; the question guide has principles and examples in both languages', () => {
    const s = newWorkshop();
    run(s, facilitator, { type: 'setObjectives', objectives: '  Trois priorités  ' } as Command);
    expect(s.state.objectives).toBe('Trois priorités');
    expect(
      run(s, facilitator, { type: 'setObjectives', objectives: 'Trois priorités' } as Command)
        .events,
    ).toEqual([]);
    for (const lang of ['fr', 'en'] as const) {
      expect(QUESTION_GUIDE[lang].principles.length).toBeGreaterThanOrEqual(3);
      expect(QUESTION_GUIDE[lang].examples.length).toBeGreaterThanOrEqual(3);
      for (const e of QUESTION_GUIDE[lang].examples) expect(e.question.endsWith('?')).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { LIMITS, STAGES } from '../../src/lib/domain';
import { cmd, facilitator, join, newWorkshop, nobody, projector, refuse, run } from './helpers';

describe('setStage', () => {
  it('[S1] the facilitator moves the room forward with one stageSet event', () => {
    const s = newWorkshop();
    const decision = run(s, facilitator, cmd.setStage('discover'));
    expect(decision.events).toEqual([{ type: 'stageSet', stage: 'discover' }]);
    expect(s.state.currentStage).toBe('discover');
  });

  it('[S1] the facilitator may jump ahead and go back to any stage', () => {
    const s = newWorkshop();
    run(s, facilitator, cmd.setStage('decide'));
    expect(s.state.currentStage).toBe('decide');
    run(s, facilitator, cmd.setStage('define'));
    expect(s.state.currentStage).toBe('define');
    for (const stage of [...STAGES].reverse()) {
      run(s, facilitator, cmd.setStage(stage));
      expect(s.state.currentStage).toBe(stage);
    }
  });

  it('[S1] changing stage touches nothing but the current stage', () => {
    const s = newWorkshop();
    const before = s.state;
    run(s, facilitator, cmd.setStage('dream'));
    expect({ ...s.state, currentStage: before.currentStage }).toEqual(before);
  });

  it('[S2] setting the current stage again yields no event and keeps the same state', () => {
    const s = newWorkshop();
    const before = s.state;
    expect(run(s, facilitator, cmd.setStage('define')).events).toEqual([]);
    expect(s.state).toBe(before);
    run(s, facilitator, cmd.setStage('dream'));
    expect(run(s, facilitator, cmd.setStage('dream')).events).toEqual([]);
  });

  it('[G3] a participant, the projector and nobody cannot set the stage', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    for (const actor of [alice, projector, nobody]) {
      refuse(s, actor, cmd.setStage('discover'), 'NOT_ALLOWED');
    }
    expect(s.state.currentStage).toBe('define');
  });
});

describe('setQuestion', () => {
  it('[S3] the facilitator changes the question with one questionSet event', () => {
    const s = newWorkshop({ question: 'Ancienne' });
    const decision = run(s, facilitator, cmd.setQuestion('Nouvelle question ?'));
    expect(decision.events).toEqual([{ type: 'questionSet', question: 'Nouvelle question ?' }]);
    expect(s.state.question).toBe('Nouvelle question ?');
  });

  it('[S3] the question is trimmed, keeps inner line breaks and may be emptied', () => {
    const s = newWorkshop({ question: 'Ancienne' });
    run(s, facilitator, cmd.setQuestion('  Un\r\n  deux \n'));
    expect(s.state.question).toBe('Un\n  deux');
    run(s, facilitator, cmd.setQuestion('   '));
    expect(s.state.question).toBe('');
  });

  it('[S3] the question may have 500 code points, not 501', () => {
    const s = newWorkshop();
    expect(LIMITS.questionLength).toBe(500);
    refuse(s, facilitator, cmd.setQuestion('q'.repeat(501)), 'TEXT_TOO_LONG');
    run(s, facilitator, cmd.setQuestion('q'.repeat(500)));
    expect(s.state.question).toHaveLength(500);
  });

  it('[S3] an unchanged question, once cleaned, yields no event', () => {
    const s = newWorkshop({ question: 'Même question' });
    const before = s.state;
    expect(run(s, facilitator, cmd.setQuestion('Même question')).events).toEqual([]);
    expect(run(s, facilitator, cmd.setQuestion('  Même question \n')).events).toEqual([]);
    expect(s.state).toBe(before);
  });

  it('[G3] a participant, the projector and nobody cannot set the question', () => {
    const s = newWorkshop({ question: 'Q' });
    const alice = join(s, 'Alice');
    for (const actor of [alice, projector, nobody]) {
      refuse(s, actor, cmd.setQuestion('Autre'), 'NOT_ALLOWED');
    }
  });
});

describe('setStagePrompt', () => {
  it('[S4] the facilitator changes one stage prompt, the others stay', () => {
    const s = newWorkshop();
    const before = s.state;
    const decision = run(s, facilitator, cmd.setStagePrompt('dream', '  Rêvons !  '));
    expect(decision.events).toEqual([
      { type: 'stagePromptSet', stage: 'dream', prompt: 'Rêvons !' },
    ]);
    expect(s.state.stages.dream.prompt).toBe('Rêvons !');
    expect(s.state.stages.dream.boardIds).toEqual(before.stages.dream.boardIds);
    for (const stage of STAGES.filter((x) => x !== 'dream')) {
      expect(s.state.stages[stage]).toEqual(before.stages[stage]);
    }
  });

  it('[S4] a prompt may be set on a stage other than the current one, and emptied', () => {
    const s = newWorkshop();
    run(s, facilitator, cmd.setStagePrompt('decide', 'Ligne 1\nLigne 2'));
    expect(s.state.stages.decide.prompt).toBe('Ligne 1\nLigne 2');
    run(s, facilitator, cmd.setStagePrompt('decide', ''));
    expect(s.state.stages.decide.prompt).toBe('');
    expect(s.state.currentStage).toBe('define');
  });

  it('[S4] a prompt may have 500 code points, not 501', () => {
    const s = newWorkshop();
    expect(LIMITS.promptLength).toBe(500);
    refuse(s, facilitator, cmd.setStagePrompt('define', 'p'.repeat(501)), 'TEXT_TOO_LONG');
    run(s, facilitator, cmd.setStagePrompt('define', 'p'.repeat(500)));
    expect(s.state.stages.define.prompt).toHaveLength(500);
  });

  it('[S4] an unchanged prompt yields no event', () => {
    const s = newWorkshop();
    const current = s.state.stages.discover.prompt;
    const before = s.state;
    expect(run(s, facilitator, cmd.setStagePrompt('discover', current)).events).toEqual([]);
    expect(run(s, facilitator, cmd.setStagePrompt('discover', ` ${current}\n`)).events).toEqual([]);
    expect(s.state).toBe(before);
  });

  it('[G3] a participant, the projector and nobody cannot set a prompt', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    for (const actor of [alice, projector, nobody]) {
      refuse(s, actor, cmd.setStagePrompt('define', 'Autre'), 'NOT_ALLOWED');
    }
  });
});

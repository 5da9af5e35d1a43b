/**
 * The fixed workshop every export test reads, built through the domain's commands: three
 * Clinique, three Santé publique, one patient partner (a sector of one) and one person who gave
 * no sector (together two: a group too small to show), hostile texts in notes, themes, a
 * statement and a priority, an anonymous board, a moderated note, themes linked barrier → enabler,
 * a revealed dot vote and ranking, and priorities.
 */
import type { BoardId, Command, NoteId, SectorId } from '../../../src/lib/domain';
import {
  boardOf,
  facilitator,
  join,
  newWorkshop,
  postNote,
  run,
  testContext,
  type ParticipantActor,
  type Session,
} from '../helpers';

/** Texts a spreadsheet would run as formulas, or Markdown would render as markup. */
export const HOSTILE = {
  formula: '=HYPERLINK("http://evil.example","clic")',
  plus: '+33 6 12 34 56 78',
  minus: '-2+3',
  at: '@SUM(A1:A9)',
  tab: '\t=1+1',
  heading: '# Pas un titre',
  emphasis: '*gras* et _italique_',
  link: '[cliquez](javascript:alert(1))',
  script: '<script>alert(1)</script>',
  pipe: 'a | b ; c, "d"',
} as const;

export const SMALL_SECTOR = 'Patients partenaires';
export const MODERATED_TEXT = 'Texte retiré par la modération';
export const ANONYMOUS_TEXT = 'Une note écrite sans nom';

export interface Scene {
  s: Session;
  people: Record<string, ParticipantActor>;
}

export function scene(): Scene {
  const s = newWorkshop(
    {
      title: 'Atelier *santé* <b>2027</b>',
      question: 'Comment # mieux | collaborer ?',
      sectors: ['Clinique', 'Santé publique', SMALL_SECTOR],
    },
    testContext(),
  );
  const [clinique, sante, small] = s.state.sectors.map((x) => x.id) as [
    SectorId,
    SectorId,
    SectorId,
  ];
  const people: Record<string, ParticipantActor> = {};
  for (const [name, sector] of [
    ['Alice', clinique],
    ['Bruno', clinique],
    ['Chloé', clinique],
    ['Dina', sante],
    ['Émile', sante],
    ['Fanny', sante],
    ['Gaston', small],
    ['Hugo', null],
  ] as const) {
    s.ctx.advance();
    people[name] = join(s, name, { sector });
  }
  const p = people as Record<
    'Alice' | 'Bruno' | 'Chloé' | 'Dina' | 'Émile' | 'Fanny' | 'Gaston' | 'Hugo',
    ParticipantActor
  >;
  run(s, facilitator, {
    type: 'setObjectives',
    objectives: 'Repérer les freins\n> et les leviers',
  });

  s.ctx.advance();
  postNote(s, p.Alice, 'define', 'Mieux se connaître entre équipes');
  postNote(s, p.Dina, 'define', HOSTILE.formula, 1);

  run(s, facilitator, { type: 'setStage', stage: 'discover' });
  const discover = boardOf(s.state, 'discover');
  const barrier = (who: ParticipantActor, text: string) => {
    s.ctx.advance();
    return postNote(s, who, 'discover', text, 0);
  };
  const enabler = (who: ParticipantActor, text: string) => {
    s.ctx.advance();
    return postNote(s, who, 'discover', text, 1);
  };
  const time = [
    barrier(p.Alice, 'Manque de temps'),
    barrier(p.Dina, HOSTILE.plus),
    barrier(p.Gaston, 'Personne ne nous écoute'),
  ];
  const hostile = [
    barrier(p.Bruno, HOSTILE.minus),
    barrier(p.Émile, HOSTILE.at),
    barrier(p.Hugo, HOSTILE.tab),
  ];
  const help = [
    enabler(p.Chloé, HOSTILE.heading),
    enabler(p.Fanny, HOSTILE.emphasis),
    enabler(p.Gaston, HOSTILE.link),
    enabler(p.Alice, HOSTILE.script),
    enabler(p.Dina, HOSTILE.pipe),
  ];
  const moderated = enabler(p.Bruno, MODERATED_TEXT);
  run(s, facilitator, { type: 'moderateNote', noteId: moderated, moderated: true });
  const theme = (title: string, noteIds: NoteId[]) =>
    run(s, facilitator, { type: 'createTheme', boardId: discover.id, title, noteIds }).reply!
      .themeId!;
  const timeTheme = theme('Le temps | <manque>', time);
  theme('Formules', hostile);
  const helpTheme = theme('# Des relais', help);
  run(s, facilitator, {
    type: 'linkThemes',
    themeId: timeTheme,
    answerId: helpTheme,
    linked: true,
  });

  // A second Découverte board, anonymous: its notes never carry a group.
  run(s, facilitator, {
    type: 'addBoard',
    stage: 'discover',
    title: 'Confidences',
    columns: ['Ce que je tais'],
  });
  const secret = s.state.stages.discover.boardIds[1] as BoardId;
  run(s, facilitator, {
    type: 'setBoardSetting',
    boardId: secret,
    setting: 'anonymous',
    value: true,
  });
  s.ctx.advance();
  run(s, p.Alice, {
    type: 'addNote',
    boardId: secret,
    columnId: s.state.boards[secret]!.columns[0]!.id,
    text: ANONYMOUS_TEXT,
  });

  run(s, facilitator, { type: 'setStage', stage: 'dream' });
  const statement = run(s, facilitator, { type: 'addStatement', title: 'Dans trois ans…' }).reply!
    .statementId!;
  s.ctx.advance();
  run(s, p.Chloé, {
    type: 'writeStatement',
    statementId: statement,
    update: 'AQID',
    text: 'Chaque équipe a un relais.\n# Et <i>personne</i> | ne reste seul.',
  } as Command);
  s.ctx.advance();
  postNote(s, p.Fanny, 'dream', 'Un annuaire partagé');

  run(s, facilitator, { type: 'setStage', stage: 'decide' });
  const candidate = (title: string, sources: { kind: 'theme'; id: string; title: string }[]) =>
    run(s, facilitator, { type: 'addCandidate', title, description: '', sources }).reply!
      .candidateId!;
  const a = candidate('Des relais dans chaque équipe', [
    { kind: 'theme', id: helpTheme, title: '' },
  ]);
  const b = candidate(HOSTILE.formula, [{ kind: 'theme', id: timeTheme, title: '' }]);
  const c = candidate('Un annuaire partagé', []);
  run(s, facilitator, { type: 'openDotVote', budget: 3, cap: 2 });
  const dots: [ParticipantActor, string, number][] = [
    [p.Alice, a, 2],
    [p.Bruno, a, 1],
    [p.Bruno, b, 2],
    [p.Chloé, c, 2],
    [p.Dina, a, 2],
    [p.Émile, b, 1],
    [p.Fanny, c, 1],
    [p.Gaston, a, 2],
  ];
  for (const [who, candidateId, n] of dots) {
    run(s, who, { type: 'castDots', candidateId, dots: n });
  }
  run(s, facilitator, { type: 'closeDotVote' });
  run(s, facilitator, { type: 'revealDotVote' });
  run(s, facilitator, { type: 'setShortlist', size: 3 });
  run(s, facilitator, { type: 'openRanking' });
  const ballots: [ParticipantActor, string[]][] = [
    [p.Alice, [a, c, b]],
    [p.Bruno, [b, a]],
    [p.Chloé, [a, b, c]],
    [p.Dina, [a]],
    [p.Émile, [c, a, b]],
    [p.Fanny, [a, c, b]],
  ];
  for (const [who, order] of ballots) run(s, who, { type: 'submitRanking', order });
  run(s, facilitator, { type: 'closeRanking' });
  run(s, facilitator, { type: 'revealRanking' });
  run(s, facilitator, { type: 'adoptPriorities' });
  const [first, second] = s.state.priorityOrder!;
  run(s, facilitator, {
    type: 'editPriority',
    priorityId: first!,
    owner: 'Dina (santé publique)',
    nextStep: '@Chloé réunit les relais',
    horizon: 'printemps 2027',
    status: 'committed',
  });
  run(s, facilitator, {
    type: 'editPriority',
    priorityId: second!,
    description: 'Une *liste* | des <contacts>',
    nextStep: '-',
  });
  return { s, people };
}

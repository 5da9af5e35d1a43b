import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_GROUP } from '../../../src/lib/domain/aggregate';
import type { ReportDetails, Workshop, WorkshopSession } from '../../../src/lib/domain/model';
import { attendanceByGroup } from '../../../src/lib/export/common';
import { escapeHtml, workshopReport } from '../../../src/lib/export/report';
import { wrapLabel } from '../../../src/lib/export/reportCharts';
import { facilitator, nobody, run } from '../helpers';
import { HOSTILE, MODERATED_TEXT, scene, type Scene } from './scene';

/** What the facilitator writes for the report, hostile where it can be. */
const DETAILS: ReportDetails = {
  presenters: 'Marie-France B., cheffe de service </style><script>alert(1)</script>',
  facilitators: 'Olivier T.',
  noteTakers: 'Maggie S.-G. " onload="alert(2)',
  otherInfo: ['2009-2011 : rapport de recherche', "]]><img src=x onerror='alert(3)'>"],
  keyMessages: ['Oser innover', 'Travailler en complémentarité', HOSTILE.formula],
};

/** The report's sections, in the order a reader meets them. */
const SECTIONS = [
  'sessions',
  'people',
  'objectives',
  'discover',
  'vision',
  'decision',
  'priorities',
  'other-info',
  'key-messages',
];

/** The HTML of one section (sections are never nested). */
function sectionOf(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  expect(start, id).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

/** Plain text of some HTML, entities decoded (enough for what the report writes). */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * Three sessions over the scene's people (three Clinique, three Santé publique, Gaston the only
 * patient partner, Hugo without a sector): the first with both large sectors, the second with
 * Clinique and three people of small groups (shown together as "other"), the third with Clinique
 * and one person more (a group of one: no breakdown).
 */
function withSessions(sc: Scene): Workshop {
  const { s, people } = sc;
  const ids = (names: string[]) => names.map((n) => people[n]!.participantId as string);
  const meeting = (label: string, date: string, names: string[]) => {
    s.ctx.advance();
    run(s, facilitator, { type: 'startSession', label, date });
    run(s, nobody, { type: 'recordAttendance', participantIds: ids(names) });
    run(s, facilitator, { type: 'endSession' });
  };
  meeting('Lancement', '2026-09-10', ['Alice', 'Bruno', 'Chloé', 'Dina', 'Émile', 'Fanny']);
  meeting('', '2026-11-05', ['Alice', 'Bruno', 'Chloé', 'Dina', 'Gaston', 'Hugo']);
  meeting('Bilan', '2027-01-20', ['Alice', 'Bruno', 'Chloé', 'Gaston']);
  return s.state;
}

describe('Exports: the workshop report', () => {
  it('[EX50] is one standalone HTML document: the title is the workshop’s, inline styles only, no script, no external resource, no interface', async () => {
    const { s } = scene();
    const html = workshopReport({ ...s.state, report: DETAILS });
    expect(html.startsWith('<!doctype html>\n<html lang="fr">')).toBe(true);
    expect(html).toContain('<title>Atelier *santé* &lt;b&gt;2027&lt;/b&gt;</title>');
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<form|<button|<input|<a\s/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|action)\s*=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    // Reviewed by eye once, printed (see the e2e test's pages).
    await expect(html).toMatchFileSnapshot('golden/report.html');
  });

  it('[EX51] has every section in order: title and question, sessions and attendance, people, objectives, Découverte, vision, Décision, priorities, other information, key messages', () => {
    const sc = scene();
    const state = { ...withSessions(sc), report: DETAILS };
    const html = workshopReport(state);
    const at = SECTIONS.map((id) => html.indexOf(`<section id="${id}"`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const cover = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
    expect(textOf(cover)).toContain('Rapport d’atelier Atelier *santé* <b>2027</b>');
    expect(textOf(cover)).toContain('Question : Comment # mieux | collaborer ?');
    expect(textOf(cover)).toContain('10 septembre 2026 – 20 janvier 2027');

    const people = textOf(sectionOf(html, 'people'));
    expect(people).toContain('Présentation faite par : Marie-France B., cheffe de service');
    expect(people).toContain('Animation faite par : Olivier T.');
    expect(people).toContain('Notes prises par : Maggie S.-G.');
    expect(textOf(sectionOf(html, 'objectives'))).toContain('Repérer les freins > et les leviers');

    const discover = textOf(sectionOf(html, 'discover'));
    expect(discover).toContain('Découverte : thèmes, freins et leviers');
    // a theme, its count, its notes under their column, and what lifts it
    expect(discover).toMatch(
      /Le temps \| <manque> 3 notes Obstacles Manque de temps \+33 6 12 34 56 78 Personne ne nous écoute Levé par : # Des relais/,
    );
    expect(discover).toContain('# Des relais 5 notes Facilitateurs # Pas un titre');
    expect(discover).toContain('Notes hors thème 1 note Ce que je tais Une note écrite sans nom');
    expect(discover).toMatch(/Ce qui lève les freins .* Le temps \| <manque> → # Des relais/);
    expect(discover).not.toContain(MODERATED_TEXT);

    const vision = textOf(sectionOf(html, 'vision'));
    expect(vision).toContain('Dans trois ans… Chaque équipe a un relais. # Et <i>personne</i>');

    const decision = sectionOf(html, 'decision');
    const text = textOf(decision);
    expect(text).toContain('Propositions Des relais dans chaque équipe');
    // the dot totals as a chart, largest first, each bar labelled with its value
    expect(decision).toContain('aria-label="Gommettes par proposition"');
    expect(text).toMatch(
      /Des relais dans chaque équipe 7 gommettes .*Un annuaire partagé 3 gommettes/,
    );
    expect(text).toContain('13 gommettes en tout');
    // the ranking as a chart and a table
    expect(decision).toContain('aria-label="Points Borda par proposition"');
    expect(text).toContain('1. Des relais dans chaque équipe 10 pts');
    expect(text).toContain('(6 bulletins)');
    expect(text).toContain('1 Des relais dans chaque équipe 10 1,33 6');
    // agreement in figures and in words
    expect(text).toContain('W de Kendall = 0,36 : accord modéré.');
    expect(text).toContain('W va de 0 (aucun accord');
    // support per sector group, with how many voters each
    expect(text).toContain('Clinique 3 votants Santé publique 3 votants Porté surtout par');
    expect(text).toContain('Un annuaire partagé 1 3,5 Santé publique');

    const priorities = textOf(sectionOf(html, 'priorities'));
    expect(priorities).toContain(
      '1. Des relais dans chaque équipe Responsable Dina (santé publique) Prochaine étape @Chloé réunit les relais Échéance printemps 2027 Statut Adoptée Thèmes sources # Des relais',
    );
    expect(priorities).toContain('2. Un annuaire partagé Une *liste* | des <contacts>');

    expect(textOf(sectionOf(html, 'other-info'))).toContain(
      'Autres informations pertinentes 2009-2011 : rapport de recherche',
    );
    expect(textOf(sectionOf(html, 'key-messages'))).toContain(
      'Messages clés à partager Oser innover Travailler en complémentarité =HYPERLINK',
    );
    // No participant is named (Dina and Chloé appear only in what the facilitator wrote).
    for (const name of ['Alice', 'Bruno', 'Émile', 'Fanny', 'Gaston', 'Hugo']) {
      expect(html).not.toContain(name);
    }
  });

  it('[EX52] attendance per session is counted per sector group under the k = 3 rule: small sectors together as "other", no breakdown while they are one or two', () => {
    const sc = scene();
    const state = withSessions(sc);
    const sessions = state.sessionOrder!.map((id) => state.sessions![id]!);
    const [clinique, sante] = state.sectors.map((x) => x.id as string);
    expect(sessions.map((x) => attendanceByGroup(state, x))).toEqual([
      {
        sessionId: sessions[0]!.id,
        total: 6,
        removed: 0,
        groups: [
          { group: clinique, count: 3 },
          { group: sante, count: 3 },
        ],
        withheld: false,
      },
      {
        sessionId: sessions[1]!.id,
        total: 6,
        removed: 0,
        groups: [
          { group: clinique, count: 3 },
          { group: 'other', count: 3 },
        ],
        withheld: false,
      },
      { sessionId: sessions[2]!.id, total: 4, removed: 0, groups: [], withheld: true },
    ]);
    const html = sectionOf(workshopReport(state), 'sessions');
    const rows = html.split('<tr>').slice(2).map(textOf);
    expect(rows[0]).toContain('Lancement 10 septembre 2026 6 Clinique : 3 · Santé publique : 3');
    expect(rows[1]).toContain('Séance 2 5 novembre 2026 6 Clinique : 3 · Autres secteurs : 3');
    expect(rows[2]).toContain(
      'Bilan 20 janvier 2027 4 Détail non affiché : un groupe compterait moins de trois personnes.',
    );
    expect(html).not.toContain('Patients partenaires');
    // Someone removed since attended, with no sector left: counted apart, in no group (not as
    // "prefer not to say"); Clinique is then two, so the first session shows no breakdown.
    run(sc.s, facilitator, {
      type: 'removeParticipant',
      participantId: sc.people.Alice!.participantId,
    });
    const first = sc.s.state.sessions![sessions[0]!.id]!;
    expect(attendanceByGroup(sc.s.state, first)).toEqual({
      sessionId: first.id,
      total: 6,
      removed: 1,
      groups: [],
      withheld: true,
    });
    // A workshop without sessions: one, covering its past, with everyone (two in small groups).
    const past = textOf(sectionOf(workshopReport(scene().s.state), 'sessions'));
    expect(past).toContain('Séance 1 14 novembre 2023 8 Détail non affiché');
  });

  it('[EX52] whoever attended, no attendance figure describes a group of fewer than three, and the shown groups add up to the total', () => {
    const { s, people } = scene();
    const ids = Object.values(people).map((p) => p.participantId as string);
    fc.assert(
      fc.property(fc.subarray(ids), (present) => {
        const session: WorkshopSession = {
          id: 'x',
          label: '',
          date: '2026-11-26',
          startedAt: 0,
          attendance: present,
        };
        const a = attendanceByGroup(s.state, session);
        expect(a.total).toBe(present.length);
        for (const g of a.groups) expect(g.count).toBeGreaterThanOrEqual(MIN_GROUP);
        if (!a.withheld) {
          expect(a.groups.reduce((acc, g) => acc + g.count, 0)).toBe(a.total - a.removed);
        } else expect(a.groups).toEqual([]);
      }),
    );
  });

  it('[EX53] support per sector is left out, with the reason, while a ballot counts in no shown group (sectorSupport withheld)', () => {
    const { s, people } = scene();
    const [a] = s.state.ranking!.items;
    // Gaston (the only patient partner) ranks too: 'other' would be one voter.
    const state = {
      ...s.state,
      rankings: { ...s.state.rankings, [people.Gaston!.participantId]: [a!] },
    };
    const support = textOf(sectionOf(workshopReport(state), 'decision'));
    expect(support).toContain(
      'Soutien par groupe de secteurs Non affiché : un groupe compterait moins de trois votants',
    );
    expect(support).not.toContain('votants Santé publique');
    expect(support).not.toContain('Autres secteurs');
  });

  it('[EX54] user text is inert everywhere, SVG labels and the title included: & < > " \' escaped, so no tag, attribute, style end or CDATA end comes from it', () => {
    const cases: [string, string][] = [
      ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
      ['</style>', '&lt;/style&gt;'],
      ['" onload="x', '&quot; onload=&quot;x'],
      ["' onerror='x", '&#39; onerror=&#39;x'],
      [']]>', ']]&gt;'],
      ['&amp; &lt;', '&amp;amp; &amp;lt;'],
      ['=SOMME(1;2)', '=SOMME(1;2)'],
    ];
    for (const [text, escaped] of cases) expect(escapeHtml(text), text).toBe(escaped);

    const { s } = scene();
    const [a, b] = s.state.candidateOrder!;
    run(s, facilitator, {
      type: 'editCandidate',
      candidateId: a!,
      title: '</text></svg><script>alert("svg")</script>',
      description: '',
    });
    run(s, facilitator, {
      type: 'editCandidate',
      candidateId: b!,
      title: ']]><img src=x onerror=alert(1)>',
      description: '',
    });
    const state: Workshop = {
      ...s.state,
      title: '</title><script>alert(0)</script>',
      question: '</style><style>body{display:none}</style>',
      report: DETAILS,
    };
    const html = workshopReport(state);
    // Every tag in the document is one the report writes; none has an event handler.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      [
        'article',
        'blockquote',
        'body',
        'br',
        'dd',
        'div',
        'dl',
        'dt',
        'figcaption',
        'figure',
        'footer',
        'g',
        'h1',
        'h2',
        'h3',
        'h4',
        'h5',
        'head',
        'header',
        'html',
        'li',
        'line',
        'main',
        'meta',
        'ol',
        'p',
        'rect',
        'section',
        'span',
        'strong',
        'style',
        'svg',
        'table',
        'tbody',
        'td',
        'text',
        'th',
        'thead',
        'title',
        'tr',
        'tspan',
        'ul',
      ].sort(),
    );
    expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html.match(/<\/svg>/g)).toHaveLength(2);
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(0)&lt;/script&gt;</title>');
    // in the charts' labels too
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).toContain('&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;');
    expect(html).toContain(']]&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot; onload=&quot;alert(2)');
    expect(html).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;clic&quot;)');
  });

  it('[EX55] speaks the workshop’s language unless asked another: French or English throughout', () => {
    const { s } = scene();
    const state = { ...s.state, report: DETAILS };
    const fr = workshopReport(state);
    const en = workshopReport(state, { language: 'en' });
    expect(en.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    const headings = (html: string) => [...html.matchAll(/<h2[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(headings(fr)).toEqual([
      'Séances et participation',
      'Animation',
      'Objectifs',
      'Découverte : thèmes, freins et leviers',
      'Devenir : énoncés de vision',
      'Décision : résultats',
      'Priorités d’innovation',
      'Autres informations pertinentes',
      'Messages clés à partager',
    ]);
    expect(headings(en)).toEqual([
      'Sessions and attendance',
      'Who ran the workshop',
      'Objectives',
      'Discover: themes, barriers and enablers',
      'Dream: vision statements',
      'Decide: results',
      'Innovation priorities',
      'Other relevant information',
      'Key messages to share',
    ]);
    const text = textOf(en);
    expect(text).toContain('Presented by: Marie-France B.');
    expect(text).toContain('Kendall’s W = 0.36: moderate agreement.');
    expect(text).toContain('Session 1 November 14, 2023 8 Not broken down');
    expect(text).toContain('Status Committed');
    expect(text).not.toMatch(/Séance|Gommettes|Responsable|accord modéré/);
    // the English workshop's own language when none is asked
    expect(workshopReport({ ...state, language: 'en' })).toBe(en);
    // groups are named in the report's language, not the workshop's
    const sessions = textOf(
      sectionOf(workshopReport(withSessions(scene()), { language: 'en' }), 'sessions'),
    );
    expect(sessions).toContain('Clinique: 3 · Other sectors: 3');
  });

  it('[EX56] prints on A4 or Letter: @page sets the size, margins fit both; cards, tables rows and charts are not cut, headings stay with what follows, Découverte opens a page', () => {
    const { s } = scene();
    const a4 = workshopReport(s.state);
    const letter = workshopReport(s.state, { paper: 'letter' });
    expect(a4).toContain('@page { size: A4 portrait; margin: 18mm 16mm 20mm 16mm;');
    expect(letter).toContain('@page { size: letter portrait; margin: 18mm 16mm 20mm 16mm;');
    expect(workshopReport(s.state, { paper: 'a4' })).toBe(a4);
    expect(a4.replace('size: A4', 'size: letter')).toBe(letter);
    expect(a4).toMatch(/h1, h2, h3, h4, h5 \{[^}]*break-after: avoid/);
    expect(a4).toMatch(
      /\.theme, \.statement, \.priority, \.agreement, figure\.chart[^{]*\{ break-inside: avoid/,
    );
    expect(a4).toMatch(/tr \{ break-inside: avoid/);
    expect(a4).toMatch(/\.stage \{ break-before: page/);
    expect(a4).toContain('<section id="discover" class="stage"');
    expect(a4).toContain('<section id="decision" aria-labelledby');
  });

  it('[EX57] what is not written yet shows as such: the people and the lists the facilitator fills in, objectives, statements, votes', () => {
    const { s } = scene();
    const html = workshopReport(s.state);
    expect(textOf(sectionOf(html, 'people'))).toContain(
      'Présentation faite par : à compléter dans la console Animation faite par : à compléter dans la console',
    );
    expect(textOf(sectionOf(html, 'key-messages'))).toContain('à compléter dans la console');
    expect(textOf(sectionOf(html, 'other-info'))).toContain('à compléter dans la console');
    const bare = workshopReport({
      ...s.state,
      objectives: '',
      statementOrder: [],
      candidateOrder: [],
      dotVote: undefined,
      ranking: undefined,
      priorityOrder: [],
      report: { ...DETAILS, keyMessages: ['  '], presenters: '' },
    });
    expect(textOf(sectionOf(bare, 'objectives'))).toContain('Aucun objectif n’a été écrit.');
    expect(textOf(sectionOf(bare, 'vision'))).toContain('Aucun énoncé de vision.');
    expect(sectionOf(bare, 'decision')).not.toContain('<svg');
    const decision = textOf(sectionOf(bare, 'decision'));
    expect(decision).toContain('Aucune proposition.');
    expect(decision).toContain('Aucun vote par gommettes.');
    expect(decision).toContain('Aucun classement.');
    expect(textOf(sectionOf(bare, 'priorities'))).toContain('Aucune priorité adoptée.');
    expect(textOf(sectionOf(bare, 'key-messages'))).toContain('à compléter dans la console');
    expect(textOf(sectionOf(bare, 'people'))).toContain(
      'Présentation faite par : à compléter dans la console Animation faite par : Olivier T.',
    );
  });

  it('[EX64] a vote’s figures are in the report only once it is closed and revealed (decisionFigures): until then it says they are to come', () => {
    const { s } = scene();
    const state: Workshop = {
      ...s.state,
      dotVote: { ...s.state.dotVote!, revealed: false },
      ranking: { ...s.state.ranking!, revealed: false },
    };
    const decision = sectionOf(workshopReport(state), 'decision');
    expect(decision).not.toContain('<svg');
    const text = textOf(decision);
    expect(text).toContain('Les totaux seront donnés une fois le vote fermé et dévoilé.');
    expect(text).toContain('Le classement sera donné une fois le vote fermé et dévoilé.');
    expect(text).not.toMatch(/gommettes en tout|W de Kendall|votants/);
    // revealed, but nobody ranked: said as such
    const none = workshopReport({ ...s.state, rankings: {} });
    expect(textOf(sectionOf(none, 'decision'))).toContain('Aucun bulletin n’a été déposé.');
  });

  it('[EX58] a chart label is wrapped on words, a long word cut where its line ends, at most three lines', () => {
    expect(wrapLabel('Des relais dans chaque équipe', 12)).toEqual([
      'Des relais',
      'dans chaque',
      'équipe',
    ]);
    expect(wrapLabel('3. =HYPERLINK("http://evil.example","clic")', 20)).toEqual([
      '3. =HYPERLINK("http:',
      '//evil.example","cli',
      'c")',
    ]);
    expect(wrapLabel('un deux trois quatre cinq six sept huit neuf dix', 10)).toEqual([
      'un deux',
      'trois',
      'quatre…',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { escapeMarkdown, workshopMarkdown } from '../../../src/lib/export';
import { facilitator, run } from '../helpers';
import { MODERATED_TEXT, scene } from './scene';

describe('Exports: Markdown', () => {
  it('[EX8] the whole workshop reads as Markdown: a heading per stage, themes with their notes, barrier → enabler links, vision statements, results, priorities (golden)', async () => {
    const { s } = scene();
    const md = workshopMarkdown(s.state);
    const headings = md.split('\n').filter((l) => /^#{1,4} /.test(l));
    expect(headings.filter((h) => h.startsWith('## '))).toEqual([
      '## Objectifs',
      '## Séances',
      '## Définition',
      '## Découverte',
      '## Devenir',
      '## Décision',
    ]);
    expect(headings).toEqual(
      expect.arrayContaining([
        '#### Le temps \\| \\<manque\\>',
        '### Freins et leviers',
        '### Énoncés de vision',
        '### Vote par gommettes',
        '### Classement',
        '### Priorités d’innovation',
      ]),
    );
    expect(md).toContain('#### Le temps \\| \\<manque\\>\n\n- Manque de temps\n');
    expect(md).toContain('- Le temps \\| \\<manque\\> → \\# Des relais');
    expect(md).toContain('> Chaque équipe a un relais.');
    expect(md).toContain('**Accord** : W = 0,36 (modéré)');
    expect(md).toContain('- **Responsable** : Dina (santé publique)');
    expect(md).not.toContain(MODERATED_TEXT);
    // No author is named (Dina and Chloé appear only in what the facilitator wrote).
    for (const name of ['Alice', 'Bruno', 'Émile', 'Fanny', 'Gaston', 'Hugo']) {
      expect(md).not.toContain(name);
    }
    expect(workshopMarkdown({ ...s.state, language: 'en' })).toContain('## Discover');
    await expect(md).toMatchFileSnapshot('golden/workshop.md');
  });

  it('[EX9] user text never makes Markdown: headings, emphasis, links, HTML and table pipes are escaped, line breaks collapse', () => {
    const cases: [string, string][] = [
      ['# Titre', '\\# Titre'],
      ['## Titre', '\\## Titre'],
      ['*gras* _it_ **x**', '\\*gras\\* \\_it\\_ \\*\\*x\\*\\*'],
      ['[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
      ['![img](http://evil/x.png)', '!\\[img\\](http://evil/x.png)'],
      ['<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
      ['&lt;b&gt;', '\\&lt;b\\&gt;'],
      ['a | b', 'a \\| b'],
      ['`code`', '\\`code\\`'],
      ['~~barré~~', '\\~\\~barré\\~\\~'],
      ['\\*', '\\\\\\*'],
      ['- item', '\\- item'],
      ['+ item', '\\+ item'],
      ['> citation', '\\> citation'],
      ['1. liste', '1\\. liste'],
      ['12) liste', '12\\) liste'],
      ['=== ', '\\==='],
      ['ligne\n# deux\n\n---', 'ligne # deux ---'],
      ['Texte ordinaire, 3.5 %', 'Texte ordinaire, 3.5 %'],
    ];
    for (const [text, escaped] of cases) expect(escapeMarkdown(text), text).toBe(escaped);
    const { s } = scene();
    const md = workshopMarkdown(s.state);
    expect(md).not.toMatch(/(^|[^\\])<script/);
    expect(md).not.toMatch(/(^|[^\\])\[cliquez/);
    expect(md).not.toContain('\n# Pas');
    expect(md).not.toContain('\n- # Pas');
    // In a table row, the only unescaped pipes are the cell borders.
    const c = s.state.candidateOrder![2]!;
    run(s, facilitator, { type: 'editCandidate', candidateId: c, title: 'a | b', description: '' });
    const rows = workshopMarkdown(s.state)
      .split('\n')
      .filter((l) => l.includes('a \\| b') && l.startsWith('|'));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.split('|').length).toBeGreaterThan(row.replace(/\\\|/g, '').split('|').length);
    }
    expect(rows[0]).toBe('| a \\| b | 3 |');
  });

  it('[EX18] what the facilitator wrote for the report: who presented, facilitated and took notes after the sessions; other information and key messages last, as lists, escaped', () => {
    const { s } = scene();
    expect(workshopMarkdown(s.state)).not.toContain('Messages clés');
    run(s, facilitator, {
      type: 'setReportDetails',
      presenters: 'Dre <b>Roy</b>',
      noteTakers: 'Léa',
      otherInfo: ['Prochaine rencontre en mars'],
      keyMessages: ['# Se parler tôt', 'Un dossier [partagé](x)'],
    });
    const md = workshopMarkdown(s.state);
    expect(md).toContain(
      '- **Présentation** : Dre \\<b\\>Roy\\</b\\>\n- **Prise de notes** : Léa\n',
    );
    expect(md).not.toContain('**Animation**');
    expect(md.indexOf('## Séances')).toBeLessThan(md.indexOf('**Présentation**'));
    expect(md.indexOf('## Décision')).toBeLessThan(
      md.indexOf('## Autres informations pertinentes'),
    );
    expect(md).toMatch(
      /## Messages clés à partager\n\n- \\# Se parler tôt\n- Un dossier \\\[partagé\\\]\(x\)\n$/,
    );
    expect(workshopMarkdown({ ...s.state, language: 'en' })).toContain('## Key messages to share');
  });
});

import { describe, expect, it } from 'vitest';
import {
  neutralise,
  notesCsv,
  prioritiesCsv,
  toCsv,
  workshopJson,
  workshopMarkdown,
} from '../../../src/lib/export';
import { decisionFigures } from '../../../src/lib/export/common';
import { facilitator, run } from '../helpers';
import { readCsv } from './csvReader';
import { ANONYMOUS_TEXT, HOSTILE, MODERATED_TEXT, SMALL_SECTOR, scene } from './scene';

const BOM = '\uFEFF';

describe('Exports: CSV', () => {
  it('[EX1] a CSV file starts with a UTF-8 BOM, ends every line with CRLF, and separates with ";" in French, "," in English, or what the caller chose', () => {
    const { s } = scene();
    for (const csv of [notesCsv(s.state), prioritiesCsv(s.state)]) {
      expect(csv.startsWith(BOM)).toBe(true);
      expect(csv.endsWith('\r\n')).toBe(true);
      expect(csv.replace(/"[^"]*"/g, '').match(/\n/g)!.length).toBe(
        csv.replace(/"[^"]*"/g, '').match(/\r\n/g)!.length,
      );
      expect(readCsv(csv, ';')[0]!.length).toBeGreaterThan(5);
    }
    expect(readCsv(notesCsv(s.state, { separator: ',' }), ',')[0]![0]).toBe('Séance');
    const english = { ...s.state, language: 'en' as const };
    expect(readCsv(notesCsv(english), ',')[0]).toEqual([
      'Session',
      'Stage',
      'Board',
      'Column',
      'Theme',
      'Text',
      'Sector group',
      'Time (UTC)',
    ]);
  });

  it('[EX2] cells holding the separator, a quote or a line break are quoted (quotes doubled), and read back whole', () => {
    const cells = ['a;b', 'a,b', 'il a dit "non"', 'deux\nlignes', 'retour\r\nchariot', 'simple'];
    for (const separator of [';', ','] as const) {
      const csv = toCsv([cells], separator);
      expect(readCsv(csv, separator)).toEqual([cells]);
    }
    expect(toCsv([['il a dit "non"', 'simple']], ';')).toBe(`${BOM}"il a dit ""non""";simple\r\n`);
    const { s } = scene();
    const rows = readCsv(notesCsv(s.state), ';');
    expect(rows.map((r) => r[5])).toContain(HOSTILE.pipe);
  });

  it('[EX3] every cell starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe, other cells are left as they are', () => {
    for (const hostile of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', HOSTILE.formula]) {
      expect(neutralise(hostile)).toBe(`'${hostile}`);
      expect(readCsv(toCsv([[hostile]], ';'), ';')).toEqual([[`'${hostile}`]]);
    }
    for (const plain of ['a=1', ' =1', "'=1", '1-2', 'é', ''])
      expect(neutralise(plain)).toBe(plain);
    const { s } = scene();
    const cells = [
      ...readCsv(notesCsv(s.state), ';').flat(),
      ...readCsv(prioritiesCsv(s.state), ';').flat(),
    ];
    expect(cells.length).toBeGreaterThan(100);
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells).toContain(`'${HOSTILE.formula}`);
    expect(cells).toContain(`'${HOSTILE.plus}`);
    expect(cells).toContain(`'${HOSTILE.minus}`);
    expect(cells).toContain(`'${HOSTILE.at}`);
    expect(cells).toContain(`'@Chloé réunit les relais`);
  });

  it('[EX4] the priorities file: one row per priority in order, with the ranking figures, the dots, W, Borda per shown sector group, and the fields the room wrote (golden)', async () => {
    const { s } = scene();
    const rows = readCsv(prioritiesCsv(s.state), ';');
    expect(rows[0]).toEqual([
      'Rang',
      'Titre',
      'Description',
      'Points Borda',
      'Rang moyen',
      'Approbation (top 3)',
      'Gommettes',
      'Accord (W de Kendall)',
      'Soutien : Clinique',
      'Soutien : Santé publique',
      'Responsable',
      'Prochaine étape',
      'Échéance',
      'Statut',
      'Thèmes sources',
    ]);
    const { ranking, dots } = decisionFigures(s.state);
    const priorities = s.state.priorityOrder!.map((id) => s.state.priorities![id]!);
    expect(rows.slice(1).map((r) => r[1])).toEqual(
      priorities.map((p) => (p.title.startsWith('=') ? `'${p.title}` : p.title)),
    );
    const decimal = (n: number) => String(Number(n.toFixed(3))).replace('.', ',');
    priorities.forEach((p, i) => {
      const item = ranking!.items.find((x) => x.id === p.candidateId)!;
      const row = rows[i + 1]!;
      expect(row[0]).toBe(String(p.rank));
      expect(row[3]).toBe(decimal(item.borda));
      expect(row[4]).toBe(decimal(item.meanRank!));
      expect(row[5]).toBe(String(item.approval));
      expect(row[6]).toBe(String(dots![p.candidateId]));
      expect(row[7]).toBe(decimal(ranking!.agreement!));
      expect(row[8]).toBe(decimal(ranking!.support.groups[0]!.borda[item.id]!));
      expect(row[9]).toBe(decimal(ranking!.support.groups[1]!.borda[item.id]!));
    });
    expect(rows[1]!.slice(10)).toEqual([
      'Dina (santé publique)',
      "'@Chloé réunit les relais",
      'printemps 2027',
      'Adoptée',
      '# Des relais',
    ]);
    await expect(prioritiesCsv(s.state)).toMatchFileSnapshot('golden/priorities.csv');
  });

  it('[EX5] the notes file: every note not moderated, by stage, board, column and time, with its session, theme, recorded group and time, and no name (golden)', async () => {
    const { s } = scene();
    const csv = notesCsv(s.state);
    const rows = readCsv(csv, ';');
    const visible = Object.values(s.state.notes).filter((n) => !n.moderated);
    expect(rows).toHaveLength(visible.length + 1);
    expect(rows.map((r) => r[5])).not.toContain(MODERATED_TEXT);
    expect(rows[1]).toEqual([
      'Séance 1',
      'Définition',
      'Attentes et défis',
      'Attentes',
      '',
      'Mieux se connaître entre équipes',
      'Clinique',
      '2023-11-14 22:13:29',
    ]);
    const timed = rows.find((r) => r[5] === 'Manque de temps')!;
    expect(timed.slice(1, 5)).toEqual([
      'Découverte',
      'Obstacles et facilitateurs',
      'Obstacles',
      'Le temps | <manque>',
    ]);
    for (const p of Object.values(s.state.participants)) expect(csv).not.toContain(p.name);
    await expect(csv).toMatchFileSnapshot('golden/notes.csv');
  });

  it('[EX6] k = 3: a sector of one or two people never shows as its own group, in notes or support columns, and a group that shrank under three shows no more', () => {
    const { s, people } = scene();
    const small = s.state.sectors.find((x) => x.label === SMALL_SECTOR)!.id;
    const notes = readCsv(notesCsv(s.state), ';');
    expect(notes.map((r) => r[6])).not.toContain(SMALL_SECTOR);
    const gaston = notes.find((r) => r[5] === 'Personne ne nous écoute')!;
    expect(gaston[6]).toBe('');
    expect(prioritiesCsv(s.state)).not.toContain(SMALL_SECTOR);
    for (const text of [
      workshopMarkdown(s.state),
      JSON.stringify(workshopJson(s.state).workshop.notes),
    ]) {
      expect(text).not.toContain(SMALL_SECTOR);
      expect(text).not.toContain(`"group":"${small}"`);
    }
    // Fanny leaves: Santé publique now holds two present people, so its notes show no group.
    run(s, facilitator, { type: 'removeParticipant', participantId: people.Fanny!.participantId });
    const after = readCsv(notesCsv(s.state), ';');
    expect(after.filter((r) => r[6] === 'Santé publique')).toEqual([]);
    expect(after.filter((r) => r[6] === 'Clinique').length).toBeGreaterThan(0);
    expect(workshopMarkdown(s.state)).not.toContain('Santé publique');
    // Her ballot went with her: Santé publique's two voters would make an 'other' of two, so
    // no support column at all.
    const merged = readCsv(prioritiesCsv(s.state), ';')[0]!;
    expect(merged.filter((h) => h.startsWith('Soutien'))).toEqual([]);
  });

  it('[EX17] k = 3: support columns go while some ballot counts in no shown group', () => {
    const { s, people } = scene();
    // Gaston ranks too: the merged 'other' holds one voter, so no group figure at all.
    run(s, facilitator, { type: 'reopenRanking' });
    const [first] = s.state.ranking!.items;
    run(s, people.Gaston!, { type: 'submitRanking', order: [first!] });
    run(s, facilitator, { type: 'closeRanking' });
    const header = readCsv(prioritiesCsv(s.state), ';')[0]!;
    expect(header.filter((h) => h.startsWith('Soutien'))).toEqual([]);
    expect(header).toHaveLength(13);
  });

  it('[EX7] a note written on an anonymous board carries no group in any export', () => {
    const { s } = scene();
    const row = readCsv(notesCsv(s.state), ';').find((r) => r[5] === ANONYMOUS_TEXT)!;
    expect(row[6]).toBe('');
    const note = Object.values(workshopJson(s.state).workshop.notes).find(
      (n) => n.text === ANONYMOUS_TEXT,
    )!;
    expect(note.anonymous).toBe(true);
    expect(note.group).toBeUndefined();
  });

  it('[EX19] a vote’s figures leave in a file only once it is closed and revealed: while it runs or stays hidden, no dots, Borda, mean rank, approval or W in the CSV, and the Markdown says the results are to come', () => {
    const { s } = scene();
    const shown = s.state;
    const figures = decisionFigures(shown);
    expect(figures.dots).not.toBeNull();
    expect(figures.ranking).not.toBeNull();
    const hidden = [
      { ...shown, ranking: { ...shown.ranking!, revealed: false } },
      { ...shown, ranking: { ...shown.ranking!, status: 'open' as const, revealed: false } },
    ];
    const rows = (state: typeof shown) => readCsv(prioritiesCsv(state), ';');
    const full = rows(shown);
    const bordaColumn = full[0]!.indexOf('Points Borda');
    expect(bordaColumn).toBe(3);
    expect(full[0]![bordaColumn + 4]).toBe('Accord (W de Kendall)');
    expect(full[1]![bordaColumn]).not.toBe('');
    for (const state of hidden) {
      const f = decisionFigures(state);
      expect(f.ranking).toBeNull();
      expect(f.rankingPending).toBe(true);
      expect(f.dots).toEqual(figures.dots);
      const cells = rows(state);
      for (const row of cells.slice(1)) {
        // Borda, mean rank, approval, W: empty; the dots of the revealed dot vote stay
        expect(row.slice(bordaColumn, bordaColumn + 3)).toEqual(['', '', '']);
        expect(row[bordaColumn + 4]).toBe('');
      }
      const md = workshopMarkdown(state);
      expect(md).toContain('### Classement\n\nRésultats à venir');
      expect(md).not.toContain('**Accord**');
    }
    const dotsHidden = {
      ...shown,
      dotVote: { ...shown.dotVote!, status: 'open' as const, revealed: false },
      ranking: undefined,
    };
    expect(decisionFigures(dotsHidden)).toMatchObject({ dots: null, dotsPending: true });
    const md = workshopMarkdown(dotsHidden);
    expect(md).toContain('### Vote par gommettes\n\nRésultats à venir');
    expect(md).not.toMatch(/\| Proposition \| Gommettes \|/);
    expect(workshopMarkdown(shown)).not.toContain('Résultats à venir');
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { project } from '../../../server/projection';
import type { SectorId, Workshop } from '../../../src/lib/domain';
import {
  notesCsv,
  prioritiesCsv,
  researchExport,
  workshopJson,
  workshopMarkdown,
  type ResearchExport,
} from '../../../src/lib/export';
import { decisionFigures } from '../../../src/lib/export/common';
import { schemaProblem, type JsonSchema } from '../../../src/lib/export/jsonSchema';
import { pseudonymOf, unnumbered } from '../../../src/lib/export/research';
import schemaFile from '../../../schemas/research-export.v1.json';
import {
  facilitator,
  join,
  newWorkshop,
  nobody,
  postNote,
  refuse,
  run,
  testContext,
  type ParticipantActor,
  type Session,
} from '../helpers';
import { ANONYMOUS_TEXT, MODERATED_TEXT, scene } from './scene';

/*
 * The research export: pseudonyms nobody can tie to a person, k = 3 groups, no pseudonym on a
 * note, and a calculation trail from which every published figure is recomputed here by code
 * written for the test alone (never the domain's).
 */

const SALT = 'sel-de-recherche-du-test-0123456789';
const hmac = (salt: string) => (id: string) => createHmac('sha256', salt).update(id).digest('hex');

/** What the server does: the salt recorded once, the export read back from its JSON text. */
function exported(state: Workshop, options: { coarsenTimes?: 'day'; salt?: string } = {}) {
  const text = JSON.stringify(
    researchExport(state, {
      keyedHash: hmac(options.salt ?? SALT),
      ...(options.coarsenTimes ? { coarsenTimes: options.coarsenTimes } : {}),
    }),
  );
  return { text, doc: JSON.parse(text) as ResearchExport };
}

function withSalt(s: Session): Workshop {
  run(s, nobody, { type: 'setResearchSalt', salt: SALT });
  return s.state;
}

// ---- Independent arithmetic: from the matrices alone, nothing of the domain. ----

interface Recomputed {
  borda: number[];
  meanRank: (number | null)[];
  approval: number[];
  firsts: number[];
  w: number | null;
}

function recompute(rows: (number | null)[][], n: number): Recomputed {
  const m = rows.length;
  const borda = new Array<number>(n).fill(0);
  const rankSum = new Array<number>(n).fill(0);
  const approval = new Array<number>(n).fill(0);
  const firsts = new Array<number>(n).fill(0);
  let tieSum = 0;
  for (const row of rows) {
    const k = row.filter((r) => r !== null).length;
    const t = n - k;
    tieSum += t ** 3 - t;
    row.forEach((r, i) => {
      if (r === null) {
        borda[i]! += (n - k - 1) / 2;
        rankSum[i]! += (n + k + 1) / 2;
      } else {
        borda[i]! += n - r;
        rankSum[i]! += r;
        if (r <= 3) approval[i]! += 1;
        if (r === 1) firsts[i]! += 1;
      }
    });
  }
  const meanRank = rankSum.map((r) => (m === 0 ? null : r / m));
  let w: number | null = null;
  const denominator = m * m * (n ** 3 - n) - m * tieSum;
  if (m >= 2 && n >= 2 && denominator > 0) {
    const mean = (m * (n + 1)) / 2;
    const s = rankSum.reduce((acc, r) => acc + (r - mean) ** 2, 0);
    w = (12 * s) / denominator;
  }
  return { borda, meanRank, approval, firsts, w };
}

/** Checks every published ranking figure of an export against a recomputation from its matrix. */
function expectRecomputes(doc: ResearchExport) {
  const ranking = doc.calculation.ranking;
  const matrix = ranking.ballots!;
  const figures = ranking.figures!;
  const n = matrix.columns.length;
  const again = recompute(
    matrix.rows.map((r) => r.values),
    n,
  );
  expect(figures.ballots).toBe(matrix.rows.length);
  expect(figures.items).toBe(n);
  for (const result of figures.results) {
    const i = matrix.columns.indexOf(result.id);
    expect(i, result.id).toBeGreaterThanOrEqual(0);
    expect(result.borda).toBeCloseTo(again.borda[i]!, 12);
    expect(result.meanRank).toBeCloseTo(again.meanRank[i]!, 12);
    expect(result.approval).toBe(again.approval[i]);
    expect(result.firstPlaces).toBe(again.firsts[i]);
  }
  if (again.w === null) expect(figures.agreement).toBeNull();
  else expect(figures.agreement).toBeCloseTo(again.w, 12);
  // The published order: Borda, then first places, then approval, then the shortlist's order.
  const order = matrix.columns
    .map((id, i) => i)
    .sort(
      (i, j) =>
        again.borda[j]! - again.borda[i]! ||
        again.firsts[j]! - again.firsts[i]! ||
        again.approval[j]! - again.approval[i]! ||
        i - j,
    )
    .map((i) => matrix.columns[i]);
  expect(figures.results.map((r) => r.id)).toEqual(order);
  expect(figures.results.map((r) => r.place)).toEqual(order.map((_, p) => p + 1));
}

/**
 * Support per sector from the ranking matrix and each pseudonym's group (while groups are given):
 * a voter counts in their sector while it has three voters or more, otherwise in "other", as do
 * voters without a sector; no group at all when "other" holds one or two voters.
 */
function expectSupportRecomputes(doc: ResearchExport) {
  if (doc.groupsWithheld) return false;
  const OTHER = 'Autres secteurs';
  const matrix = doc.calculation.ranking.ballots!;
  const n = matrix.columns.length;
  const groupOf = new Map(doc.participants.map((p) => [p.pseudonym, p.group]));
  const key = (pseudonym: string) => {
    const group = groupOf.get(pseudonym)!;
    return group === OTHER || group === 'Non précisé' ? OTHER : group;
  };
  const voters = new Map<string, number>();
  for (const row of matrix.rows)
    voters.set(key(row.pseudonym), (voters.get(key(row.pseudonym)) ?? 0) + 1);
  const merged = (k: string) => k === OTHER || voters.get(k)! < 3;
  const otherSize = [...voters].filter(([k]) => merged(k)).reduce((a, [, v]) => a + v, 0);
  const support = doc.calculation.ranking.figures!.support;
  if (otherSize > 0 && otherSize < 3) {
    expect(support).toEqual({ withheld: true, groups: [] });
    return true;
  }
  const sums = new Map<string, { voters: number; borda: Record<string, number> }>();
  for (const row of matrix.rows) {
    const g = merged(key(row.pseudonym)) ? OTHER : key(row.pseudonym);
    const entry = sums.get(g) ?? {
      voters: 0,
      borda: Object.fromEntries(matrix.columns.map((id) => [id, 0])),
    };
    const k = row.values.filter((r) => r !== null).length;
    entry.voters += 1;
    row.values.forEach((r, i) => {
      entry.borda[matrix.columns[i]!]! += r === null ? (n - k - 1) / 2 : n - r;
    });
    sums.set(g, entry);
  }
  expect(support.withheld).toBe(false);
  expect(
    Object.fromEntries(support.groups.map((g) => [g.group, { voters: g.voters, borda: g.borda }])),
  ).toEqual(Object.fromEntries(sums));
  return true;
}

/** A small random generator, so that runs repeat. */
function random(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return x / 2 ** 32;
  };
}

/** A workshop with `people` (name, sector index or null), three candidates, votes revealed. */
function votedWorkshop(
  people: [string, number | null][],
  sectors = ['Clinique', 'Santé publique', 'Patients partenaires'],
  seed = 1,
  candidates = 5,
) {
  const s = newWorkshop({ sectors }, testContext());
  const ids = s.state.sectors.map((x) => x.id) as SectorId[];
  const actors: Record<string, ParticipantActor> = {};
  for (const [name, sector] of people) {
    s.ctx.advance();
    actors[name] = join(s, name, { sector: sector === null ? null : ids[sector]! });
  }
  run(s, facilitator, { type: 'setStage', stage: 'decide' });
  const candidateIds = Array.from(
    { length: candidates },
    (_, i) =>
      run(s, facilitator, {
        type: 'addCandidate',
        title: `Proposition ${i + 1}`,
        description: '',
        sources: [],
      }).reply!.candidateId!,
  );
  const next = random(seed);
  run(s, facilitator, { type: 'openDotVote', budget: 3, cap: 2 });
  for (const who of Object.values(actors)) {
    for (let d = 0; d < 2; d++) {
      const candidateId = candidateIds[Math.floor(next() * candidateIds.length)]!;
      const held = s.state.dots?.[who.participantId]?.[candidateId] ?? 0;
      const spent = Object.values(s.state.dots?.[who.participantId] ?? {}).reduce(
        (a, b) => a + b,
        0,
      );
      if (held < 2 && spent < 3) run(s, who, { type: 'castDots', candidateId, dots: held + 1 });
    }
  }
  run(s, facilitator, { type: 'closeDotVote' });
  run(s, facilitator, { type: 'revealDotVote' });
  run(s, facilitator, { type: 'setShortlist', size: 4 });
  const picked = [...candidateIds].slice(0, 4);
  run(s, facilitator, { type: 'pickShortlist', candidateIds: picked });
  run(s, facilitator, { type: 'openRanking' });
  const items = s.state.ranking!.items;
  for (const who of Object.values(actors)) {
    const order = [...items].sort(() => next() - 0.5);
    const k = 1 + Math.floor(next() * items.length);
    if (next() < 0.15) continue; // some never rank
    run(s, who, { type: 'submitRanking', order: order.slice(0, k) });
  }
  return { s, actors, candidateIds };
}

describe('Research export', () => {
  it('[EX41] pseudonyms P01, P02… follow the keyed hash (HMAC-SHA256 under the salt), not the join order, and stay the same from one export to the next', () => {
    const { s } = scene();
    const state = withSalt(s);
    const first = exported(state);
    const second = exported(state);
    expect(second.text).toBe(first.text);
    const ids = Object.keys(state.participants);
    const byHash = [...ids].sort((a, b) => (hmac(SALT)(a) < hmac(SALT)(b) ? -1 : 1));
    expect(first.doc.participants.map((p) => p.pseudonym)).toEqual(ids.map((_, i) => `P0${i + 1}`));
    // Each person's pseudonym is their place in the keyed order, whatever their place in joining.
    const joinOrder = [...ids].sort(
      (a, b) => state.participants[a]!.joinedAt - state.participants[b]!.joinedAt,
    );
    expect(byHash).not.toEqual(joinOrder);
    // The person at place i of the keyed order is P0(i+1): their dots are in that row.
    for (const [voter, ballot] of Object.entries(state.dots!)) {
      const row = first.doc.calculation.dotVote.ballots!.rows.find(
        (r) => r.pseudonym === pseudonymOf(byHash.indexOf(voter)),
      );
      expect(row?.values).toEqual(state.candidateOrder!.map((c) => ballot[c] ?? 0));
    }
    // Another salt, another order: the order comes from the key, not from anything visible.
    const other = exported(state, { salt: 'un-autre-sel-0123456789abcdef' });
    expect(JSON.stringify(other.doc.calculation.dotVote.ballots)).not.toBe(
      JSON.stringify(first.doc.calculation.dotVote.ballots),
    );
    // A constructed case: the keyed hash reverses the join order, and so do the pseudonyms.
    const reversed = researchExport(state, {
      keyedHash: (id) => String(99 - joinOrder.indexOf(id)),
    });
    const dina = joinOrder[3]!; // the fourth of eight to join: fifth from the end
    const dinaRow = reversed.calculation.dotVote.ballots!.rows.find((r) => r.pseudonym === 'P05');
    const dinaDots = state.candidateOrder!.map((c) => state.dots![dina]?.[c] ?? 0);
    expect(dinaRow?.values).toEqual(dinaDots);
    // Someone removed keeps their number, so nobody else's moves; they show no group.
    const hugo = joinOrder[7]!;
    run(s, facilitator, { type: 'removeParticipant', participantId: hugo as never });
    const after = exported(s.state).doc;
    expect(after.participants).toHaveLength(8);
    expect(after.participants.filter((p) => p.removed)).toEqual([
      { pseudonym: pseudonymOf(byHash.indexOf(hugo)), group: null, removed: true },
    ]);
    expect(after.calculation.dotVote.ballots).toEqual(first.doc.calculation.dotVote.ballots);
    expect(after.sessions[0]!.attendance).toMatchObject({ total: 8, removed: 1 });
    // At least two digits; a number's name never changes as more people come.
    expect([pseudonymOf(0), pseudonymOf(12), pseudonymOf(99), pseudonymOf(6)]).toEqual([
      'P01',
      'P13',
      'P100',
      'P07',
    ]);
  });

  it('[EX20] pseudonyms given are kept for good: the server numbers newcomers (by the keyed hash) after everyone numbered before, so someone joining later moves nobody’s number; only the server may number, each person once', () => {
    const { s } = scene();
    withSalt(s);
    const fresh = unnumbered(s.state, hmac(SALT));
    expect(fresh).toHaveLength(8);
    refuse(s, facilitator, { type: 'assignPseudonyms', participantIds: fresh }, 'NOT_ALLOWED');
    refuse(s, nobody, { type: 'assignPseudonyms', participantIds: ['inconnu'] }, 'BAD_REQUEST');
    refuse(
      s,
      nobody,
      { type: 'assignPseudonyms', participantIds: [fresh[0]!, fresh[0]!] },
      'BAD_REQUEST',
    );
    run(s, nobody, { type: 'assignPseudonyms', participantIds: fresh });
    expect(unnumbered(s.state, hmac(SALT))).toEqual([]);
    // numbered already: passed over (two exports at once number the same people)
    expect(
      run(s, nobody, { type: 'assignPseudonyms', participantIds: [fresh[3]!] }).events,
    ).toEqual([]);
    const before = exported(s.state).doc;
    // Newcomers whose keyed hash sorts before everyone's: by the hash alone they would take P01.
    const early: string[] = [];
    for (let i = 0; early.length < 2 && i < 200; i++) {
      const p = join(s, `Nouvelle ${i}`);
      if (hmac(SALT)(p.participantId) < hmac(SALT)(fresh[0]!)) early.push(p.participantId);
      else run(s, facilitator, { type: 'removeParticipant', participantId: p.participantId });
    }
    expect(early).toHaveLength(2);
    const news = unnumbered(s.state, hmac(SALT));
    run(s, nobody, { type: 'assignPseudonyms', participantIds: news });
    const after = exported(s.state).doc;
    // Everyone numbered before keeps their number, and their ballots stay in their rows.
    expect(after.participants.slice(0, 8)).toEqual(before.participants);
    expect(after.calculation.dotVote.ballots).toEqual(before.calculation.dotVote.ballots);
    const numbers = after.participants.map((p) => p.pseudonym);
    expect(numbers.slice(0, 8)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08']);
    expect(new Set(numbers).size).toBe(numbers.length);
    // Without the numbers kept, the keyed hash alone would have moved everyone's.
    const unkept = exported({ ...s.state, researchPseudonyms: undefined }).doc;
    expect(unkept.participants.slice(0, 8)).not.toEqual(before.participants);
  });

  it('[EX42] the file names nobody: no name, no participant id, no token or rejoin hash, no salt, no key; notes carry no pseudonym', () => {
    const { s } = scene();
    const state = withSalt(s);
    for (const coarsenTimes of [undefined, 'day'] as const) {
      const { text, doc } = exported(state, coarsenTimes ? { coarsenTimes } : {});
      for (const p of Object.values(state.participants)) {
        expect(text).not.toContain(p.name);
        expect(text).not.toContain(p.id);
        expect(text).not.toContain(p.tokenHash);
        expect(text).not.toContain(p.rejoinCodeHash);
      }
      for (const secret of [SALT, state.facilitatorKeyHash, state.joinCode, state.id]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toContain(MODERATED_TEXT);
      expect(text).toContain(ANONYMOUS_TEXT);
      for (const note of doc.notes) {
        expect(Object.keys(note).sort()).toEqual(
          ['board', 'column', 'group', 'session', 'stage', 'text', 'theme', 'time'].sort(),
        );
        expect(JSON.stringify(note)).not.toMatch(/"P\d{2,}"/);
      }
      // nobody's join time either
      expect(text).not.toMatch(/joined/i);
    }
  });

  it('[EX42] every research file validates against schemas/research-export.v1.json, which admits no field it does not name', () => {
    const schema = schemaFile as JsonSchema;
    const { s } = scene();
    const shown = votedWorkshop(
      [
        ['Alice', 0],
        ['Bruno', 0],
        ['Chloé', 0],
        ['Dina', 1],
        ['Émile', 1],
        ['Fanny', 1],
      ],
      undefined,
      7,
    );
    const docs = [
      exported(withSalt(s)).doc,
      exported(s.state, { coarsenTimes: 'day' }).doc,
      exported(withSalt(shown.s)).doc,
      exported(newWorkshop({}, testContext()).state).doc,
    ];
    run(shown.s, facilitator, { type: 'closeRanking' });
    run(shown.s, facilitator, { type: 'revealRanking' });
    docs.push(exported(shown.s.state).doc);
    for (const doc of docs) expect(schemaProblem(schema, doc)).toBeNull();
    expect(docs.at(-1)!.calculation.ranking.figures!.support.groups).toHaveLength(2);
    // a field the schema does not name is refused: a name slipped in would not pass
    const named = structuredClone(docs[0]!) as unknown as { participants: object[] };
    Object.assign(named.participants[0]!, { name: 'Alice' });
    expect(schemaProblem(schema, named)).toMatch(/participants\[0\]\.name: is not part/);
  });

  it('[EX43] k = 3: a pseudonym shows its group only while every present participant is in a shown group; small sectors show as "other"; attendance is counted per group, never per pseudonym', () => {
    // Three Clinique, three Santé publique, two patient partners and one without a sector:
    // the last three make an "other" of three.
    const shown = votedWorkshop([
      ['Alice', 0],
      ['Bruno', 0],
      ['Chloé', 0],
      ['Dina', 1],
      ['Émile', 1],
      ['Fanny', 1],
      ['Gaston', 2],
      ['Hélène', 2],
      ['Hugo', null],
    ]);
    run(shown.s, facilitator, { type: 'startSession', label: 'Première', date: '2026-03-05' });
    run(shown.s, nobody, {
      type: 'recordAttendance',
      participantIds: Object.values(shown.actors).map((a) => a.participantId),
    });
    const a = exported(withSalt(shown.s)).doc;
    expect(a.groupsWithheld).toBe(false);
    expect(a.groups).toEqual([
      { group: 'Clinique', participants: 3 },
      { group: 'Santé publique', participants: 3 },
      { group: 'Autres secteurs', participants: 3 },
    ]);
    expect(a.participants.map((p) => p.group).sort()).toEqual(
      [
        ...Array(3).fill('Autres secteurs'),
        ...Array(3).fill('Clinique'),
        ...Array(3).fill('Santé publique'),
      ].sort(),
    );
    // the sector's name is in the workshop's list of sectors, and nowhere else
    expect(JSON.stringify({ ...a, workshop: null })).not.toContain('Patients partenaires');
    const session = a.sessions.find((x) => x.name === 'Première')!;
    expect(session.attendance).toEqual({
      total: 9,
      byGroup: { Clinique: 3, 'Santé publique': 3, 'Autres secteurs': 3 },
      removed: 0,
    });
    expect(JSON.stringify(a.sessions)).not.toMatch(/P\d\d/);
    // Each session is counted under k = 3 on its own: one Clinique person among three of Santé
    // publique shows no breakdown (a session's notes carry its name: "Clinique: 1" would be one
    // person's), three and three do.
    const actors = shown.actors;
    run(shown.s, facilitator, { type: 'endSession' });
    const sessionAt = (label: string, names: string[]) => {
      run(shown.s, facilitator, { type: 'startSession', label, date: '2026-04-02' });
      run(shown.s, nobody, {
        type: 'recordAttendance',
        participantIds: names.map((n) => actors[n]!.participantId),
      });
      run(shown.s, facilitator, { type: 'endSession' });
    };
    sessionAt('Petite', ['Alice', 'Dina', 'Émile', 'Fanny']);
    sessionAt('Égale', ['Alice', 'Bruno', 'Chloé', 'Dina', 'Émile', 'Fanny']);
    const later = exported(shown.s.state).doc.sessions;
    expect(later.find((x) => x.name === 'Petite')!.attendance).toEqual({
      total: 4,
      byGroup: null,
      removed: 0,
    });
    expect(later.find((x) => x.name === 'Égale')!.attendance).toEqual({
      total: 6,
      byGroup: { Clinique: 3, 'Santé publique': 3 },
      removed: 0,
    });

    // A group of two (two patient partners, nobody else to merge with): withheld, and with it
    // every group, as the console's counts are (the others' groups would name them by elimination).
    const small = votedWorkshop([
      ['Alice', 0],
      ['Bruno', 0],
      ['Chloé', 0],
      ['Dina', 1],
      ['Émile', 1],
      ['Fanny', 1],
      ['Gaston', 2],
      ['Hélène', 2],
    ]);
    run(small.s, facilitator, { type: 'startSession', label: '', date: '2026-03-05' });
    run(small.s, nobody, {
      type: 'recordAttendance',
      participantIds: Object.values(small.actors).map((x) => x.participantId),
    });
    const b = exported(withSalt(small.s)).doc;
    expect(b.groupsWithheld).toBe(true);
    expect(b.participants.every((p) => p.group === null)).toBe(true);
    // nor any group's size: the number present minus the shown groups' would give theirs
    expect(b.groups).toEqual([]);
    expect(b.sessions.at(-1)!.attendance).toEqual({ total: 8, byGroup: null, removed: 0 });
    expect(JSON.stringify({ ...b, workshop: null })).not.toContain('Patients partenaires');

    // Notes: the group recorded when written, while shown; none when anonymous or by the room.
    const { s } = scene();
    const notes = exported(withSalt(s)).doc.notes;
    expect(notes.find((n) => n.text === ANONYMOUS_TEXT)!.group).toBeNull();
    expect(notes.find((n) => n.text === 'Mieux se connaître entre équipes')!.group).toBe(
      'Clinique',
    );
    expect(notes.find((n) => n.text === 'Personne ne nous écoute')!.group).toBeNull();
    run(s, facilitator, { type: 'setStage', stage: 'dream' });
    postNote(s, facilitator, 'dream', 'Note de la salle');
    const room = exported(s.state).doc.notes.find((n) => n.text === 'Note de la salle');
    expect(room?.group).toBeNull();
  });

  it('[EX44] times are full ISO times (UTC), or days only when asked ("coarsenTimes: day")', () => {
    const { s } = scene();
    run(s, facilitator, { type: 'startSession', label: 'Bilan', date: '2026-03-05' });
    s.ctx.advance();
    run(s, facilitator, { type: 'endSession' });
    const state = withSalt(s);
    const times = (doc: ResearchExport) => [
      ...doc.notes.map((n) => n.time),
      ...doc.sessions.flatMap((x) => [x.startedAt, ...(x.endedAt ? [x.endedAt] : [])]),
    ];
    const full = exported(state).doc;
    expect(full.times).toBe('iso');
    expect(times(full).length).toBeGreaterThan(10);
    for (const t of times(full)) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const days = exported(state, { coarsenTimes: 'day' });
    expect(days.doc.times).toBe('day');
    for (const t of times(days.doc)) expect(t).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(days.text).not.toMatch(/T\d\d:\d\d/);
    expect(times(days.doc)).toEqual(times(full).map((t) => t.slice(0, 10)));
  });

  it("[EX45] the calculation trail recomputes every published figure: dots from the dot matrix, Borda, mean rank, approval, first places, the order and Kendall's W from the ranking matrix, by code of the test alone", () => {
    const { s } = scene();
    const state = withSalt(s);
    const { doc } = exported(state);
    const dots = doc.calculation.dotVote;
    expect(dots.status).toBe('revealed');
    const columnSums = dots.ballots!.columns.map((_, c) =>
      dots.ballots!.rows.reduce((acc, row) => acc + row.values[c]!, 0),
    );
    expect(Object.fromEntries(dots.ballots!.columns.map((id, c) => [id, columnSums[c]]))).toEqual(
      dots.totals,
    );
    expect(dots.turnout).toBe(dots.ballots!.rows.length);
    expect(dots.candidates.map((c) => c.id)).toEqual(dots.ballots!.columns);
    expectRecomputes(doc);
    // a partial ballot (one item of three) and one complete but for one (written ranked last)
    const rows = doc.calculation.ranking.ballots!.rows.map((r) => r.values);
    expect(rows.some((r) => r.filter((x) => x === null).length === 2)).toBe(true);
    expect(rows.every((r) => r.filter((x) => x === null).length !== 1)).toBe(true);

    // The published figures are the app's: the domain's, which the priorities CSV shows.
    const app = decisionFigures(state);
    expect(dots.totals).toEqual(app.dots);
    const published = doc.calculation.ranking.figures!;
    expect(published.agreement).toBe(app.ranking!.agreement);
    expect(published.results.map((r) => [r.id, r.borda, r.meanRank, r.approval])).toEqual(
      app.ranking!.items.map((r) => [r.id, r.borda, r.meanRank, r.approval]),
    );
    const csv = prioritiesCsv(state);
    const w = String(Number(app.ranking!.agreement!.toFixed(3))).replace('.', ',');
    expect(csv).toContain(`;${w};`);
    expect(doc.calculation.formulas.kendallW.expression).toContain('m²(n³ − n) − m Σ_j T_j');
    expect(doc.calculation.formulas.borda.words).toMatch(/Borda/);

    // And in rooms of every shape: partial ballots, ties, people who never ranked.
    let supportChecked = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const people = Array.from(
        { length: 3 + (seed % 11) },
        (_, i) => [`Personne ${i}`, i % 3] as [string, number],
      );
      const room = votedWorkshop(people, undefined, seed);
      run(room.s, facilitator, { type: 'closeRanking' });
      run(room.s, facilitator, { type: 'revealRanking' });
      const again = exported(withSalt(room.s)).doc;
      expectRecomputes(again);
      if (expectSupportRecomputes(again)) supportChecked += 1;
      expect(again.calculation.ranking.figures!.results.map((r) => r.id)).toEqual(
        decisionFigures(room.s.state).ranking!.order,
      );
    }
    expect(supportChecked).toBeGreaterThan(15);
  });

  it('[EX45] a candidate removed during the vote leaves the dot matrix, column and dots: the rows are the voters the turnout counts', () => {
    const s = newWorkshop({}, testContext());
    const [a, b] = ['Alice', 'Bruno'].map((name) => join(s, name));
    run(s, facilitator, { type: 'setStage', stage: 'decide' });
    const ids = ['Un', 'Deux', 'Trois'].map(
      (title) =>
        run(s, facilitator, { type: 'addCandidate', title, description: '', sources: [] }).reply!
          .candidateId!,
    );
    run(s, facilitator, { type: 'openDotVote', budget: 3, cap: 2 });
    run(s, a!, { type: 'castDots', candidateId: ids[0]!, dots: 2 });
    run(s, b!, { type: 'castDots', candidateId: ids[2]!, dots: 1 });
    run(s, facilitator, { type: 'removeCandidate', candidateId: ids[2]! });
    run(s, facilitator, { type: 'closeDotVote' });
    run(s, facilitator, { type: 'revealDotVote' });
    const { dotVote } = exported(withSalt(s)).doc.calculation;
    expect(dotVote.turnout).toBe(1);
    expect(dotVote.ballots!.columns).toEqual(ids.slice(0, 2));
    expect(dotVote.ballots!.rows.map((r) => r.values)).toEqual([[2, 0]]);
  });

  it("[EX46] a vote's ballots are in the file only once it is closed and revealed; until then its status says why", () => {
    const room = votedWorkshop(
      [
        ['Alice', 0],
        ['Bruno', 0],
        ['Chloé', 0],
      ],
      undefined,
      3,
    );
    withSalt(room.s);
    const open = exported(room.s.state).doc.calculation;
    expect(open.dotVote.status).toBe('revealed');
    expect(open.ranking.status).toBe('open');
    expect(open.ranking.ballots).toBeNull();
    expect(open.ranking.figures).toBeNull();
    run(room.s, facilitator, { type: 'closeRanking' });
    const closed = exported(room.s.state).doc.calculation;
    expect(closed.ranking.status).toBe('notRevealed');
    expect(closed.ranking.ballots).toBeNull();
    expect(closed.ranking.figures).toBeNull();
    run(room.s, facilitator, { type: 'revealRanking' });
    expect(exported(room.s.state).doc.calculation.ranking.status).toBe('revealed');

    // A dot vote open, then closed and not revealed: no ballot, no total.
    const s = newWorkshop({}, testContext());
    const a = join(s, 'Alice');
    run(s, facilitator, { type: 'setStage', stage: 'decide' });
    const ids = ['Un', 'Deux'].map(
      (title) =>
        run(s, facilitator, { type: 'addCandidate', title, description: '', sources: [] }).reply!
          .candidateId!,
    );
    run(s, facilitator, { type: 'openDotVote', budget: 3, cap: 2 });
    run(s, a, { type: 'castDots', candidateId: ids[0]!, dots: 2 });
    withSalt(s);
    for (const [step, status] of [
      [null, 'open'],
      ['closeDotVote', 'notRevealed'],
    ] as const) {
      if (step) run(s, facilitator, { type: step });
      const { dotVote } = exported(s.state).doc.calculation;
      expect(dotVote).toMatchObject({ status, ballots: null, totals: null, turnout: null });
    }
    const none = exported(newWorkshop({}, testContext()).state).doc.calculation;
    expect(none.dotVote.status).toBe('none');
    expect(none.ranking.status).toBe('none');
  });

  it('[EX47] the salt is set once, by the server only, and shows in no other export and no replica', () => {
    const { s } = scene();
    refuse(s, facilitator, { type: 'setResearchSalt', salt: SALT }, 'NOT_ALLOWED');
    refuse(s, nobody, { type: 'setResearchSalt', salt: 'court' }, 'BAD_REQUEST');
    expect(run(s, nobody, { type: 'setResearchSalt', salt: SALT }).events).toHaveLength(1);
    expect(s.state.researchSalt).toBe(SALT);
    // a second one changes nothing: everyone keeps their pseudonym
    expect(
      run(s, nobody, { type: 'setResearchSalt', salt: 'un-autre-sel-0123456789abcdef' }).events,
    ).toHaveLength(0);
    expect(s.state.researchSalt).toBe(SALT);
    const participant = Object.keys(s.state.participants);
    const projection = project(s.state, new Set(participant), participant);
    const replicas = JSON.stringify({
      public: projection.public,
      facilitator: projection.facilitator,
      private: [...projection.private.values()],
    });
    expect(replicas.length).toBeGreaterThan(1000);
    for (const text of [
      replicas,
      JSON.stringify(workshopJson(s.state)),
      workshopMarkdown(s.state),
      notesCsv(s.state),
      prioritiesCsv(s.state),
      exported(s.state).text,
    ]) {
      expect(text).not.toContain(SALT);
      expect(text).not.toContain('researchSalt');
    }
  });
});

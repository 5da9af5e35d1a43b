import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  apply,
  checkInvariants,
  LIMITS,
  type NoteId,
  type ParticipantId,
  type Workshop,
} from '../../../src/lib/domain';
import {
  EXPORT_SCHEMA,
  importWorkshop,
  notesCsv,
  prioritiesCsv,
  workshopJson,
  workshopMarkdown,
  type WorkshopExport,
} from '../../../src/lib/export';
import { pickBySchema, schemaProblem } from '../../../src/lib/export/jsonSchema';
import { IMPORT_MAX_BYTES } from '../../../server/imports';
import { cmd, facilitator, join, newWorkshop, postNote, run, testContext } from '../helpers';
import { readCsv } from './csvReader';
import { scene } from './scene';

/** The scene with every kind of secret the model holds set. */
function withSecrets() {
  const sc = scene();
  run(sc.s, facilitator, cmd.createLink('Co-animation', 'SECRET-link-key-hash'));
  run(sc.s, facilitator, { type: 'changeJoinCode', joinCode: 'XYZ789' });
  run(sc.s, facilitator, { type: 'rotateFacilitatorKey', keyHash: 'SECRET-new-key-hash' });
  return sc;
}

const secretsOf = (state: Workshop) => [
  state.facilitatorKeyHash,
  state.joinCode,
  ...(state.formerJoinCodes ?? []),
  ...Object.values(state.coFacilitators).map((l) => l.keyHash),
  ...Object.values(state.participants).flatMap((p) => [p.tokenHash, p.rejoinCodeHash]),
  ...(state.visionHistory ?? []),
];

describe('Exports: JSON', () => {
  it('[EX10] the JSON export is a versioned document (format cocrea-workshop, version 1) that validates against schemas/workshop-export.v1.json (golden)', async () => {
    const { s } = scene();
    const doc = workshopJson(s.state);
    expect(doc.format).toBe('cocrea-workshop');
    expect(doc.version).toBe(1);
    const file = JSON.parse(readFileSync('schemas/workshop-export.v1.json', 'utf8'));
    expect(file).toEqual(EXPORT_SCHEMA);
    expect(schemaProblem(file, doc)).toBeNull();
    expect(schemaProblem(file, JSON.parse(JSON.stringify(doc)))).toBeNull();
    await expect(JSON.stringify(doc, null, 2) + '\n').toMatchFileSnapshot('golden/workshop.json');
  });

  it('[EX11] no export holds a secret: key hashes, link keys, join codes, device token and rejoin code hashes, the vision history; a field the schema does not name never leaves', () => {
    const { s } = withSecrets();
    const secrets = secretsOf(s.state).filter((x) => x !== '');
    expect(secrets.length).toBeGreaterThanOrEqual(2 + 1 + 1 + 16 + 1);
    const texts = [
      JSON.stringify(workshopJson(s.state)),
      notesCsv(s.state),
      prioritiesCsv(s.state),
      workshopMarkdown(s.state),
    ];
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    const workshop = workshopJson(s.state).workshop as Record<string, unknown>;
    for (const key of [
      'id',
      'joinCode',
      'formerJoinCodes',
      'facilitatorKeyHash',
      'coFacilitators',
    ]) {
      expect(workshop).not.toHaveProperty(key);
    }
    for (const p of Object.values(workshopJson(s.state).workshop.participants)) {
      expect(Object.keys(p).sort()).toEqual(['id', 'joinedAt', 'name', 'sector']);
    }
    // A field the model gains later stays out until the schema names it.
    const grown = {
      ...s.state,
      apiKeyHash: 'SECRET-new-field',
      notes: Object.fromEntries(
        Object.entries(s.state.notes).map(([id, n]) => [id, { ...n, ipHash: 'SECRET-ip' }]),
      ),
    } as Workshop;
    const text = JSON.stringify(workshopJson(grown));
    expect(text).not.toContain('SECRET-new-field');
    expect(text).not.toContain('SECRET-ip');
  });

  it('[EX12] an export imports as a new workshop: a new id, empty secrets for the server to fill, every invariant holding, one workshopCreated event that replays to it', () => {
    const { s } = withSecrets();
    const doc = JSON.parse(JSON.stringify(workshopJson(s.state)));
    const result = importWorkshop(doc, testContext());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { state, events } = result.value;
    expect(state.id).toBe('id1');
    expect(state.id).not.toBe(s.state.id);
    expect(state.joinCode).toBe('');
    expect(state.facilitatorKeyHash).toBe('');
    expect(state.coFacilitators).toEqual({});
    expect(state.formerJoinCodes).toBeUndefined();
    for (const p of Object.values(state.participants)) {
      expect([p.tokenHash, p.rejoinCodeHash]).toEqual(['', '']);
    }
    expect(checkInvariants(state)).toEqual([]);
    expect(events).toEqual([{ type: 'workshopCreated', workshop: state }]);
    expect(apply(null, events[0]!)).toEqual(state);
    expect(state.notes).toEqual(s.state.notes);
    expect(state.priorities).toEqual(s.state.priorities);
    // ballots are secret (nobody, whoever runs the room included, sees whose they are): they
    // stay out of the export, so an imported workshop has none
    expect(state.rankings).toBeUndefined();
    expect(state.dots).toBeUndefined();
  });

  it('[EX13] export → import → export gives the same document, and the same notes CSV (the figures that come from ballots cannot follow: ballots stay secret)', () => {
    const { s } = withSecrets();
    run(s, facilitator, {
      type: 'setReportDetails',
      facilitators: 'Chloé',
      keyMessages: ['Se parler tôt'],
    });
    const first = workshopJson(s.state);
    // [EX18] what was written for the report travels too
    expect(first.workshop.report).toEqual(s.state.report);
    const result = importWorkshop(JSON.parse(JSON.stringify(first)), testContext());
    if (!result.ok) throw new Error(result.error.message);
    const again = result.value.state;
    expect(workshopJson(again)).toEqual(first);
    expect(JSON.stringify(workshopJson(again))).toBe(JSON.stringify(first));
    expect(notesCsv(again)).toBe(notesCsv(s.state));
  });

  it('[EX14] an import is refused whole, with the reason, when anything is wrong, and changes nothing it was given', () => {
    const { s } = scene();
    const good = (): WorkshopExport => JSON.parse(JSON.stringify(workshopJson(s.state)));
    const noteId = Object.keys(s.state.notes)[0]!;
    const broken: [string, (d: WorkshopExport) => unknown, RegExp][] = [
      ['not an object', () => 'texte', /expected object/],
      ['another format', (d) => ({ ...d, format: 'autre' }), /format: must be "cocrea-workshop"/],
      ['another version', (d) => ({ ...d, version: 2 }), /version: must be 1/],
      ['a field too many', (d) => ({ ...d, extra: 1 }), /extra: is not part of the format/],
      [
        'a secret slipped in',
        (d) => void ((d.workshop as Record<string, unknown>).facilitatorKeyHash = 'x'),
        /facilitatorKeyHash: is not part of the format/,
      ],
      ['no title', (d) => void (d.workshop.title = ''), /title: shorter than 1/],
      [
        'a note too long',
        (d) => void (d.workshop.notes[noteId]!.text = 'x'.repeat(281)),
        /longer than 280/,
      ],
      [
        'an unknown stage',
        (d) => void ((d.workshop as { currentStage: string }).currentStage = 'x'),
        /currentStage: must be one of/,
      ],
      [
        'a key that is not the id',
        (d) => void (d.workshop.notes[noteId]!.id = 'autre' as never),
        /notes\..* holds the id autre/,
      ],
      [
        'a note on a missing board',
        (d) => void (d.workshop.notes[noteId]!.boardId = 'nowhere' as never),
        /not sound: note .* is on a missing board/,
      ],
      [
        'ballots (they never leave: secret)',
        (d) => void ((d.workshop as Record<string, unknown>).rankings = { ghost: ['x'] }),
        /rankings: is not part of the format/,
      ],
    ];
    for (const [what, mutate, reason] of broken) {
      const doc = good();
      const changed = mutate(doc);
      const input = changed === undefined ? doc : changed;
      const before = JSON.stringify(input);
      const result = importWorkshop(input, testContext());
      expect(result.ok, what).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('BAD_REQUEST');
      expect(result.error.message, what).toMatch(reason);
      expect(JSON.stringify(input)).toBe(before);
    }
    const doc = good();
    const result = importWorkshop(doc, testContext());
    expect(result.ok).toBe(true);
    if (result.ok) {
      result.value.state.notes[noteId]!.text = 'changé';
      expect(doc.workshop.notes[noteId]!.text).not.toBe('changé');
    }
  });

  it('[EX15] the schema checker knows every keyword the schema uses (an unknown one throws) and finds each kind of problem; picking by schema drops what it does not name', () => {
    expect(() => schemaProblem({ type: 'string', format: 'email' }, 'a')).toThrow(/format/);
    const schema = {
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 1, maximum: 3 },
        list: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' }, maxItems: 2 },
        tag: { anyOf: [{ const: 'a' }, { enum: ['b', 'c'] }] },
        v: { type: ['string', 'null'] },
      },
      required: ['n'],
      additionalProperties: false,
    };
    expect(schemaProblem(schema, { n: 2, list: ['ab'], tag: 'c', v: null })).toBeNull();
    expect(schemaProblem(schema, {})).toMatch(/n is missing/);
    expect(schemaProblem(schema, { n: 1.5 })).toMatch(/expected integer/);
    expect(schemaProblem(schema, { n: 4 })).toMatch(/above 3/);
    expect(schemaProblem(schema, { n: 0 })).toMatch(/below 1/);
    expect(schemaProblem(schema, { n: 1, list: ['a', 'b', 'c'] })).toMatch(/more than 2/);
    expect(schemaProblem(schema, { n: 1, list: ['A'] })).toMatch(/does not match/);
    expect(schemaProblem(schema, { n: 1, tag: 'd' })).toMatch(/must be/);
    expect(schemaProblem(schema, { n: 1, v: 1 })).toMatch(/expected string or null/);
    expect(schemaProblem(schema, { n: 1, w: 1 })).toMatch(/w: is not part/);
    expect(pickBySchema(schema, { n: 1, w: 1, list: ['a'] })).toEqual({ n: 1, list: ['a'] });
  });

  it('[EX16] sessions: without any, every export shows one session, "Séance 1", from the day the workshop was created; with sessions, a note shows its own, and one without (older data) the first', () => {
    const { s } = scene();
    const csvSessions = (state: Workshop) =>
      new Set(
        readCsv(notesCsv(state), ';')
          .slice(1)
          .map((r) => r[0]),
      );
    expect(csvSessions(s.state)).toEqual(new Set(['Séance 1']));
    expect(workshopMarkdown(s.state)).toContain('## Séances\n\n- Séance 1 : 2023-11-14\n');
    const [late] = Object.keys(s.state.notes).slice(-1);
    const withSessions = {
      ...s.state,
      sessions: {
        s1: {
          id: 's1',
          label: '',
          date: '2023-11-14',
          startedAt: s.state.createdAt,
          attendance: [],
        },
        s2: {
          id: 's2',
          label: 'Bilan',
          date: '2024-01-20',
          startedAt: s.state.createdAt + 1,
          attendance: [],
        },
      },
      sessionOrder: ['s1', 's2'],
      notes: { ...s.state.notes, [late!]: { ...s.state.notes[late!]!, sessionId: 's2' } },
    } as Workshop;
    const rows = readCsv(notesCsv(withSessions), ';').slice(1);
    expect(rows.filter((r) => r[0] === 'Bilan').map((r) => r[5])).toEqual(['Un annuaire partagé']);
    expect(rows.filter((r) => r[0] === 'Séance 1')).toHaveLength(rows.length - 1);
    expect(workshopMarkdown(withSessions)).toContain(
      '- Séance 1 : 2023-11-14\n- Bilan : 2024-01-20',
    );
    const doc = workshopJson(withSessions);
    expect(schemaProblem(EXPORT_SCHEMA, doc)).toBeNull();
    const result = importWorkshop(JSON.parse(JSON.stringify(doc)), testContext());
    if (!result.ok) throw new Error(result.error.message);
    expect(workshopJson(result.value.state)).toEqual(doc);
  });

  it('[EX77] a workshop at the caps (500 people with 40-character names, 5,000 notes of 280 three-byte characters, 60 themes of 80, 100 sessions everyone attended) exports to a JSON under the import cap, which imports back', () => {
    const s = newWorkshop();
    const first = join(s, 'Alice');
    const sessionId = run(s, facilitator, { type: 'startSession', label: 'Séance' }).reply!
      .sessionId!;
    const noteId = postNote(s, first, 'define', 'x');
    run(s, facilitator, { type: 'endSession' });
    const base = s.state;
    const note = base.notes[noteId]!;
    const person = base.participants[first.participantId]!;
    const participants: Workshop['participants'] = {};
    for (let p = 0; p < LIMITS.participantsPerWorkshop; p++) {
      const id = `p${String(p).padStart(4, '0')}` as ParticipantId;
      participants[id] = {
        ...person,
        id,
        name: 'É'.repeat(LIMITS.nameLength),
        tokenHash: `device-${p}`,
        rejoinCodeHash: `rejoin-${p}`,
      };
    }
    const ids = Object.keys(participants);
    const themes: NonNullable<Workshop['themes']> = {};
    const notes: Workshop['notes'] = {};
    for (let n = 0; n < LIMITS.notesPerWorkshop; n++) {
      const id = `n${String(n).padStart(5, '0')}` as NoteId;
      notes[id] = {
        ...note,
        id,
        author: { kind: 'participant', id: ids[n % ids.length]! as ParticipantId },
        text: '€'.repeat(LIMITS.noteLength),
        sessionId: 's0',
      };
    }
    // a hundred sessions that everyone attended
    const sessions: NonNullable<Workshop['sessions']> = {};
    for (let k = 0; k < LIMITS.sessionsPerWorkshop; k++) {
      const id = `s${k}`;
      sessions[id] = { ...base.sessions![sessionId]!, id, label: 'Ψ'.repeat(60), attendance: ids };
    }
    const state: Workshop = {
      ...base,
      participants,
      notes,
      themes,
      sessions,
      sessionOrder: Object.keys(sessions),
    };
    for (let t = 0; t < LIMITS.themesPerBoard; t++) {
      const id = `t${t}`;
      themes[id] = {
        id,
        boardId: note.boardId,
        title: 'Ω'.repeat(LIMITS.themeTitleLength),
        createdAt: note.createdAt,
        answeredBy: [],
      };
    }
    expect(checkInvariants(state)).toEqual([]);
    const text = JSON.stringify(workshopJson(state), null, 2) + '\n';
    const bytes = Buffer.byteLength(text);
    expect(bytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(bytes).toBeLessThan(IMPORT_MAX_BYTES);
    const imported = importWorkshop(JSON.parse(text), testContext());
    expect(imported.ok).toBe(true);
  });
});

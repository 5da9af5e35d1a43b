import { describe, expect, it } from 'vitest';
import { LiveProjection, project } from '../../server/projection';
import {
  apply,
  checkInvariants,
  checkStatementWrite,
  decide,
  execute,
  LIMITS,
  statementsInOrder,
  statementWritten,
  type Actor,
  type Command,
  type ErrorCode,
  type ParticipantId,
  type Workshop,
  type WorkshopEvent,
} from '../../src/lib/domain';
import { parseCommand } from '../../src/lib/protocol/commands';
import {
  cmd,
  facilitator,
  join,
  newWorkshop,
  nobody,
  projector,
  refuse,
  run,
  type Session,
} from './helpers';

const coFacilitator: Actor = { role: 'cofacilitator', linkId: 'link-1' };

const add = (title: string): Command => ({ type: 'addStatement', title });
const rename = (statementId: string, title: string): Command => ({
  type: 'renameStatement',
  statementId,
  title,
});
const move = (statementId: string, direction: 'up' | 'down'): Command => ({
  type: 'moveStatement',
  statementId,
  direction,
});
const lock = (statementId: string, locked: boolean): Command => ({
  type: 'lockStatement',
  statementId,
  locked,
});
const remove = (statementId: string): Command => ({ type: 'deleteStatement', statementId });
const write = (statementId: string, text: string, update = 'AQID'): Command => ({
  type: 'writeStatement',
  statementId,
  update,
  text,
});

function addStatement(s: Session, title: string, actor: Actor = facilitator): string {
  const id = run(s, actor, add(title)).reply?.statementId;
  if (!id) throw new Error('addStatement replied with no statementId');
  return id;
}

/** A workshop in Devenir with a participant and two statements. */
function scene() {
  const s = newWorkshop();
  const alice = join(s, 'Alice');
  const bob = join(s, 'Bob');
  run(s, facilitator, cmd.setStage('dream'));
  const first = addStatement(s, 'Dans trois ans, chaque personne…');
  const second = addStatement(s, 'Notre équipe');
  return { s, alice, bob, first, second };
}

const order = (state: Workshop) => state.statementOrder ?? [];

describe('vision statements: commands', () => {
  it('[V1] whoever runs the room adds a statement: empty, unlocked, last in the list, its id in the reply', () => {
    const { s, first, second } = scene();
    const third = addStatement(s, '  Un   titre\nsur une ligne ', coFacilitator);
    expect(order(s.state)).toEqual([first, second, third]);
    expect(s.state.statements![third]).toEqual({
      id: third,
      title: 'Un titre sur une ligne',
      text: '',
      locked: false,
      createdAt: s.ctx.now,
    });
    expect(statementsInOrder(s.state).map((x) => x.id)).toEqual([first, second, third]);
  });

  it('[V1] a workshop made before statements existed has none, and takes a first one', () => {
    const s = newWorkshop();
    expect(s.state.statements).toBeUndefined();
    expect(statementsInOrder(s.state)).toEqual([]);
    expect(checkInvariants(s.state)).toEqual([]);
    const id = addStatement(s, 'Premier');
    expect(order(s.state)).toEqual([id]);
  });

  it('[V1] participants, the projector and visitors may not add, rename, move, lock or delete statements', () => {
    const { s, alice, first } = scene();
    for (const actor of [alice, projector, nobody]) {
      for (const command of [
        add('Autre'),
        rename(first, 'Autre'),
        move(first, 'down'),
        lock(first, true),
        remove(first),
      ]) {
        refuse(s, actor, command, 'NOT_ALLOWED');
      }
    }
  });

  it('[V1] a title is required and one line of at most 120 characters (T rules)', () => {
    const { s, first } = scene();
    refuse(s, facilitator, add('   '), 'EMPTY_TEXT');
    refuse(s, facilitator, add('é'.repeat(LIMITS.statementTitleLength + 1)), 'TEXT_TOO_LONG');
    refuse(s, facilitator, rename(first, ''), 'EMPTY_TEXT');
    addStatement(s, 'é'.repeat(LIMITS.statementTitleLength));
  });

  it('[V1] twenty statements a workshop at most: the twenty-first is TOO_MANY_STATEMENTS', () => {
    const s = newWorkshop();
    for (let i = 0; i < LIMITS.statementsPerWorkshop; i++) addStatement(s, `Énoncé ${i}`);
    refuse(s, facilitator, add('Un de trop'), 'TOO_MANY_STATEMENTS');
    // a deletion makes room again
    run(s, facilitator, remove(order(s.state)[0]!));
    addStatement(s, 'À nouveau');
  });

  it('[V2] rename, lock, unlock and delete a statement', () => {
    const { s, first, second } = scene();
    run(s, coFacilitator, rename(first, 'Dans cinq ans'));
    expect(s.state.statements![first]!.title).toBe('Dans cinq ans');
    run(s, facilitator, lock(first, true));
    expect(s.state.statements![first]!.locked).toBe(true);
    run(s, facilitator, lock(first, false));
    expect(s.state.statements![first]!.locked).toBe(false);
    run(s, facilitator, remove(first));
    expect(s.state.statements![first]).toBeUndefined();
    expect(order(s.state)).toEqual([second]);
  });

  it('[V2] move swaps a statement with its neighbour; at either end nothing moves and no event is made', () => {
    const { s, first, second } = scene();
    const third = addStatement(s, 'Troisième');
    expect(run(s, facilitator, move(first, 'up')).events).toEqual([]);
    expect(run(s, facilitator, move(third, 'down')).events).toEqual([]);
    run(s, facilitator, move(first, 'down'));
    expect(order(s.state)).toEqual([second, first, third]);
    run(s, facilitator, move(third, 'up'));
    expect(order(s.state)).toEqual([second, third, first]);
  });

  it('[V2] a command that changes nothing makes no event: the same title, the lock as it is', () => {
    const { s, first } = scene();
    expect(
      run(s, facilitator, rename(first, '  Dans trois ans, chaque personne…  ')).events,
    ).toEqual([]);
    expect(run(s, facilitator, lock(first, false)).events).toEqual([]);
    run(s, facilitator, lock(first, true));
    expect(run(s, facilitator, lock(first, true)).events).toEqual([]);
  });

  it('[V2] unknown or deleted statements are UNKNOWN_STATEMENT and change nothing', () => {
    const { s, first, alice } = scene();
    run(s, facilitator, remove(first));
    for (const id of [first, 'no-such-id', '__proto__', 'constructor']) {
      refuse(s, facilitator, rename(id, 'X'), 'UNKNOWN_STATEMENT');
      refuse(s, facilitator, move(id, 'up'), 'UNKNOWN_STATEMENT');
      refuse(s, facilitator, lock(id, true), 'UNKNOWN_STATEMENT');
      refuse(s, facilitator, remove(id), 'UNKNOWN_STATEMENT');
      refuse(s, facilitator, write(id, 'x'), 'UNKNOWN_STATEMENT');
      refuse(s, alice, write(id, 'x'), 'UNKNOWN_STATEMENT');
    }
  });

  it('[V2] nothing is done in a deleted workshop', () => {
    const { s, first } = scene();
    run(s, facilitator, { type: 'deleteWorkshop' });
    refuse(s, facilitator, add('X'), 'NOT_FOUND');
    refuse(s, facilitator, write(first, 'x'), 'NOT_FOUND');
  });
});

describe('vision statements: who writes the text', () => {
  it('[V3] an accepted write records the update and the whole text it leaves; apply copies that text and the time, nothing else', () => {
    const { s, alice, first } = scene();
    s.ctx.advance(5000);
    const decision = run(s, alice, write(first, 'Chaque personne trouve sa place', 'AAEC'));
    expect(decision.events).toEqual([
      {
        type: 'statementWritten',
        statementId: first,
        update: 'AAEC',
        text: 'Chaque personne trouve sa place',
        at: s.ctx.now,
      },
    ]);
    expect(s.state.statements![first]).toMatchObject({
      text: 'Chaque personne trouve sa place',
      updatedAt: s.ctx.now,
    });
    // The text is the CRDT's, as it is: no trimming, no normalisation.
    run(s, alice, write(first, '  e\u0301 \r\n '));
    expect(s.state.statements![first]!.text).toBe('  e\u0301 \r\n ');
    expect(statementWritten(first, 'AQ', 'x', 7)).toEqual({
      type: 'statementWritten',
      statementId: first,
      update: 'AQ',
      text: 'x',
      at: 7,
    });
  });

  it('[V3] no client command sets the text: the wire knows no writeStatement, and the five statement commands parse with bounded fields', () => {
    expect(
      parseCommand({ type: 'writeStatement', statementId: 's1', update: 'AQ', text: 'x' }).success,
    ).toBe(false);
    expect(parseCommand({ type: 'addStatement', title: 'Vision' }).success).toBe(true);
    expect(parseCommand({ type: 'addStatement', title: 'x'.repeat(10_000) }).success).toBe(false);
    expect(
      parseCommand({ type: 'renameStatement', statementId: 's1', title: 'Vision' }).success,
    ).toBe(true);
    expect(
      parseCommand({ type: 'moveStatement', statementId: 's1', direction: 'down' }).success,
    ).toBe(true);
    expect(
      parseCommand({ type: 'moveStatement', statementId: 's1', direction: 'left' }).success,
    ).toBe(false);
    expect(parseCommand({ type: 'lockStatement', statementId: 's1', locked: true }).success).toBe(
      true,
    );
    expect(parseCommand({ type: 'deleteStatement', statementId: 's1' }).success).toBe(true);
    expect(parseCommand({ type: 'deleteStatement', statementId: 's 1' }).success).toBe(false);
    expect(parseCommand({ type: 'addStatement', title: 'Vision', text: 'en douce' }).success).toBe(
      false,
    );
  });

  it('[V4] whoever runs the room writes at any stage; a participant only in Devenir (STATEMENT_NOT_ACTIVE otherwise)', () => {
    const { s, alice, first } = scene();
    for (const stage of ['define', 'discover', 'decide']) {
      run(s, facilitator, cmd.setStage(stage));
      refuse(s, alice, write(first, 'Trop tôt'), 'STATEMENT_NOT_ACTIVE');
      run(s, facilitator, write(first, `Préparé en ${stage}`));
      run(s, coFacilitator, write(first, `Repris en ${stage}`));
    }
    run(s, facilitator, cmd.setStage('dream'));
    run(s, alice, write(first, 'Maintenant oui'));
    expect(s.state.statements![first]!.text).toBe('Maintenant oui');
  });

  it('[V4] the projector and visitors never write; a removed participant no longer writes', () => {
    const { s, alice, bob, first } = scene();
    refuse(s, projector, write(first, 'x'), 'NOT_ALLOWED');
    refuse(s, nobody, write(first, 'x'), 'NOT_JOINED');
    refuse(
      s,
      { role: 'participant', participantId: 'stranger' as ParticipantId },
      write(first, 'x'),
      'NOT_JOINED',
    );
    run(s, bob, write(first, 'Bob écrit'));
    run(s, facilitator, { type: 'removeParticipant', participantId: bob.participantId });
    refuse(s, bob, write(first, 'Bob écrit encore'), 'NOT_JOINED');
    run(s, alice, write(first, 'Alice écrit'));
  });

  it('[V4] checkStatementWrite answers as writeStatement decides, without making anything', () => {
    const { s, alice, first } = scene();
    const allowed = checkStatementWrite(s.state, alice, first, 'Oui');
    expect(allowed.ok && allowed.value.id).toBe(first);
    const cases: [Actor, string, string, ErrorCode][] = [
      [projector, first, 'x', 'NOT_ALLOWED'],
      [alice, 'no-such-id', 'x', 'UNKNOWN_STATEMENT'],
      [alice, first, 'x'.repeat(LIMITS.statementLength + 1), 'STATEMENT_TOO_LONG'],
    ];
    for (const [actor, id, text, code] of cases) {
      const checked = checkStatementWrite(s.state, actor, id, text);
      expect(checked.ok ? null : checked.error.code).toBe(code);
      const decided = decide(s.state, actor, write(id, text), s.ctx);
      expect(decided.ok ? null : decided.error.code).toBe(code);
    }
    expect(checkStatementWrite(null, facilitator, first, 'x').ok).toBe(false);
  });

  it('[V5] a locked statement refuses every write, the facilitator\u2019s included, and keeps its text; unlocked, it takes writes again', () => {
    const { s, alice, first, second } = scene();
    run(s, alice, write(first, 'Notre vision'));
    run(s, facilitator, lock(first, true));
    refuse(s, alice, write(first, 'Autre chose'), 'STATEMENT_LOCKED');
    refuse(s, facilitator, write(first, ''), 'STATEMENT_LOCKED');
    refuse(s, coFacilitator, write(first, 'Notre vision'), 'STATEMENT_LOCKED');
    expect(s.state.statements![first]!.text).toBe('Notre vision');
    // the other statement is not concerned
    run(s, alice, write(second, 'Ailleurs'));
    run(s, facilitator, lock(first, false));
    run(s, facilitator, write(first, ''));
    expect(s.state.statements![first]!.text).toBe('');
  });

  it('[V6] the text holds 1,000 characters counted as JS string length (UTF-16 units, as Y.Text counts); one more is STATEMENT_TOO_LONG and changes nothing', () => {
    const { s, alice, first } = scene();
    run(s, alice, write(first, 'a'.repeat(LIMITS.statementLength)));
    const error = refuse(
      s,
      alice,
      write(first, 'a'.repeat(LIMITS.statementLength + 1)),
      'STATEMENT_TOO_LONG',
    );
    expect(error.message).toContain(String(LIMITS.statementLength));
    refuse(
      s,
      facilitator,
      write(first, 'b'.repeat(LIMITS.statementLength + 1)),
      'STATEMENT_TOO_LONG',
    );
    expect(s.state.statements![first]!.text).toBe('a'.repeat(LIMITS.statementLength));
    // An emoji outside the BMP counts two, as in Y.Text: 500 fit, 501 do not.
    run(s, alice, write(first, '🌱'.repeat(500)));
    refuse(s, alice, write(first, '🌱'.repeat(501)), 'STATEMENT_TOO_LONG');
    // Spaces count: the text is not trimmed before it is measured.
    refuse(s, alice, write(first, ' '.repeat(LIMITS.statementLength + 1)), 'STATEMENT_TOO_LONG');
  });

  it('[V7] every accepted update is recorded, even one that leaves the text as it was', () => {
    const { s, alice, first } = scene();
    run(s, alice, write(first, 'Pareil'));
    const again = run(s, alice, write(first, 'Pareil', 'AgAA'));
    expect(again.events).toHaveLength(1);
    expect(again.events[0]).toMatchObject({ type: 'statementWritten', update: 'AgAA' });
  });

  it('[V7] [V13] a write recorded for a statement deleted meanwhile shows nowhere, and its update stays in the history', () => {
    const { s, first } = scene();
    run(s, facilitator, remove(first));
    const before = s.state.visionHistory ?? [];
    const after = apply(s.state, statementWritten(first, 'AQ', 'tardif', s.ctx.now));
    expect(after.statements).toBe(s.state.statements);
    expect(after.visionHistory).toEqual([...before, 'AQ']);
    expect(checkInvariants(after)).toEqual([]);
  });

  it('[V13] the history is merged only by two or more of its updates, into a non-empty one', () => {
    const { s, alice, first } = scene();
    run(s, alice, write(first, 'Un'));
    run(s, alice, write(first, 'Un deux'));
    run(s, alice, write(first, 'Un deux trois'));
    const held = s.state.visionHistory!;
    expect(held).toHaveLength(3);
    const merge = (count: number, update: string) =>
      execute(s.state, facilitator, { type: 'mergeVisionHistory', count, update }, s.ctx);
    for (const [count, update] of [
      [1, 'AQ'],
      [4, 'AQ'],
      [2, ''],
      [2.5, 'AQ'],
    ] as const) {
      const refused = merge(count, update);
      expect(refused.ok).toBe(false);
    }
    const merged = merge(2, 'TOUT');
    expect(merged.ok && merged.value.state.visionHistory).toEqual(['TOUT', held[2]]);
  });
});

describe('vision statements: events and invariants', () => {
  it('[V8] replaying the events of a session with statements gives its state, and apply changes nothing it is given', () => {
    const { s, alice, first, second } = scene();
    run(s, alice, write(first, 'Une vision'));
    run(s, facilitator, move(second, 'up'));
    run(s, facilitator, lock(second, true));
    run(s, facilitator, rename(second, 'Renommé'));
    const third = addStatement(s, 'Troisième');
    run(s, facilitator, remove(first));
    run(s, facilitator, write(third, 'Encore'));
    const replayed = s.events.reduce<Workshop | null>((state, e) => apply(state, e), null);
    expect(replayed).toEqual(s.state);
    expect(statementsInOrder(s.state).map((x) => x.id)).toEqual([second, third]);
  });

  it('[V9] checkInvariants reports a broken statement list: an order missing a statement or listing a missing one or one twice, too many, an empty or long title, an over-long text', () => {
    const { s, first, second } = scene();
    const base = s.state;
    const statements = base.statements!;
    const broken = (state: Workshop) => checkInvariants(state);
    expect(broken({ ...base, statementOrder: [first] })).toEqual([
      `statement ${second} is in no order`,
    ]);
    expect(broken({ ...base, statementOrder: [first, second, 'ghost'] })).toEqual([
      'the order lists missing statement ghost',
    ]);
    expect(broken({ ...base, statementOrder: [first, second, first] })).toEqual([
      'a statement is listed twice',
    ]);
    const long = { ...statements[first]!, text: 'x'.repeat(LIMITS.statementLength + 1) };
    expect(broken({ ...base, statements: { ...statements, [first]: long } })).toEqual([
      `statement ${first} is too long`,
    ]);
    const untitled = { ...statements[first]!, title: ' ' };
    expect(broken({ ...base, statements: { ...statements, [first]: untitled } })).toEqual([
      `statement ${first} has no title`,
    ]);
    const titled = { ...statements[first]!, title: 'x'.repeat(LIMITS.statementTitleLength + 1) };
    expect(broken({ ...base, statements: { ...statements, [first]: titled } })).toEqual([
      `statement ${first} title is too long`,
    ]);
    const many: Workshop['statements'] = {};
    for (let i = 0; i <= LIMITS.statementsPerWorkshop; i++) {
      many[`s${i}`] = { ...statements[first]!, id: `s${i}` };
    }
    expect(broken({ ...base, statements: many, statementOrder: Object.keys(many) })).toEqual([
      'too many statements',
    ]);
  });
});

describe('vision statements in the replicas', () => {
  it('[V10] the room and the console show each statement with its title, text, lock, place and time; private replicas none', () => {
    const { s, alice, first, second } = scene();
    s.ctx.advance(1000);
    run(s, alice, write(first, 'Ensemble'));
    run(s, facilitator, lock(second, true));
    const views = project(s.state, new Set(), [alice.participantId]);
    const expected = {
      [first]: {
        id: first,
        title: 'Dans trois ans, chaque personne…',
        text: 'Ensemble',
        locked: false,
        position: 0,
        updatedAt: s.ctx.now,
      },
      [second]: {
        id: second,
        title: 'Notre équipe',
        text: '',
        locked: true,
        position: 1,
        updatedAt: null,
      },
    };
    expect(views.public.statements).toEqual(expected);
    expect(views.facilitator.statements).toEqual(expected);
    expect(views.private.get(alice.participantId)!.statements).toEqual({});
  });

  it('[V11] a write touches only its statement\u2019s key; a move or a deletion rewrites every position', () => {
    const { s, alice, first, second } = scene();
    const third = addStatement(s, 'Troisième');
    const live = new LiveProjection();
    const shown = new Set<string>();
    live.full(s.state, shown, []);
    const step = (actor: Actor, command: Command) => {
      const before = s.events.length;
      run(s, actor, command);
      const events: WorkshopEvent[] = s.events.slice(before);
      const patch = live.patch(s.state, events, shown, shown, new Set());
      if (!patch) throw new Error('statement events are mapped');
      return patch;
    };
    const written = step(alice, write(second, 'Écrit'));
    expect([...written.public.statements.keys()]).toEqual([second]);
    expect([...written.facilitator.statements.keys()]).toEqual([second]);
    expect(written.public.meta.size + written.public.notes.size + written.public.boards.size).toBe(
      0,
    );
    expect(written.public.statements.get(second)).toMatchObject({ text: 'Écrit', position: 1 });
    const moved = step(facilitator, move(third, 'up'));
    expect([...moved.public.statements.keys()].sort()).toEqual([first, second, third].sort());
    expect(moved.public.statements.get(third)).toMatchObject({ position: 1 });
    const deleted = step(facilitator, remove(first));
    expect(deleted.public.statements.get(first)).toBeUndefined();
    expect(deleted.public.statements.has(first)).toBe(true);
    expect(deleted.public.statements.get(third)).toMatchObject({ position: 0 });
    expect(deleted.public.statements.get(second)).toMatchObject({ position: 1 });
    expect(live.problems()).toEqual([]);
  });
});

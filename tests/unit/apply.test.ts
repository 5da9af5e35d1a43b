import { describe, expect, it } from 'vitest';
import {
  apply,
  checkInvariants,
  decide,
  execute,
  STAGES,
  type Actor,
  type BoardId,
  type ColumnId,
  type Command,
  type NoteId,
  type ParticipantId,
  type SectorId,
  type Workshop,
  type WorkshopEvent,
} from '../../src/lib/domain';
import {
  boardOf,
  cmd,
  createCommand,
  deepFreeze,
  facilitator,
  join,
  newWorkshop,
  nobody,
  participantActor,
  postNote,
  projector,
  refuse,
  run,
  testContext,
  type Session,
} from './helpers';

function replay(events: WorkshopEvent[]): Workshop | null {
  return events.reduce<Workshop | null>((state, event) => apply(state, event), null);
}

/** A workshop session that exercises every command, including no-ops. */
function scenario(language: 'fr' | 'en' = 'fr'): { s: Session; states: Workshop[] } {
  const s = newWorkshop({ language });
  const states: Workshop[] = [s.state];
  const step = (actor: Actor, command: Command) => {
    s.ctx.advance();
    run(s, actor, command);
    states.push(s.state);
  };
  const alice = join(s, 'Alice', { sector: s.state.sectors[0]!.id });
  states.push(s.state);
  const bob = join(s, 'Bob');
  states.push(s.state);
  const define = boardOf(s.state, 'define');
  step(facilitator, cmd.setQuestion('Une meilleure question ?'));
  step(facilitator, cmd.setQuestion('Une meilleure question ?'));
  step(facilitator, cmd.setStagePrompt('define', 'Nouvelle consigne'));
  step(facilitator, cmd.addColumn(define.id, 'Ressources'));
  const added = boardOf(s.state, 'define').columns[2]!;
  step(facilitator, cmd.renameColumn(define.id, added.id, 'Ressources utiles'));
  step(alice, cmd.addNote(define.id, define.columns[0]!.id, 'Attente A'));
  step(bob, cmd.addNote(define.id, added.id, 'Ressource B'));
  step(facilitator, cmd.addNote(define.id, added.id, 'Ressource F'));
  const [noteA, noteB] = Object.keys(s.state.notes);
  step(alice, cmd.editNote(noteA!, 'Attente A, précisée'));
  step(alice, cmd.editNote(noteA!, 'Attente A, précisée'));
  step(facilitator, cmd.editNote(noteB!, 'Ressource B corrigée'));
  step(facilitator, cmd.removeColumn(define.id, added.id));
  step(facilitator, cmd.setStage('discover'));
  step(facilitator, cmd.setStage('discover'));
  step(
    bob,
    cmd.addNote(
      boardOf(s.state, 'discover').id,
      boardOf(s.state, 'discover').columns[1]!.id,
      'Facilitateur',
    ),
  );
  step(alice, cmd.deleteNote(noteA!));
  step(facilitator, cmd.setStage('dream'));
  step(
    alice,
    cmd.addNote(boardOf(s.state, 'dream').id, boardOf(s.state, 'dream').columns[0]!.id, '💡 idée'),
  );
  step(facilitator, cmd.setStage('decide'));
  return { s, states };
}

describe('replay', () => {
  it.each(['fr', 'en'] as const)(
    '[E4] (%s) applying every event from null gives the final state',
    (lang) => {
      const { s } = scenario(lang);
      expect(s.events.length).toBeGreaterThan(15);
      expect(replay(s.events)).toEqual(s.state);
    },
  );

  it('[E4] every prefix of the event list replays to the state at that point', () => {
    const s = newWorkshop();
    const checkpoints: { count: number; state: Workshop }[] = [
      { count: s.events.length, state: s.state },
    ];
    const alice = join(s, 'Alice');
    checkpoints.push({ count: s.events.length, state: s.state });
    const id = postNote(s, alice, 'define', 'Note');
    checkpoints.push({ count: s.events.length, state: s.state });
    run(s, alice, cmd.editNote(id, 'Note modifiée'));
    checkpoints.push({ count: s.events.length, state: s.state });
    const board = boardOf(s.state, 'define');
    run(s, facilitator, cmd.removeColumn(board.id, board.columns[0]!.id));
    checkpoints.push({ count: s.events.length, state: s.state });
    for (const { count, state } of checkpoints) {
      expect(replay(s.events.slice(0, count))).toEqual(state);
    }
  });

  it('[E4] the events survive a JSON round trip and still replay to the state', () => {
    const { s } = scenario();
    const stored = JSON.parse(JSON.stringify(s.events)) as WorkshopEvent[];
    expect(replay(stored)).toEqual(s.state);
  });

  it('[E4] no-op commands add nothing to the log', () => {
    const s = newWorkshop();
    const count = s.events.length;
    run(s, facilitator, cmd.setStage('define'));
    run(s, facilitator, cmd.setQuestion(s.state.question));
    run(s, facilitator, cmd.setStagePrompt('dream', s.state.stages.dream.prompt));
    const board = boardOf(s.state, 'define');
    run(s, facilitator, cmd.renameColumn(board.id, board.columns[0]!.id, board.columns[0]!.title));
    expect(s.events.length).toBe(count);
  });
});

describe('apply', () => {
  it('[E5] an event before workshopCreated throws', () => {
    expect(() => apply(null, { type: 'stageSet', stage: 'dream' })).toThrow(
      /before workshopCreated/,
    );
    expect(() => apply(null, { type: 'noteDeleted', noteId: 'n' as NoteId })).toThrow(
      /noteDeleted before workshopCreated/,
    );
  });

  it('[E5] workshopCreated yields its workshop', () => {
    const a = newWorkshop().state;
    const b = newWorkshop({ title: 'Autre' }).state;
    expect(apply(null, { type: 'workshopCreated', workshop: a })).toBe(a);
    expect(apply(a, { type: 'workshopCreated', workshop: b })).toBe(b);
  });

  it('[C7] columnRemoved drops only the notes of that board and column', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const inColumn = postNote(s, alice, 'define', 'x', 0);
    const other = postNote(s, alice, 'define', 'y', 1);
    const board = boardOf(s.state, 'define');
    // A forged note with the same column id on another board must survive.
    const dream = boardOf(s.state, 'dream');
    const forged = {
      ...s.state.notes[other]!,
      id: 'forged' as NoteId,
      boardId: dream.id,
      columnId: board.columns[0]!.id,
    };
    const state = { ...s.state, notes: { ...s.state.notes, forged } };
    const next = apply(state, {
      type: 'columnRemoved',
      boardId: board.id,
      columnId: board.columns[0]!.id,
    });
    expect(Object.keys(next.notes).sort()).toEqual([other, 'forged'].sort());
    expect(next.notes[inColumn]).toBeUndefined();
  });
});

describe('purity', () => {
  it('[E2] decide, apply and execute never mutate the state they are given', () => {
    const { s } = scenario();
    // Every state the helpers produce is deep-frozen, so a mutation would have thrown already;
    // check once more against a deep copy, with commands of every kind.
    const state = deepFreeze(s.state);
    const copy = structuredClone(state);
    const dream = boardOf(state, 'dream');
    const alice = participantActor(Object.keys(state.participants)[0]!);
    const commands: [Actor, Command][] = [
      [nobody, cmd.join('Carole', null, 'tok-carole')],
      [facilitator, cmd.setStage('define')],
      [facilitator, cmd.setQuestion('Q2')],
      [facilitator, cmd.setStagePrompt('dream', 'P2')],
      [facilitator, cmd.addColumn(dream.id, 'Col')],
      [facilitator, cmd.renameColumn(dream.id, dream.columns[0]!.id, 'Renommée')],
      [facilitator, cmd.addNote(dream.id, dream.columns[0]!.id, 'N')],
      [alice, cmd.addNote(dream.id, dream.columns[0]!.id, '')],
    ];
    for (const note of Object.values(state.notes)) {
      commands.push(
        [facilitator, cmd.editNote(note.id, 'E')],
        [facilitator, cmd.deleteNote(note.id)],
      );
    }
    for (const [actor, command] of commands) {
      const ctx = testContext();
      decide(state, actor, command, ctx);
      execute(state, actor, command, ctx);
    }
    expect(state).toEqual(copy);
  });

  it('[E3] the same commands with the same context give the same events and state', () => {
    const a = scenario();
    const b = scenario();
    expect(b.s.events).toEqual(a.s.events);
    expect(b.s.state).toEqual(a.s.state);
  });

  it('[E1] a refused command yields no event and leaves the state as it was', () => {
    const s = newWorkshop();
    const before = s.state;
    const result = decide(s.state, projector, cmd.setStage('dream'), s.ctx);
    expect(result).toEqual({
      ok: false,
      error: { code: 'NOT_ALLOWED', message: 'You are not allowed to do this.' },
    });
    expect('value' in result).toBe(false);
    refuse(s, facilitator, createCommand(), 'BAD_REQUEST');
    expect(s.state).toBe(before);
    expect(s.events).toHaveLength(1);
  });
});

/** A small deterministic pseudo-random generator (LCG), so the fuzz run is reproducible. */
function random(seed: number) {
  let x = seed >>> 0;
  const next = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

describe('invariants under random commands', () => {
  it.each([1, 2, 3, 42])(
    '[E6] seed %i: invariants hold after every accepted command, and replay matches',
    (seed) => {
      const { pick } = random(seed);
      const s = newWorkshop({ sectors: ['A', 'B'] });
      const texts = [
        '',
        '  ',
        'ok',
        ' texte \n long ',
        'x'.repeat(281),
        '😀'.repeat(280),
        'a\r\nb',
      ];
      const seenNotes = new Set<string>(['nope']);
      let accepted = 0;
      let refused = 0;
      for (let i = 0; i < 600; i++) {
        const state = s.state;
        const participants = Object.keys(state.participants).map(participantActor);
        const actor = pick<Actor>([
          facilitator,
          facilitator,
          projector,
          nobody,
          nobody,
          ...participants,
        ]);
        const boards = [...Object.keys(state.boards), 'nope'];
        const columns = [
          ...Object.values(state.boards).flatMap((b) => b.columns.map((c) => c.id)),
          'nope',
        ];
        for (const id of Object.keys(state.notes)) seenNotes.add(id);
        const notes = [...seenNotes];
        const boardId = pick(boards) as BoardId;
        const columnId = pick(columns) as ColumnId;
        const commands: Command[] = [
          {
            type: 'joinWorkshop',
            name: pick(texts),
            sector: pick([null, ...state.sectors.map((x) => x.id), 'nope' as SectorId]),
            tokenHash: `tok-${Math.floor(i / 3)}`,
            rejoinCodeHash: `rejoin-${Math.floor(i / 3)}`,
          },
          {
            type: 'rejoinWorkshop',
            rejoinCodeHash: `rejoin-${Math.floor(i / 5)}`,
            tokenHash: `tok-r${i}`,
          },
          { type: 'setStage', stage: pick(STAGES) },
          { type: 'setQuestion', question: pick(texts) },
          { type: 'setStagePrompt', stage: pick(STAGES), prompt: pick(texts) },
          { type: 'addColumn', boardId, title: pick(texts) },
          { type: 'renameColumn', boardId, columnId, title: pick(texts) },
          { type: 'removeColumn', boardId, columnId },
          { type: 'addNote', boardId, columnId, text: pick(texts) },
          { type: 'addNote', boardId, columnId, text: pick(texts) },
          { type: 'editNote', noteId: pick(notes) as NoteId, text: pick(texts) },
          { type: 'deleteNote', noteId: pick(notes) as NoteId },
        ];
        const command = pick(commands);
        s.ctx.advance();
        const result = execute(state, actor, command, s.ctx);
        if (result.ok) {
          accepted++;
          expect(checkInvariants(result.value.state), `${command.type} by ${actor.role}`).toEqual(
            [],
          );
          s.events.push(...result.value.decision.events);
          s.state = deepFreeze(result.value.state);
        } else {
          refused++;
          expect(s.state).toBe(state);
        }
      }
      expect(accepted).toBeGreaterThan(50);
      expect(refused).toBeGreaterThan(50);
      expect(replay(s.events)).toEqual(s.state);
    },
  );
});

describe('checkInvariants', () => {
  function base() {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const noteId = postNote(s, alice, 'define', 'Note');
    return { ws: s.state, alice, noteId, define: boardOf(s.state, 'define') };
  }

  it('[I1] a sound workshop has no broken rule', () => {
    expect(checkInvariants(base().ws)).toEqual([]);
  });

  it('[I1] a current stage that is not a stage is reported', () => {
    const { ws } = base();
    expect(checkInvariants({ ...ws, currentStage: 'later' as never })).toEqual([
      'current stage is not a stage',
    ]);
  });

  it('[I1] a stage listing a missing board, or another stage’s board, is reported', () => {
    const { ws, define } = base();
    const missing = {
      ...ws,
      stages: { ...ws.stages, decide: { ...ws.stages.decide, boardIds: ['ghost' as BoardId] } },
    };
    expect(checkInvariants(missing)).toEqual(['stage decide lists missing board ghost']);
    const twice = {
      ...ws,
      stages: { ...ws.stages, decide: { ...ws.stages.decide, boardIds: [define.id] } },
    };
    expect(checkInvariants(twice)).toEqual([`board ${define.id} is listed under another stage`]);
  });

  it('[I1] a board with no column, or in no stage, is reported', () => {
    const { ws, define, noteId } = base();
    const notes = { ...ws.notes };
    delete notes[noteId];
    const empty = {
      ...ws,
      notes,
      boards: { ...ws.boards, [define.id]: { ...define, columns: [] } },
    };
    expect(checkInvariants(empty)).toEqual([`board ${define.id} has no column`]);
    const orphan = {
      ...ws,
      stages: { ...ws.stages, define: { ...ws.stages.define, boardIds: [] } },
    };
    expect(checkInvariants(orphan)).toEqual([`board ${define.id} is in no stage`]);
  });

  it('[I1] a note on a missing board or column, by an unknown author, or empty is reported', () => {
    const { ws, noteId } = base();
    const note = ws.notes[noteId]!;
    const withNote = (patch: Partial<typeof note>) => ({
      ...ws,
      notes: { ...ws.notes, [noteId]: { ...note, ...patch } },
    });
    expect(checkInvariants(withNote({ boardId: 'ghost' as BoardId }))).toEqual([
      `note ${noteId} is on a missing board`,
    ]);
    expect(checkInvariants(withNote({ columnId: 'ghost' as ColumnId }))).toEqual([
      `note ${noteId} is in a missing column`,
    ]);
    expect(
      checkInvariants(withNote({ author: { kind: 'participant', id: 'ghost' as ParticipantId } })),
    ).toEqual([`note ${noteId} has an unknown author`]);
    expect(checkInvariants(withNote({ text: '  ' }))).toEqual([`note ${noteId} is empty`]);
  });

  it('[I1] a participant in an unknown sector is reported', () => {
    const { ws, alice } = base();
    const p = ws.participants[alice.participantId]!;
    const broken = {
      ...ws,
      participants: { ...ws.participants, [p.id]: { ...p, sector: 'ghost' as SectorId } },
    };
    expect(checkInvariants(broken)).toEqual([`participant ${p.id} sector`]);
  });
});

import { describe, expect, it } from 'vitest';
import { apply, PAST_SESSION, sessionIdOf, sessionsOf, type Workshop } from '../../src/lib/domain';
import {
  boardOf,
  facilitator,
  join,
  newWorkshop,
  nobody,
  postNote,
  refuse,
  run,
  type Session,
} from './helpers';

const start = (label = 'Séance 1', date?: string) =>
  ({ type: 'startSession', label, ...(date ? { date } : {}) }) as const;

function replay(s: Session): Workshop | null {
  return s.events.reduce<Workshop | null>((state, event) => apply(state, event), null);
}

describe('sessions', () => {
  it('[SE1] whoever runs the room starts one session at a time (label, a day that exists, the server’s day by default), ends and renames it; others may not', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    refuse(s, alice, start(), 'NOT_ALLOWED');
    refuse(s, facilitator, start('Séance', '2026-02-30'), 'BAD_DATE');
    refuse(s, facilitator, { type: 'endSession' }, 'NO_SESSION');
    const first = run(s, facilitator, start('Lancement', '2026-03-04')).reply!.sessionId!;
    expect(s.state.currentSessionId).toBe(first);
    expect(s.state.sessions![first]).toMatchObject({ label: 'Lancement', date: '2026-03-04' });
    refuse(s, facilitator, start('Encore'), 'SESSION_RUNNING');
    refuse(s, alice, { type: 'endSession' }, 'NOT_ALLOWED');
    run(s, facilitator, { type: 'endSession' });
    expect(s.state.currentSessionId).toBeNull();
    expect(s.state.sessions![first]!.endedAt).toBe(s.ctx.now);
    const second = run(s, facilitator, start('')).reply!.sessionId!;
    expect(s.state.sessions![second]!.date).toBe(new Date(s.ctx.now).toISOString().slice(0, 10));
    expect(s.state.sessionOrder).toEqual([first, second]);
    run(s, facilitator, {
      type: 'renameSession',
      sessionId: first,
      label: 'Bilan',
      date: '2026-03-05',
    });
    expect(s.state.sessions![first]).toMatchObject({ label: 'Bilan', date: '2026-03-05' });
    refuse(
      s,
      facilitator,
      { type: 'renameSession', sessionId: 'nope', label: 'x', date: '2026-03-05' },
      'UNKNOWN_SESSION',
    );
    // the same again changes nothing
    expect(
      run(s, facilitator, {
        type: 'renameSession',
        sessionId: first,
        label: 'Bilan',
        date: '2026-03-05',
      }).events,
    ).toEqual([]);
    expect(replay(s)).toEqual(s.state);
  });

  it('[SE2] notes, themes, statements and candidates carry the session they were made in; what was made outside one belongs to the first', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const before = postNote(s, alice, 'define', 'Avant les séances');
    const id = run(s, facilitator, start('Séance 1', '2026-03-04')).reply!.sessionId!;
    const during = postNote(s, alice, 'define', 'Pendant');
    const board = boardOf(s.state, 'define');
    const theme = run(s, facilitator, {
      type: 'createTheme',
      boardId: board.id,
      title: 'Thème',
      noteIds: [during],
    }).reply!.themeId!;
    const statement = run(s, facilitator, { type: 'addStatement', title: 'Vision' }).reply!
      .statementId!;
    const candidate = run(s, facilitator, {
      type: 'addCandidate',
      title: 'Idée',
      description: '',
      sources: [],
    }).reply!.candidateId!;
    expect(s.state.notes[during]!.sessionId).toBe(id);
    expect(s.state.themes![theme]!.sessionId).toBe(id);
    expect(s.state.statements![statement]!.sessionId).toBe(id);
    expect(s.state.candidates![candidate]!.sessionId).toBe(id);
    expect(s.state.notes[before]!.sessionId).toBeUndefined();
    expect(sessionIdOf(s.state, s.state.notes[before]!)).toBe(id);
    run(s, facilitator, { type: 'endSession' });
    const after = postNote(s, alice, 'define', 'Entre deux');
    expect(s.state.notes[after]!.sessionId).toBeUndefined();
  });

  it('[SE3] attendance: the server records, as nobody in particular, who was connected while a session runs; those already there, unknown or removed people are left out', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const bob = join(s, 'Bob');
    refuse(
      s,
      nobody,
      { type: 'recordAttendance', participantIds: [alice.participantId] },
      'NO_SESSION',
    );
    const id = run(s, facilitator, start()).reply!.sessionId!;
    refuse(
      s,
      facilitator,
      { type: 'recordAttendance', participantIds: [alice.participantId] },
      'NOT_ALLOWED',
    );
    run(s, nobody, {
      type: 'recordAttendance',
      participantIds: [alice.participantId, 'nobody-known'],
    });
    expect(s.state.sessions![id]!.attendance).toEqual([alice.participantId]);
    run(s, facilitator, { type: 'removeParticipant', participantId: bob.participantId });
    expect(
      run(s, nobody, {
        type: 'recordAttendance',
        participantIds: [alice.participantId, bob.participantId],
      }).events,
    ).toEqual([]);
    expect(replay(s)).toEqual(s.state);
  });

  it('[SE4] a workshop without sessions has one covering its past: from its creation, with everyone who joined', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const sessions = sessionsOf(s.state);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      id: PAST_SESSION,
      startedAt: s.state.createdAt,
      attendance: [alice.participantId],
    });
    run(s, facilitator, start('Séance 2'));
    expect(sessionsOf(s.state).map((x) => x.label)).toEqual(['Séance 2']);
  });
});

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

  it('[SE7] the dot vote, the ranking and the priorities carry the session they were opened or adopted in; a theme of the first session becomes a candidate of the third', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const first = run(s, facilitator, start('Découverte', '2026-03-04')).reply!.sessionId!;
    const note = postNote(s, alice, 'define', 'Un seul dossier');
    const theme = run(s, facilitator, {
      type: 'createTheme',
      boardId: boardOf(s.state, 'define').id,
      title: 'Dossier partagé',
      noteIds: [note],
    }).reply!.themeId!;
    run(s, facilitator, { type: 'endSession' });
    run(s, facilitator, start('Devenir', '2026-05-06'));
    run(s, facilitator, { type: 'endSession' });
    const third = run(s, facilitator, start('Décision', '2026-09-10')).reply!.sessionId!;
    const fromTheme = run(s, facilitator, {
      type: 'addCandidate',
      title: '',
      description: '',
      sources: [{ kind: 'theme', id: theme }],
    }).reply!.candidateId!;
    const other = run(s, facilitator, {
      type: 'addCandidate',
      title: 'Autre',
      description: '',
      sources: [],
    }).reply!.candidateId!;
    expect(s.state.themes![theme]!.sessionId).toBe(first);
    expect(s.state.candidates![fromTheme]).toMatchObject({
      sessionId: third,
      title: 'Dossier partagé',
      sources: [expect.objectContaining({ kind: 'theme', id: theme })],
    });
    run(s, facilitator, { type: 'openDotVote', budget: 2, cap: 2 });
    run(s, alice, { type: 'castDots', candidateId: fromTheme, dots: 1 });
    run(s, alice, { type: 'castDots', candidateId: other, dots: 1 });
    run(s, facilitator, { type: 'closeDotVote' });
    run(s, facilitator, { type: 'revealDotVote' });
    run(s, facilitator, { type: 'openRanking' });
    run(s, alice, { type: 'submitRanking', order: [fromTheme, other] });
    run(s, facilitator, { type: 'closeRanking' });
    run(s, facilitator, { type: 'revealRanking' });
    run(s, facilitator, { type: 'adoptPriorities' });
    expect(s.state.dotVote!.sessionId).toBe(third);
    expect(s.state.ranking!.sessionId).toBe(third);
    const priorities = Object.values(s.state.priorities!);
    expect(priorities.length).toBeGreaterThan(0);
    for (const p of priorities) expect(p.sessionId).toBe(third);
    expect(replay(s)).toEqual(s.state);
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

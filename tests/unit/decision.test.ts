import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DECISION_EVENT_TYPES,
  apply,
  ERRORS,
  execute,
  candidatesInOrder,
  checkInvariants,
  computedShortlist,
  currentShortlist,
  dotTotals,
  LIMITS,
  prioritiesInOrder,
  rankingOrder,
  type Actor,
  type Command,
  type CommandOf,
  type Workshop,
  type WorkshopEvent,
} from '../../src/lib/domain';
import { parseCommand } from '../../src/lib/protocol/commands';
import { actorFor, commandFor, decisionStep, type Step } from './commandSteps';
import {
  boardOf,
  createCommand,
  deepFreeze,
  facilitator,
  join,
  newWorkshop,
  nobody,
  postNote,
  projector,
  refuse,
  run,
  testContext,
  type ParticipantActor,
  type Session,
} from './helpers';

const coFacilitator: Actor = { role: 'cofacilitator', linkId: 'link-1' };
type Source = CommandOf<'addCandidate'>['sources'][number];

const add = (title: string, sources: Source[] = [], description = ''): Command => ({
  type: 'addCandidate',
  title,
  description,
  sources,
});
const cast = (candidateId: string, dots: number): Command => ({
  type: 'castDots',
  candidateId,
  dots,
});
const rank = (...order: string[]): Command => ({ type: 'submitRanking', order });
const simple = (
  type:
    | 'closeDotVote'
    | 'reopenDotVote'
    | 'cancelDotVote'
    | 'revealDotVote'
    | 'openRanking'
    | 'closeRanking'
    | 'reopenRanking'
    | 'cancelRanking'
    | 'revealRanking',
): Command => ({ type }) as Command;

function addCandidate(s: Session, title: string, sources: Source[] = []): string {
  const id = run(s, facilitator, add(title, sources)).reply?.candidateId;
  if (!id) throw new Error('addCandidate replied with no candidateId');
  return id;
}

/** A workshop in Décision with three participants and four candidates A..D. */
function scene() {
  const s = newWorkshop();
  const alice = join(s, 'Alice');
  const bob = join(s, 'Bob');
  const carol = join(s, 'Carol');
  run(s, facilitator, { type: 'setStage', stage: 'decide' });
  const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((t) => addCandidate(s, `Proposition ${t}`));
  return { s, alice, bob, carol, a: a!, b: b!, c: c!, d: d! };
}

/** The scene with a dot vote open (budget 4, cap 2). */
function voting() {
  const sc = scene();
  run(sc.s, facilitator, { type: 'openDotVote', budget: 4, cap: 2 });
  return sc;
}

/**
 * The scene with a closed vote: A 4 dots, B 3, C 2, D 0 (shortlist size 2: A and B), then a
 * ranking opened on A, B (pick: A, B, C when `three`).
 */
function ranking(three = false) {
  const sc = voting();
  const { s, alice, bob, carol, a, b, c } = sc;
  run(s, alice, cast(a, 2));
  run(s, alice, cast(b, 1));
  run(s, bob, cast(a, 2));
  run(s, bob, cast(b, 2));
  run(s, carol, cast(c, 2));
  run(s, facilitator, simple('closeDotVote'));
  run(s, facilitator, { type: 'setShortlist', size: 2 });
  if (three) run(s, facilitator, { type: 'pickShortlist', candidateIds: [a, b, c] });
  run(s, facilitator, simple('openRanking'));
  return sc;
}

const dotsOf = (state: Workshop, p: ParticipantActor) => state.dots?.[p.participantId];

describe('Décision: candidates', () => {
  it('[DC1] whoever runs the room adds a candidate (one-line title, description, sources) at the end, its id in the reply; nobody else may', () => {
    const { s, alice, a, b, c, d } = scene();
    const decision = run(s, coFacilitator, add('  Une   idée\nneuve ', [], '  Pourquoi\r\nelle  '));
    const id = decision.reply!.candidateId!;
    expect(s.state.candidates![id]).toEqual({
      id,
      title: 'Une idée neuve',
      description: 'Pourquoi\nelle',
      sources: [],
      createdAt: s.ctx.now,
    });
    expect(s.state.candidateOrder).toEqual([a, b, c, d, id]);
    refuse(s, alice, add('Moi aussi'), 'NOT_ALLOWED');
    refuse(s, projector, add('Moi aussi'), 'NOT_ALLOWED');
    refuse(s, nobody, add('Moi aussi'), 'NOT_ALLOWED');
    refuse(s, facilitator, add('x'.repeat(LIMITS.candidateTitleLength + 1)), 'TEXT_TOO_LONG');
    refuse(
      s,
      facilitator,
      add('Ok', [], 'x'.repeat(LIMITS.candidateDescriptionLength + 1)),
      'TEXT_TOO_LONG',
    );
  });

  it('[DC2] sources are themes of any board, notes not moderated and statements, each once; their titles are copied and outlive them', () => {
    const { s, alice } = scene();
    const discover = boardOf(s.state, 'discover');
    const themeId = run(s, facilitator, {
      type: 'createTheme',
      boardId: discover.id,
      title: 'Obstacle : le temps',
      noteIds: [],
    }).reply!.themeId!;
    run(s, facilitator, { type: 'setStage', stage: 'dream' });
    const noteId = postNote(s, alice, 'dream', 'Une idée de rêve');
    const statementId = run(s, facilitator, { type: 'addStatement', title: 'Dans trois ans' })
      .reply!.statementId!;
    const sources: Source[] = [
      { kind: 'theme', id: themeId },
      { kind: 'note', id: noteId },
      { kind: 'statement', id: statementId },
    ];
    const id = addCandidate(s, 'Du temps pour innover', sources);
    const kept = [
      { kind: 'theme', id: themeId, title: 'Obstacle : le temps' },
      { kind: 'note', id: noteId, title: 'Une idée de rêve' },
      { kind: 'statement', id: statementId, title: 'Dans trois ans' },
    ];
    expect(s.state.candidates![id]!.sources).toEqual(kept);
    // renamed or deleted later: the candidate keeps what it was made from
    run(s, facilitator, { type: 'renameTheme', themeId, title: 'Autre' });
    run(s, facilitator, { type: 'deleteTheme', themeId });
    run(s, facilitator, { type: 'deleteNote', noteId });
    run(s, facilitator, { type: 'deleteStatement', statementId });
    expect(s.state.candidates![id]!.sources).toEqual(kept);
    // unknown, gone, moderated, twice, or too many
    refuse(s, facilitator, add('X', [{ kind: 'theme', id: themeId }]), 'UNKNOWN_SOURCE');
    refuse(s, facilitator, add('X', [{ kind: 'note', id: '__proto__' }]), 'UNKNOWN_SOURCE');
    refuse(s, facilitator, add('X', [{ kind: 'board' as never, id: 'x' }]), 'UNKNOWN_SOURCE');
    const hidden = postNote(s, alice, 'dream', 'Modérée');
    run(s, facilitator, { type: 'moderateNote', noteId: hidden, moderated: true });
    refuse(s, facilitator, add('X', [{ kind: 'note', id: hidden }]), 'UNKNOWN_SOURCE');
    const other = postNote(s, alice, 'dream', 'Autre idée');
    const twice: Source[] = [
      { kind: 'note', id: other },
      { kind: 'note', id: other },
    ];
    refuse(s, facilitator, add('X', twice), 'BAD_REQUEST');
    const many = Array.from({ length: LIMITS.sourcesPerCandidate + 1 }, (_, i) => ({
      kind: 'note' as const,
      id: `n${i}`,
    }));
    refuse(s, facilitator, add('X', many), 'BAD_REQUEST');
  });

  it('[DC3] a blank title takes the title of the first theme or statement among the sources; a note gives none', () => {
    const { s, alice } = scene();
    const themeId = run(s, facilitator, {
      type: 'createTheme',
      boardId: boardOf(s.state, 'discover').id,
      title: 'Le temps manque',
      noteIds: [],
    }).reply!.themeId!;
    const noteId = postNote(s, facilitator, 'discover', 'Une note');
    void alice;
    const id = addCandidate(s, '  ', [
      { kind: 'note', id: noteId },
      { kind: 'theme', id: themeId },
    ]);
    expect(s.state.candidates![id]!.title).toBe('Le temps manque');
    refuse(s, facilitator, add(' ', [{ kind: 'note', id: noteId }]), 'EMPTY_TEXT');
    refuse(s, facilitator, add(''), 'EMPTY_TEXT');
  });

  it('[DC4] a workshop has at most 30 candidates', () => {
    const { s } = scene();
    while (s.state.candidateOrder!.length < LIMITS.candidatesPerWorkshop) addCandidate(s, 'Encore');
    refuse(s, facilitator, add('Une de trop'), 'TOO_MANY_CANDIDATES');
  });

  it('[DC5] editing changes title and description (sources stay); moving swaps with a neighbour; no change, no event', () => {
    const { s, alice, a, b, c, d } = scene();
    const edit = (title: string, description: string): Command => ({
      type: 'editCandidate',
      candidateId: b,
      title,
      description,
    });
    run(s, facilitator, edit(' Nouveau  titre', 'Le pourquoi'));
    expect(s.state.candidates![b]).toMatchObject({
      title: 'Nouveau titre',
      description: 'Le pourquoi',
      sources: [],
    });
    expect(run(s, facilitator, edit('Nouveau titre', 'Le pourquoi')).events).toEqual([]);
    refuse(s, facilitator, edit('', 'x'), 'EMPTY_TEXT');
    refuse(s, alice, edit('Moi', ''), 'NOT_ALLOWED');
    refuse(
      s,
      facilitator,
      { ...edit('x', ''), candidateId: 'nope' } as Command,
      'UNKNOWN_CANDIDATE',
    );
    const move = (candidateId: string, direction: 'up' | 'down'): Command => ({
      type: 'moveCandidate',
      candidateId,
      direction,
    });
    run(s, facilitator, move(c, 'up'));
    expect(s.state.candidateOrder).toEqual([a, c, b, d]);
    expect(run(s, facilitator, move(a, 'up')).events).toEqual([]);
    expect(run(s, facilitator, move(d, 'down')).events).toEqual([]);
    expect(candidatesInOrder(s.state).map((x) => x.id)).toEqual([a, c, b, d]);
  });

  it('[DC6] removing a candidate is allowed while votes are open: its dots leave every ballot, it leaves the ranking, its ballots and the pick', () => {
    const { s, alice, bob, a, b, c } = ranking(true);
    run(s, alice, rank(c, a));
    run(s, bob, rank(c));
    run(s, facilitator, { type: 'removeCandidate', candidateId: c });
    expect(s.state.candidates![c]).toBeUndefined();
    expect(s.state.candidateOrder).not.toContain(c);
    expect(s.state.ranking!.items).toEqual([a, b]);
    // Alice's ballot closes up; Bob's, left empty, goes
    expect(s.state.rankings).toEqual({ [alice.participantId]: [a] });
    expect(s.state.shortlistPick!.candidateIds).toEqual([a, b]);
    // Carol had dots on C only: her ballot goes
    expect(Object.keys(s.state.dots!).sort()).toEqual(
      [alice.participantId, bob.participantId].sort(),
    );
    run(s, facilitator, { type: 'removeCandidate', candidateId: b });
    expect(s.state.shortlistPick).toBeUndefined();
    refuse(s, facilitator, { type: 'removeCandidate', candidateId: c }, 'UNKNOWN_CANDIDATE');
  });

  it('[DC6] removing a candidate while the dot vote is open frees its dots', () => {
    const { s, alice, a, b } = voting();
    run(s, alice, cast(a, 2));
    run(s, alice, cast(b, 2));
    refuse(s, alice, cast(a, 0 + 3), 'OVER_DOT_CAP');
    run(s, facilitator, { type: 'removeCandidate', candidateId: b });
    expect(dotsOf(s.state, alice)).toEqual({ [a]: 2 });
    refuse(s, alice, cast(b, 1), 'UNKNOWN_CANDIDATE');
  });
});

describe('Décision: the dot vote', () => {
  it('[DC7] a vote opens on two or more candidates, one at a time, with a budget of a third of them (at least 3) and a cap of 2 unless told', () => {
    const s = newWorkshop();
    refuse(s, facilitator, { type: 'openDotVote' }, 'NOT_ENOUGH_CANDIDATES');
    addCandidate(s, 'Seule');
    refuse(s, facilitator, { type: 'openDotVote' }, 'NOT_ENOUGH_CANDIDATES');
    addCandidate(s, 'Deux');
    run(s, facilitator, { type: 'openDotVote' });
    expect(s.state.dotVote).toEqual({
      status: 'open',
      budget: 3,
      cap: 2,
      round: 1,
      revealed: false,
      peek: false,
      openedAt: s.ctx.now,
    });
    expect(s.state.dots).toEqual({});
    refuse(s, facilitator, { type: 'openDotVote' }, 'DOT_VOTE_EXISTS');
    run(s, facilitator, simple('cancelDotVote'));
    while (s.state.candidateOrder!.length < 14) addCandidate(s, 'Encore');
    run(s, facilitator, { type: 'openDotVote' });
    // 14 / 3 = 4.67 -> 5
    expect(s.state.dotVote).toMatchObject({ budget: 5, cap: 2, round: 2 });
    run(s, facilitator, simple('cancelDotVote'));
    for (const [budget, cap] of [
      [0, 2],
      [LIMITS.dotBudgetMax + 1, 2],
      [3, 0],
      [3, LIMITS.dotCapMax + 1],
      [2.5, 1],
    ]) {
      refuse(s, facilitator, { type: 'openDotVote', budget, cap }, 'BAD_DOT_RULES');
    }
    run(s, facilitator, { type: 'openDotVote', budget: LIMITS.dotBudgetMax, cap: 1 });
    expect(s.state.dotVote).toMatchObject({ budget: LIMITS.dotBudgetMax, cap: 1, round: 3 });
  });

  it('[DC8] only a participant still in the workshop places dots', () => {
    const { s, alice, bob, a } = voting();
    refuse(s, facilitator, cast(a, 1), 'NOT_ALLOWED');
    refuse(s, coFacilitator, cast(a, 1), 'NOT_ALLOWED');
    refuse(s, projector, cast(a, 1), 'NOT_ALLOWED');
    refuse(s, nobody, cast(a, 1), 'NOT_JOINED');
    run(s, facilitator, { type: 'removeParticipant', participantId: bob.participantId });
    refuse(s, bob, cast(a, 1), 'NOT_JOINED');
    run(s, alice, cast(a, 1));
    expect(dotsOf(s.state, alice)).toEqual({ [a]: 1 });
  });

  it('[DC9] a participant sets their count on one candidate, within the cap and, whole ballot, within the budget; a refusal changes nothing', () => {
    const { s, alice, bob, a, b, c } = voting();
    run(s, alice, cast(a, 2));
    refuse(s, alice, cast(b, 3), 'OVER_DOT_CAP');
    run(s, alice, cast(b, 2));
    // 4 of 4 spent: one more anywhere is over the budget
    refuse(s, alice, cast(c, 1), 'OVER_DOT_BUDGET');
    // moving a dot: take it off first, then place it
    run(s, alice, cast(b, 1));
    run(s, alice, cast(c, 1));
    expect(dotsOf(s.state, alice)).toEqual({ [a]: 2, [b]: 1, [c]: 1 });
    // lowering one's own count is never over the budget
    run(s, alice, cast(a, 1));
    run(s, alice, cast(a, 0));
    expect(dotsOf(s.state, alice)).toEqual({ [b]: 1, [c]: 1 });
    refuse(s, alice, cast(a, -1), 'BAD_REQUEST');
    refuse(s, alice, cast(a, 1.5), 'BAD_REQUEST');
    // each ballot is its own: Bob has his whole budget
    run(s, bob, cast(a, 2));
    run(s, bob, cast(b, 2));
    expect(dotTotals(s.state)).toEqual({
      [a]: 2,
      [b]: 3,
      [c]: 1,
      [s.state.candidateOrder![3]!]: 0,
    });
  });

  it('[DC10] dots go only on a candidate that exists, while the vote is open', () => {
    const { s, alice, a } = scene();
    refuse(s, alice, cast(a, 1), 'NO_DOT_VOTE');
    run(s, facilitator, { type: 'openDotVote' });
    refuse(s, alice, cast('nope', 1), 'UNKNOWN_CANDIDATE');
    refuse(s, alice, cast('__proto__', 1), 'UNKNOWN_CANDIDATE');
    run(s, facilitator, simple('closeDotVote'));
    refuse(s, alice, cast(a, 1), 'DOT_VOTE_CLOSED');
  });

  it('[DC11] sending the same count again changes nothing: the last change wins', () => {
    const { s, alice, a } = voting();
    expect(run(s, alice, cast(a, 2)).events).toHaveLength(1);
    expect(run(s, alice, cast(a, 2)).events).toEqual([]);
    expect(run(s, alice, cast(a, 0)).events).toHaveLength(1);
    expect(dotsOf(s.state, alice)).toBeUndefined();
    expect(run(s, alice, cast(a, 0)).events).toEqual([]);
  });

  it('[DC12] new rules are refused when a ballot already holds more than they allow; otherwise they apply, ballots untouched', () => {
    const { s, alice, bob, a, b } = voting();
    run(s, alice, cast(a, 2));
    run(s, alice, cast(b, 1));
    run(s, bob, cast(a, 1));
    const rules = (budget: number, cap: number): Command => ({ type: 'setDotRules', budget, cap });
    const tooFew = refuse(s, facilitator, rules(2, 2), 'DOT_RULES_TOO_TIGHT');
    expect(tooFew.message).toContain('more than 2 dots');
    const tooHigh = refuse(s, facilitator, rules(5, 1), 'DOT_RULES_TOO_TIGHT');
    expect(tooHigh.message).toContain('on one candidate');
    refuse(s, facilitator, rules(0, 1), 'BAD_DOT_RULES');
    refuse(s, alice, rules(9, 9), 'NOT_ALLOWED');
    run(s, facilitator, rules(3, 2));
    expect(s.state.dotVote).toMatchObject({ budget: 3, cap: 2 });
    expect(dotsOf(s.state, alice)).toEqual({ [a]: 2, [b]: 1 });
    expect(run(s, facilitator, rules(3, 2)).events).toEqual([]);
    run(s, facilitator, simple('cancelDotVote'));
    refuse(s, facilitator, rules(3, 2), 'NO_DOT_VOTE');
  });

  it('[DC13] closing keeps the ballots; reopening keeps them, hides the totals again and drops a pick; neither while a ranking stands', () => {
    const { s, alice, a, b, c } = voting();
    run(s, alice, cast(a, 2));
    s.ctx.advance();
    run(s, facilitator, simple('closeDotVote'));
    expect(s.state.dotVote).toMatchObject({ status: 'closed', closedAt: s.ctx.now });
    expect(run(s, facilitator, simple('closeDotVote')).events).toEqual([]);
    run(s, facilitator, simple('revealDotVote'));
    run(s, facilitator, { type: 'pickShortlist', candidateIds: [a, b, c] });
    run(s, facilitator, simple('reopenDotVote'));
    expect(s.state.dotVote).toMatchObject({ status: 'open', revealed: false });
    expect(s.state.dotVote!.closedAt).toBeUndefined();
    expect(s.state.shortlistPick).toBeUndefined();
    expect(dotsOf(s.state, alice)).toEqual({ [a]: 2 });
    expect(run(s, facilitator, simple('reopenDotVote')).events).toEqual([]);
    run(s, alice, cast(b, 1));
    run(s, facilitator, simple('closeDotVote'));
    run(s, facilitator, simple('openRanking'));
    refuse(s, facilitator, simple('reopenDotVote'), 'RANKING_EXISTS');
    refuse(s, facilitator, simple('cancelDotVote'), 'RANKING_EXISTS');
  });

  it('[DC14] cancelling drops every ballot, the vote and any pick; the next vote is a new round', () => {
    const { s, alice, bob, a, b } = voting();
    run(s, alice, cast(a, 2));
    run(s, bob, cast(b, 1));
    run(s, facilitator, simple('closeDotVote'));
    run(s, facilitator, { type: 'pickShortlist', candidateIds: [a, b] });
    run(s, facilitator, simple('cancelDotVote'));
    expect(s.state.dotVote).toBeUndefined();
    expect(s.state.dots).toBeUndefined();
    expect(s.state.shortlistPick).toBeUndefined();
    refuse(s, facilitator, simple('cancelDotVote'), 'NO_DOT_VOTE');
    run(s, facilitator, { type: 'openDotVote' });
    expect(s.state.dotVote!.round).toBe(2);
    expect(s.state.dots).toEqual({});
    expect(dotTotals(s.state)[a]).toBe(0);
  });

  it('[DC15] totals are revealed only once the vote is closed; peeking is a switch for the console; both need a vote', () => {
    const { s, alice } = scene();
    refuse(s, facilitator, simple('revealDotVote'), 'NO_DOT_VOTE');
    refuse(s, facilitator, { type: 'peekDotVote', on: true }, 'NO_DOT_VOTE');
    run(s, facilitator, { type: 'openDotVote' });
    refuse(s, facilitator, simple('revealDotVote'), 'DOT_VOTE_OPEN');
    run(s, coFacilitator, { type: 'peekDotVote', on: true });
    expect(s.state.dotVote!.peek).toBe(true);
    expect(run(s, facilitator, { type: 'peekDotVote', on: true }).events).toEqual([]);
    refuse(s, alice, { type: 'peekDotVote', on: false }, 'NOT_ALLOWED');
    run(s, facilitator, simple('closeDotVote'));
    refuse(s, alice, simple('revealDotVote'), 'NOT_ALLOWED');
    run(s, facilitator, simple('revealDotVote'));
    expect(s.state.dotVote!.revealed).toBe(true);
    expect(run(s, facilitator, simple('revealDotVote')).events).toEqual([]);
  });
});

describe('Décision: the shortlist', () => {
  it('[DC16] the shortlist has 2 to 10 places (4 unless set); a new size drops a pick; not while a ranking stands', () => {
    const { s, alice, a, b, c } = voting();
    expect(s.state.shortlistSize).toBeUndefined();
    for (const size of [1, 11, 2.5]) {
      refuse(s, facilitator, { type: 'setShortlist', size }, 'BAD_SHORTLIST');
    }
    refuse(s, alice, { type: 'setShortlist', size: 3 }, 'NOT_ALLOWED');
    expect(run(s, facilitator, { type: 'setShortlist', size: 4 }).events).toEqual([]);
    run(s, alice, cast(a, 1));
    run(s, alice, cast(b, 1));
    run(s, facilitator, simple('closeDotVote'));
    run(s, facilitator, { type: 'pickShortlist', candidateIds: [a, c] });
    run(s, facilitator, { type: 'setShortlist', size: 3 });
    expect(s.state.shortlistSize).toBe(3);
    expect(s.state.shortlistPick).toBeUndefined();
    run(s, facilitator, simple('openRanking'));
    refuse(s, facilitator, { type: 'setShortlist', size: 2 }, 'RANKING_EXISTS');
  });

  it('[DC17] once the vote is closed the shortlist is the top N by dots, every candidate tied at the cut going through', () => {
    const { s, alice, bob, a, b, c, d } = voting();
    run(s, alice, cast(a, 2));
    run(s, alice, cast(b, 1));
    run(s, bob, cast(c, 1));
    run(s, bob, cast(d, 1));
    // open: no shortlist yet
    expect(currentShortlist(s.state)).toEqual([]);
    run(s, facilitator, simple('closeDotVote'));
    run(s, facilitator, { type: 'setShortlist', size: 2 });
    // A 2, then B, C, D tied on 1 at the cut: all through
    expect(computedShortlist(s.state)).toEqual({
      candidateIds: [a, b, c, d],
      tiedAtCut: [b, c, d],
    });
    expect(currentShortlist(s.state)).toEqual([a, b, c, d]);
    run(s, facilitator, { type: 'setShortlist', size: 4 });
    expect(computedShortlist(s.state)).toEqual({ candidateIds: [a, b, c, d], tiedAtCut: [] });
  });

  it('[DC18] the facilitator may pick the shortlist once the vote is closed: the choice is kept with what the rule gave and the tie it broke', () => {
    const { s, alice, bob, a, b, c, d } = voting();
    const pick = (...candidateIds: string[]): Command => ({ type: 'pickShortlist', candidateIds });
    refuse(s, facilitator, pick(a, b), 'DOT_VOTE_OPEN');
    run(s, alice, cast(a, 2));
    run(s, alice, cast(b, 1));
    run(s, bob, cast(c, 1));
    run(s, facilitator, simple('closeDotVote'));
    run(s, facilitator, { type: 'setShortlist', size: 2 });
    refuse(s, facilitator, pick(a), 'BAD_SHORTLIST');
    refuse(s, facilitator, pick(a, a), 'BAD_SHORTLIST');
    refuse(s, facilitator, pick(a, 'nope'), 'UNKNOWN_CANDIDATE');
    refuse(s, alice, pick(a, b), 'NOT_ALLOWED');
    s.ctx.advance();
    run(s, facilitator, pick(a, c));
    expect(s.state.shortlistPick).toEqual({
      candidateIds: [a, c],
      computed: [a, b, c],
      tiedAtCut: [b, c],
      at: s.ctx.now,
    });
    expect(currentShortlist(s.state)).toEqual([a, c]);
    // an empty pick hands the shortlist back to the rule
    run(s, facilitator, pick());
    expect(s.state.shortlistPick).toBeUndefined();
    expect(currentShortlist(s.state)).toEqual([a, b, c]);
    expect(run(s, facilitator, pick()).events).toEqual([]);
    void d;
  });
});

describe('Décision: the ranking', () => {
  it('[DC19] a ranking opens on the shortlist once the dot vote is closed, one at a time, with two or more items', () => {
    const { s, alice, a, b } = scene();
    refuse(s, facilitator, simple('openRanking'), 'NO_DOT_VOTE');
    run(s, facilitator, { type: 'openDotVote' });
    refuse(s, facilitator, simple('openRanking'), 'DOT_VOTE_OPEN');
    run(s, alice, cast(a, 1));
    run(s, facilitator, simple('closeDotVote'));
    // only A has a dot: a shortlist of one
    refuse(s, facilitator, simple('openRanking'), 'BAD_SHORTLIST');
    run(s, facilitator, simple('reopenDotVote'));
    run(s, alice, cast(b, 2));
    run(s, facilitator, simple('closeDotVote'));
    refuse(s, alice, simple('openRanking'), 'NOT_ALLOWED');
    run(s, facilitator, simple('openRanking'));
    expect(s.state.ranking).toEqual({
      status: 'open',
      items: [b, a],
      revealed: false,
      round: 1,
      openedAt: s.ctx.now,
    });
    expect(s.state.rankings).toEqual({});
    refuse(s, facilitator, simple('openRanking'), 'RANKING_EXISTS');
    run(s, facilitator, simple('cancelRanking'));
    run(s, facilitator, {
      type: 'pickShortlist',
      candidateIds: [a, b, s.state.candidateOrder![2]!],
    });
    run(s, facilitator, simple('openRanking'));
    expect(s.state.ranking).toMatchObject({ items: [a, b, s.state.candidateOrder![2]!], round: 2 });
  });

  it('[DC20] a participant ranks items of the shortlist, each once, as many as they like, and may change or withdraw it', () => {
    const { s, alice, bob, a, b, c, d } = ranking(true);
    run(s, alice, rank(b));
    expect(s.state.rankings).toEqual({ [alice.participantId]: [b] });
    run(s, alice, rank(c, a, b));
    expect(s.state.rankings![alice.participantId]).toEqual([c, a, b]);
    expect(run(s, alice, rank(c, a, b)).events).toEqual([]);
    refuse(s, alice, rank(a, a), 'BAD_RANKING');
    refuse(s, alice, rank(a, d), 'BAD_RANKING');
    refuse(s, alice, rank('nope'), 'BAD_RANKING');
    refuse(s, facilitator, rank(a), 'NOT_ALLOWED');
    refuse(s, projector, rank(a), 'NOT_ALLOWED');
    refuse(s, nobody, rank(a), 'NOT_JOINED');
    run(s, bob, rank(a));
    run(s, alice, rank());
    expect(s.state.rankings).toEqual({ [bob.participantId]: [a] });
    run(s, facilitator, simple('closeRanking'));
    refuse(s, bob, rank(b), 'RANKING_CLOSED');
    run(s, facilitator, simple('cancelRanking'));
    refuse(s, bob, rank(b), 'NO_RANKING');
  });

  it('[DC21] closing, reopening (ballots kept, result hidden again), cancelling (ballots gone); the result is revealed only once closed', () => {
    const { s, alice, a, b } = ranking();
    run(s, alice, rank(b, a));
    refuse(s, facilitator, simple('revealRanking'), 'RANKING_OPEN');
    s.ctx.advance();
    run(s, facilitator, simple('closeRanking'));
    expect(s.state.ranking).toMatchObject({ status: 'closed', closedAt: s.ctx.now });
    expect(run(s, facilitator, simple('closeRanking')).events).toEqual([]);
    run(s, facilitator, simple('revealRanking'));
    expect(s.state.ranking!.revealed).toBe(true);
    expect(run(s, facilitator, simple('revealRanking')).events).toEqual([]);
    run(s, facilitator, simple('reopenRanking'));
    expect(s.state.ranking).toMatchObject({ status: 'open', revealed: false });
    expect(s.state.ranking!.closedAt).toBeUndefined();
    expect(s.state.rankings).toEqual({ [alice.participantId]: [b, a] });
    expect(run(s, facilitator, simple('reopenRanking')).events).toEqual([]);
    refuse(s, alice, simple('closeRanking'), 'NOT_ALLOWED');
    run(s, facilitator, simple('cancelRanking'));
    expect(s.state.ranking).toBeUndefined();
    expect(s.state.rankings).toBeUndefined();
    for (const type of [
      'closeRanking',
      'reopenRanking',
      'cancelRanking',
      'revealRanking',
    ] as const) {
      refuse(s, facilitator, simple(type), 'NO_RANKING');
    }
    // the dot vote can change again
    run(s, facilitator, simple('reopenDotVote'));
  });
});

describe('Décision: the priorities', () => {
  /** A revealed ranking: Alice C, A, B; Bob A; Carol C (partial ballots). Borda: C 4.5, A 3.5, B 1. */
  function revealed() {
    const sc = ranking(true);
    const { s, alice, bob, carol, a, b, c } = sc;
    run(s, facilitator, {
      type: 'editCandidate',
      candidateId: c,
      title: 'Proposition C',
      description: 'Pourquoi C',
    });
    run(s, alice, rank(c, a, b));
    run(s, bob, rank(a));
    run(s, carol, rank(c));
    run(s, facilitator, simple('closeRanking'));
    run(s, facilitator, simple('revealRanking'));
    void b;
    return sc;
  }

  it('[DC22] once the ranking is closed and revealed, its result becomes the priorities: one per item, in the result\u2019s order, copies of the candidates', () => {
    const { s, a, b, c } = ranking(true);
    refuse(s, facilitator, { type: 'adoptPriorities' }, 'RANKING_NOT_REVEALED');
    run(s, facilitator, simple('closeRanking'));
    refuse(s, facilitator, { type: 'adoptPriorities' }, 'RANKING_NOT_REVEALED');
    run(s, facilitator, simple('cancelRanking'));
    refuse(s, facilitator, { type: 'adoptPriorities' }, 'NO_RANKING');
    const sc = revealed();
    // Borda over n = 3: Alice C 2, A 1, B 0; Bob A 2, B and C share 1 -> 0.5 each; Carol C 2,
    // A and B 0.5 each. C 4.5, A 3.5, B 1.
    expect(rankingOrder(sc.s.state)).toEqual([sc.c, sc.a, sc.b]);
    refuse(sc.s, sc.alice, { type: 'adoptPriorities' }, 'NOT_ALLOWED');
    run(sc.s, facilitator, { type: 'adoptPriorities' });
    const list = prioritiesInOrder(sc.s.state);
    expect(list.map((p) => [p.candidateId, p.rank, p.title])).toEqual([
      [sc.c, 1, 'Proposition C'],
      [sc.a, 2, 'Proposition A'],
      [sc.b, 3, 'Proposition B'],
    ]);
    expect(list[0]).toEqual({
      id: list[0]!.id,
      candidateId: sc.c,
      rank: 1,
      title: 'Proposition C',
      description: 'Pourquoi C',
      sources: [],
      owner: '',
      nextStep: '',
      horizon: '',
      status: 'proposed',
      moves: [],
      createdAt: sc.s.ctx.now,
    });
    // copies: the candidate can change or go, the priority stays
    run(sc.s, facilitator, { type: 'removeCandidate', candidateId: sc.c });
    expect(prioritiesInOrder(sc.s.state)[0]!.title).toBe('Proposition C');
    void [a, b, c];
  });

  it('[DC23] adopting again is refused while priorities exist, unless told to replace them', () => {
    const { s } = revealed();
    run(s, facilitator, { type: 'adoptPriorities' });
    const first = s.state.priorityOrder!;
    refuse(s, facilitator, { type: 'adoptPriorities' }, 'PRIORITIES_EXIST');
    refuse(s, facilitator, { type: 'adoptPriorities', replace: false }, 'PRIORITIES_EXIST');
    run(s, facilitator, { type: 'adoptPriorities', replace: true });
    expect(s.state.priorityOrder).toHaveLength(3);
    for (const id of first) expect(s.state.priorities![id]).toBeUndefined();
    // once all are removed, adopting needs no flag
    for (const id of s.state.priorityOrder!) {
      run(s, facilitator, { type: 'removePriority', priorityId: id });
    }
    run(s, facilitator, { type: 'adoptPriorities' });
  });

  it('[DC24] each field of a priority can be edited, the others staying; checked lengths and statuses; no change, no event', () => {
    const { s, alice } = revealed();
    run(s, facilitator, { type: 'adoptPriorities' });
    const id = s.state.priorityOrder![0]!;
    const edit = (fields: Partial<CommandOf<'editPriority'>>): Command => ({
      type: 'editPriority',
      priorityId: id,
      ...fields,
    });
    s.ctx.advance();
    run(
      s,
      coFacilitator,
      edit({ owner: ' Équipe  qualité ', horizon: 'Printemps 2027', status: 'committed' }),
    );
    expect(s.state.priorities![id]).toMatchObject({
      title: 'Proposition C',
      description: 'Pourquoi C',
      owner: 'Équipe qualité',
      horizon: 'Printemps 2027',
      nextStep: '',
      status: 'committed',
      updatedAt: s.ctx.now,
    });
    run(s, facilitator, edit({ title: 'Titre', description: 'Plus\nlong', nextStep: 'Réunir' }));
    expect(s.state.priorities![id]).toMatchObject({
      title: 'Titre',
      description: 'Plus\nlong',
      nextStep: 'Réunir',
      owner: 'Équipe qualité',
    });
    expect(run(s, facilitator, edit({ title: 'Titre', status: 'committed' })).events).toEqual([]);
    expect(run(s, facilitator, edit({})).events).toEqual([]);
    refuse(s, facilitator, edit({ title: ' ' }), 'EMPTY_TEXT');
    refuse(
      s,
      facilitator,
      edit({ horizon: 'x'.repeat(LIMITS.priorityHorizonLength + 1) }),
      'TEXT_TOO_LONG',
    );
    refuse(
      s,
      facilitator,
      edit({ owner: 'x'.repeat(LIMITS.priorityOwnerLength + 1) }),
      'TEXT_TOO_LONG',
    );
    refuse(
      s,
      facilitator,
      edit({ nextStep: 'x'.repeat(LIMITS.priorityNextStepLength + 1) }),
      'TEXT_TOO_LONG',
    );
    refuse(s, facilitator, edit({ status: 'maybe' as never }), 'BAD_REQUEST');
    refuse(s, alice, edit({ owner: 'Moi' }), 'NOT_ALLOWED');
    refuse(s, facilitator, { ...edit({}), priorityId: 'nope' } as Command, 'UNKNOWN_PRIORITY');
    // empty owner, horizon and next step are allowed again
    run(s, facilitator, edit({ owner: '', horizon: '', nextStep: '' }));
    expect(s.state.priorities![id]).toMatchObject({ owner: '', horizon: '', nextStep: '' });
    for (const status of ['proposed', 'in progress', 'done', 'dropped'] as const) {
      run(s, facilitator, edit({ status }));
      expect(s.state.priorities![id]!.status).toBe(status);
    }
  });

  it('[DC25] moving a priority needs a reason, kept with the move in its history; at the ends nothing moves', () => {
    const { s, alice } = revealed();
    run(s, facilitator, { type: 'adoptPriorities' });
    const [p1, p2, p3] = s.state.priorityOrder!;
    const move = (priorityId: string, direction: 'up' | 'down', reason: string): Command => ({
      type: 'movePriority',
      priorityId,
      direction,
      reason,
    });
    refuse(s, facilitator, move(p2!, 'up', '  '), 'REASON_REQUIRED');
    refuse(
      s,
      facilitator,
      move(p2!, 'up', 'x'.repeat(LIMITS.moveReasonLength + 1)),
      'TEXT_TOO_LONG',
    );
    refuse(s, alice, move(p2!, 'up', 'Parce que'), 'NOT_ALLOWED');
    s.ctx.advance();
    run(s, facilitator, move(p2!, 'up', ' Plus facile à lancer '));
    expect(s.state.priorityOrder).toEqual([p2, p1, p3]);
    expect(s.state.priorities![p2!]!.moves).toEqual([
      { from: 2, to: 1, reason: 'Plus facile à lancer', at: s.ctx.now },
    ]);
    expect(s.state.priorities![p2!]!.rank).toBe(2);
    expect(run(s, facilitator, move(p2!, 'up', 'Encore')).events).toEqual([]);
    expect(run(s, facilitator, move(p3!, 'down', 'Encore')).events).toEqual([]);
    expect(s.state.priorities![p2!]!.moves).toHaveLength(1);
    run(s, facilitator, move(p2!, 'down', 'Finalement non'));
    expect(s.state.priorityOrder).toEqual([p1, p2, p3]);
    expect(s.state.priorities![p2!]!.moves.map((m) => [m.from, m.to])).toEqual([
      [2, 1],
      [1, 2],
    ]);
  });

  it('[DC26] a priority can be removed; an unknown one is refused', () => {
    const { s, alice } = revealed();
    run(s, facilitator, { type: 'adoptPriorities' });
    const [p1, p2, p3] = s.state.priorityOrder!;
    refuse(s, alice, { type: 'removePriority', priorityId: p1! }, 'NOT_ALLOWED');
    run(s, facilitator, { type: 'removePriority', priorityId: p2! });
    expect(s.state.priorityOrder).toEqual([p1, p3]);
    expect(s.state.priorities![p2!]).toBeUndefined();
    refuse(s, facilitator, { type: 'removePriority', priorityId: p2! }, 'UNKNOWN_PRIORITY');
    refuse(s, facilitator, { type: 'removePriority', priorityId: '__proto__' }, 'UNKNOWN_PRIORITY');
  });
});

describe('Décision: who leaves, events and invariants', () => {
  it('[DC27] a removed participant\u2019s dots and ranking ballot go with them', () => {
    const { s, alice, bob, a, b } = ranking();
    const dotsBefore = dotTotals(s.state);
    expect(dotsBefore).toMatchObject({ [a]: 4, [b]: 3 });
    run(s, alice, rank(b, a));
    run(s, bob, rank(a));
    run(s, facilitator, { type: 'removeParticipant', participantId: alice.participantId });
    expect(s.state.dots![alice.participantId]).toBeUndefined();
    expect(s.state.rankings).toEqual({ [bob.participantId]: [a] });
    expect(dotTotals(s.state)).toMatchObject({ [a]: 2, [b]: 2 });
  });

  it('[DC29] replaying a whole Décision gives its state; apply leaves what it is given alone', () => {
    const { s, alice, bob, carol, a, b, c } = ranking(true);
    run(s, alice, rank(c, a));
    run(s, bob, rank(b, a, c));
    run(s, carol, rank(a));
    run(s, facilitator, { type: 'removeParticipant', participantId: carol.participantId });
    run(s, facilitator, { type: 'moveCandidate', candidateId: b, direction: 'up' });
    run(s, facilitator, simple('closeRanking'));
    run(s, facilitator, simple('revealRanking'));
    run(s, facilitator, { type: 'adoptPriorities' });
    const [p1, p2] = s.state.priorityOrder!;
    run(s, facilitator, { type: 'editPriority', priorityId: p1!, owner: 'Alice', status: 'done' });
    run(s, facilitator, { type: 'movePriority', priorityId: p2!, direction: 'up', reason: 'Oui' });
    run(s, facilitator, { type: 'removeCandidate', candidateId: a });
    run(s, facilitator, { type: 'removePriority', priorityId: p1! });
    run(s, facilitator, simple('cancelRanking'));
    run(s, facilitator, simple('cancelDotVote'));
    // run() froze every state: apply never changed one in place
    const replayed = s.events.reduce<Workshop | null>((state, e) => apply(state, e), null);
    expect(replayed).toEqual(s.state);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(s.state));
  });

  it('[DC29] checkInvariants reports broken ballots, lists and priorities', () => {
    const { s, alice, bob, a, b, c } = ranking(true);
    run(s, alice, rank(a, b));
    const base = s.state;
    const broken = (patch: Partial<Workshop>) => checkInvariants({ ...base, ...patch });
    const alicesDots = base.dots![alice.participantId]!;
    expect(
      broken({ dots: { ...base.dots, [alice.participantId]: { ...alicesDots, [a]: 3 } } }),
    ).toEqual([`dots of ${alice.participantId} over the cap on ${a}`]);
    expect(
      broken({ dots: { ...base.dots, [alice.participantId]: { [a]: 2, [b]: 2, [c]: 1 } } }),
    ).toEqual([`dots of ${alice.participantId} over the budget`]);
    expect(broken({ dots: { ...base.dots, ghost: { [a]: 1 } } })).toEqual([
      'dots of ghost, who is not in the workshop',
    ]);
    expect(broken({ dots: { ...base.dots, [bob.participantId]: {} } })).toEqual([
      `an empty dot ballot is kept for ${bob.participantId}`,
    ]);
    expect(broken({ dots: { ...base.dots, [bob.participantId]: { nope: 1 } } })).toEqual([
      `dots of ${bob.participantId} on missing nope`,
    ]);
    expect(broken({ dots: { ...base.dots, [bob.participantId]: { [a]: 0 } } })).toEqual([
      `dots of ${bob.participantId} on ${a}: 0`,
    ]);
    expect(broken({ rankings: { [bob.participantId]: [a, a] } })).toEqual([
      `ranking of ${bob.participantId} lists one twice`,
    ]);
    expect(broken({ rankings: { [bob.participantId]: [] } })).toEqual([
      `an empty ranking is kept for ${bob.participantId}`,
    ]);
    const d = base.candidateOrder![3]!;
    expect(broken({ rankings: { [bob.participantId]: [d] } })).toEqual([
      `ranking of ${bob.participantId} lists ${d}, no item`,
    ]);
    expect(broken({ candidateOrder: [a, b, c] })).toEqual([`candidate ${d} is in no order`]);
    expect(broken({ candidateOrder: [a, b, c, d, a] })).toEqual(['a candidate is listed twice']);
    expect(broken({ ranking: { ...base.ranking!, revealed: true } })).toEqual([
      'an open ranking revealed',
    ]);
    expect(broken({ dotVote: { ...base.dotVote!, status: 'open' } })).toEqual([
      'a shortlist pick without a closed vote',
      'a ranking without a closed dot vote',
    ]);
    const withoutVote = { ...base };
    delete withoutVote.dotVote;
    delete withoutVote.shortlistPick;
    delete withoutVote.ranking;
    delete withoutVote.rankings;
    expect(checkInvariants(withoutVote)).toEqual(['dots without a vote']);
    expect(broken({ shortlistSize: 11 })).toEqual(['shortlist size out of range']);
    const priority = {
      id: 'p1',
      candidateId: a,
      rank: 1,
      title: 'P',
      description: '',
      sources: [],
      owner: '',
      nextStep: '',
      horizon: '',
      status: 'proposed' as const,
      moves: [],
      createdAt: 0,
    };
    expect(broken({ priorities: { p1: priority }, priorityOrder: ['p1'] })).toEqual([]);
    expect(broken({ priorities: { p1: priority }, priorityOrder: [] })).toEqual([
      'priority p1 is in no order',
    ]);
    expect(broken({ priorities: {}, priorityOrder: ['p1'] })).toEqual([
      'the order lists missing priority p1',
    ]);
    const odd = {
      ...priority,
      status: 'maybe' as never,
      moves: [{ from: 1, to: 2, reason: ' ', at: 0 }],
    };
    expect(broken({ priorities: { p1: odd }, priorityOrder: ['p1'] })).toEqual([
      'priority p1 has an unknown status',
      'priority p1 moved, no reason',
    ]);
  });
});

/** Run random Décision steps; return the event types that happened. */
function runDecision(steps: Step[], seen: Map<string, number>): void {
  const ctx = testContext();
  const created = execute(null, nobody, createCommand({ sectors: ['A', 'B'] }), ctx);
  if (!created.ok) throw new Error('the workshop could not be created');
  let state = deepFreeze(created.value.state);
  const events: WorkshopEvent[] = [...created.value.decision.events];
  const trail: string[] = [];
  for (const s of steps) {
    ctx.advance(1000);
    const actor = actorFor(state, s);
    const command = commandFor(state, s);
    const before = JSON.stringify(state);
    const result = execute(state, actor, command, ctx);
    trail.push(
      `${actor.role} ${JSON.stringify(command)} → ${result.ok ? 'ok' : result.error.code}`,
    );
    const where = () => `\nafter:\n${trail.slice(-12).join('\n')}`;
    if (!result.ok) {
      expect(Object.hasOwn(ERRORS, result.error.code), result.error.code).toBe(true);
      expect(JSON.stringify(state), `a refusal changed the state${where()}`).toBe(before);
      continue;
    }
    expect(checkInvariants(result.value.state), `broken rules${where()}`).toEqual([]);
    for (const e of result.value.decision.events) seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
    events.push(...result.value.decision.events);
    state = deepFreeze(result.value.state);
  }
  const replayed = events.reduce<Workshop | null>((w, e) => apply(w, e), null);
  expect(replayed).toEqual(state);
}

describe('Décision: random sequences (model-based)', () => {
  it('[DC29] long random Décision sequences from every role keep every invariant, a refusal changes nothing, the events replay to the same state, and every Décision event happens', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(decisionStep, { minLength: 60, maxLength: 160 }), (steps) => {
        runDecision(steps, seen);
      }),
      { numRuns: 200 },
    );
    // each happens dozens of times in 200 runs: none missing means the runs reach every step
    const expected = [...DECISION_EVENT_TYPES, 'participantRemoved'];

    expect(expected.filter((type) => !seen.has(type))).toEqual([]);
  });
});

describe('Décision on the wire', () => {
  it('[DC30] every Décision command parses, with its fields checked before the domain sees it', () => {
    const good: unknown[] = [
      { type: 'addCandidate', title: 'T', description: '', sources: [{ kind: 'theme', id: 't1' }] },
      { type: 'editCandidate', candidateId: 'c1', title: 'T', description: 'D' },
      { type: 'removeCandidate', candidateId: 'c1' },
      { type: 'moveCandidate', candidateId: 'c1', direction: 'up' },
      { type: 'openDotVote' },
      { type: 'openDotVote', budget: 5, cap: 1 },
      { type: 'setDotRules', budget: 5, cap: 2 },
      { type: 'castDots', candidateId: 'c1', dots: 0 },
      { type: 'closeDotVote' },
      { type: 'reopenDotVote' },
      { type: 'cancelDotVote' },
      { type: 'revealDotVote' },
      { type: 'peekDotVote', on: true },
      { type: 'setShortlist', size: 3 },
      { type: 'pickShortlist', candidateIds: [] },
      { type: 'openRanking' },
      { type: 'submitRanking', order: ['c1', 'c2'] },
      { type: 'closeRanking' },
      { type: 'reopenRanking' },
      { type: 'cancelRanking' },
      { type: 'revealRanking' },
      { type: 'adoptPriorities', replace: true },
      { type: 'editPriority', priorityId: 'p1', status: 'in progress', horizon: 'Été' },
      { type: 'movePriority', priorityId: 'p1', direction: 'down', reason: 'Parce que' },
      { type: 'removePriority', priorityId: 'p1' },
    ];
    for (const command of good)
      expect(parseCommand(command).success, JSON.stringify(command)).toBe(true);
    const bad: unknown[] = [
      { type: 'addCandidate', title: 'T', description: '', sources: [{ kind: 'board', id: 't1' }] },
      { type: 'addCandidate', title: 'T', sources: [] },
      { type: 'castDots', candidateId: 'c1', dots: 1.5 },
      { type: 'castDots', candidateId: 'c1', dots: -1 },
      { type: 'castDots', candidateId: 'c1', dots: '1' },
      { type: 'castDots', candidateId: 'c1', dots: 1, participantId: 'someone' },
      { type: 'openDotVote', budget: 1e9 },
      { type: 'submitRanking', order: 'c1' },
      { type: 'submitRanking', order: ['bad id!'] },
      { type: 'editPriority', priorityId: 'p1', status: 'maybe' },
      { type: 'movePriority', priorityId: 'p1', direction: 'left', reason: 'x' },
      { type: 'adoptPriorities', replace: 'yes' },
      { type: 'peekDotVote' },
    ];
    for (const command of bad)
      expect(parseCommand(command).success, JSON.stringify(command)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { project } from '../../server/projection';
import {
  apply,
  checkInvariants,
  columnSectorCounts,
  execute,
  shownGroups,
  themeSectors,
  type Command,
  type NoteId,
  type SectorId,
  type Workshop,
} from '../../src/lib/domain/index';
import {
  boardOf,
  cmd,
  columnOf,
  facilitator,
  join,
  newWorkshop,
  postNote,
  refuse,
  run,
  type ParticipantActor,
  type Session,
} from './helpers';

const SECTORS = ['Clinique', 'Communautaire', 'Santé publique', 'Patient partenaire'];

const setting = (boardId: string, name: string, value: boolean) =>
  ({ type: 'setBoardSetting', boardId, setting: name, value }) as Command;
const move = (noteIds: string[], themeId: string | null) =>
  ({ type: 'moveNotes', noteIds, themeId }) as Command;

/** A room: `clinic` and `community` people in those sectors, one patient partner if asked. */
function room(clinic: number, community: number, patient = 0, notSaid = 0) {
  const s = newWorkshop({ sectors: SECTORS });
  const [c, o, , p] = s.state.sectors.map((x) => x.id);
  const people = (n: number, sector: SectorId | null, name: string) =>
    Array.from({ length: n }, (_, i) => join(s, `${name}${i + 1}`, { sector }));
  return {
    s,
    ids: { clinic: c!, community: o!, patient: p! },
    clinic: people(clinic, c!, 'C'),
    community: people(community, o!, 'O'),
    patient: people(patient, p!, 'P'),
    notSaid: people(notSaid, null, 'N'),
  };
}

function themed(s: Session, noteIds: string[] = [], actor = facilitator): string {
  const boardId = boardOf(s.state, 'define').id;
  return run(s, actor, { type: 'createTheme', boardId, title: 'Thème', noteIds } as Command).reply!
    .themeId!;
}

const notesBy = (s: Session, people: ParticipantActor[], text: string) =>
  people.map((p) => postNote(s, p, 'define', `${text} ${p.participantId}`));

describe('privacy and small groups', () => {
  it('[K1] sectors of three present people show as themselves; smaller ones and "not said" merge into other', () => {
    const r = room(3, 2, 0, 1);
    const groups = shownGroups(r.s.state);
    expect(groups.order).toEqual([r.ids.clinic, 'other']);
    expect(groups.dropped).toBe(false);
    expect(r.clinic.map((p) => groups.groupOf.get(p.participantId))).toEqual(
      Array(3).fill(r.ids.clinic),
    );
    expect(groups.groupOf.get(r.community[0]!.participantId)).toBe('other');
    expect(groups.groupOf.get(r.notSaid[0]!.participantId)).toBe('other');
    // three people who prefer not to say are a group of their own
    const t = room(0, 0, 0, 3);
    expect(shownGroups(t.s.state).order).toEqual(['none']);
    // removed people count nowhere: the clinic falls to two, and merges
    run(r.s, facilitator, {
      type: 'removeParticipant',
      participantId: r.clinic[0]!.participantId,
    } as Command);
    const after = shownGroups(r.s.state);
    expect(after.order).toEqual(['other']);
    expect(after.groupOf.has(r.clinic[0]!.participantId)).toBe(false);
    expect(after.groupOf.get(r.clinic[1]!.participantId)).toBe('other');
  });

  it('[K2] an "other" of fewer than three people is shown nowhere: one patient partner is never "other 1"', () => {
    const r = room(3, 3, 1);
    const groups = shownGroups(r.s.state);
    expect(groups.dropped).toBe(true);
    expect(groups.order).toEqual([r.ids.clinic, r.ids.community]);
    expect(groups.groupOf.has(r.patient[0]!.participantId)).toBe(false);
    const notes = [...notesBy(r.s, [...r.clinic, ...r.patient], 'n')];
    const t = themed(r.s, notes);
    expect(themeSectors(r.s.state, t)).toEqual([{ sector: r.ids.clinic, people: 3 }]);
    const views = project(r.s.state, new Set(), []);
    for (const view of [views.public, views.facilitator]) {
      expect(view.themes[t]!.sectors).toEqual([{ sector: r.ids.clinic, people: 3 }]);
    }
  });

  it('[K3] an anonymous board carries no per-sector figure in any replica', () => {
    const r = room(3, 3);
    const board = boardOf(r.s.state, 'define').id;
    run(r.s, facilitator, setting(board, 'anonymous', true));
    const notes = notesBy(r.s, [...r.clinic, ...r.community], 'anon');
    const t = themed(r.s, notes);
    expect(themeSectors(r.s.state, t)).toEqual([]);
    expect(columnSectorCounts(r.s.state, board)).toBeUndefined();
    const views = project(r.s.state, new Set(), []);
    expect(views.facilitator.boards[board]!.sectorCounts).toBeUndefined();
    expect(views.public.themes[t]!.sectors).toEqual([]);
    expect(views.facilitator.themes[t]!.sectors).toEqual([]);
    // another board of the same room keeps its figures
    const other = boardOf(r.s.state, 'discover').id;
    expect(views.facilitator.boards[other]!.sectorCounts).toEqual({});
  });

  it('[K4] a note written anonymously stays anonymous after the setting is lifted, and after edits', () => {
    const r = room(3, 0);
    const board = boardOf(r.s.state, 'define').id;
    run(r.s, facilitator, setting(board, 'anonymous', true));
    const [alice] = r.clinic;
    const secret = postNote(r.s, alice!, 'define', 'écrit sans nom');
    expect(r.s.state.notes[secret]!.anonymous).toBe(true);
    run(r.s, facilitator, setting(board, 'anonymous', false));
    run(r.s, alice!, cmd.editNote(secret, 'écrit sans nom, corrigé'));
    expect(r.s.state.notes[secret]!.anonymous).toBe(true);
    const named = postNote(r.s, alice!, 'define', 'écrit sous mon nom');
    expect(r.s.state.notes[named]!.anonymous).toBeUndefined();
    const views = project(r.s.state, new Set(), [alice!.participantId]);
    const view = views.facilitator.notes[secret]!;
    expect(view.authorId).toBeUndefined();
    expect(view.authorName).toBeUndefined();
    expect(view.anonymous).toBe(true);
    expect(views.facilitator.notes[named]!.authorId).toBe(alice!.participantId);
    // its author still finds it among their own notes
    expect(Object.keys(views.private.get(alice!.participantId)!.notes).sort()).toEqual(
      [secret, named].sort(),
    );
  });

  it('[K4] notes written anonymously count in no per-sector figure once the board is named again', () => {
    const r = room(3, 0);
    const board = boardOf(r.s.state, 'define').id;
    const column = columnOf(r.s.state, 'define').id;
    run(r.s, facilitator, setting(board, 'anonymous', true));
    const anonymous = notesBy(r.s, r.clinic, 'anon');
    run(r.s, facilitator, setting(board, 'anonymous', false));
    const t = themed(r.s, anonymous);
    expect(themeSectors(r.s.state, t)).toEqual([]);
    expect(columnSectorCounts(r.s.state, board)).toEqual({});
    const named = notesBy(r.s, r.clinic, 'named');
    run(r.s, facilitator, move(named, t));
    expect(themeSectors(r.s.state, t)).toEqual([{ sector: r.ids.clinic, people: 3 }]);
    expect(columnSectorCounts(r.s.state, board)).toEqual({ [column]: { [r.ids.clinic]: 3 } });
  });

  it('[K10] a note added to an anonymous board is anonymous whatever its event says: a log written before notes carried the flag names nobody once the setting is lifted', () => {
    const r = room(3, 0);
    const board = boardOf(r.s.state, 'define').id;
    run(r.s, facilitator, setting(board, 'anonymous', true));
    const [alice] = r.clinic;
    const secret = postNote(r.s, alice!, 'define', 'écrit sans nom');
    // the same events as an older server stored them: the note itself says nothing of anonymity
    let replayed: Workshop | null = null;
    for (const event of r.s.events) {
      if (event.type !== 'noteAdded') replayed = apply(replayed, event);
      else {
        const note = { ...event.note };
        delete note.anonymous;
        replayed = apply(replayed, { ...event, note });
      }
    }
    expect(replayed!.notes[secret]!.anonymous).toBe(true);
    const lifted = execute(replayed, facilitator, setting(board, 'anonymous', false), r.s.ctx);
    if (!lifted.ok) throw new Error(lifted.error.code);
    const view = project(lifted.value.state, new Set(), []).facilitator.notes[secret]!;
    expect(view.authorId).toBeUndefined();
    expect(view.authorName).toBeUndefined();
    expect(view.anonymous).toBe(true);
  });

  it('[K13] a note edited while its board is anonymous stays anonymous: lifting the setting does not put a name on what was written under it', () => {
    const r = room(3, 0);
    const board = boardOf(r.s.state, 'define').id;
    const [alice] = r.clinic;
    const named = notesBy(r.s, r.clinic, 'sous mon nom');
    const t = themed(r.s, named);
    expect(themeSectors(r.s.state, t)).toEqual([{ sector: r.ids.clinic, people: 3 }]);
    run(r.s, facilitator, setting(board, 'anonymous', true));
    run(r.s, alice!, cmd.editNote(named[0]!, 'ce que je n’ose pas signer'));
    run(r.s, facilitator, setting(board, 'anonymous', false));
    const views = project(r.s.state, new Set(), [alice!.participantId]);
    const view = views.facilitator.notes[named[0]!]!;
    expect(view.text).toBe('ce que je n’ose pas signer');
    expect(view.authorId).toBeUndefined();
    expect(view.authorName).toBeUndefined();
    expect(view.anonymous).toBe(true);
    // the notes left alone keep their author; the edited one counts in no figure any more
    expect(views.facilitator.notes[named[1]!]!.authorId).toBe(r.clinic[1]!.participantId);
    expect(themeSectors(r.s.state, t)).toEqual([]);
    expect(Object.keys(views.private.get(alice!.participantId)!.notes)).toContain(named[0]!);
    // its author can still edit it, and it stays anonymous
    run(r.s, alice!, cmd.editNote(named[0]!, 'corrigé'));
    expect(r.s.state.notes[named[0]!]!.anonymous).toBe(true);
  });

  it('[K5] theme figures appear once three people of shown groups contributed; a dropped group and the facilitator never move them', () => {
    const r = room(3, 3, 1);
    const [c1, c2] = r.clinic;
    const [p] = r.patient;
    const byPatient = postNote(r.s, p!, 'define', 'la voix des patients');
    const byRoom = postNote(r.s, facilitator, 'define', 'note de la salle');
    const t = themed(r.s, [byPatient, byRoom]);
    expect(themeSectors(r.s.state, t)).toEqual([]);
    run(r.s, facilitator, move(notesBy(r.s, [c1!, c2!], 'c'), t));
    // two clinic people: still nothing, so a theme of the patient partner alone looks the same
    expect(themeSectors(r.s.state, t)).toEqual([]);
    run(r.s, facilitator, move(notesBy(r.s, [r.community[0]!], 'o'), t));
    const shown = [
      { sector: r.ids.clinic, people: 2 },
      { sector: r.ids.community, people: 1 },
    ];
    expect(themeSectors(r.s.state, t)).toEqual(shown);
    // the patient partner's note going out and back in changes no figure
    run(r.s, facilitator, move([byPatient], null));
    expect(themeSectors(r.s.state, t)).toEqual(shown);
    run(r.s, facilitator, move([byPatient], t));
    expect(themeSectors(r.s.state, t)).toEqual(shown);
    // one person's several notes count once
    run(r.s, facilitator, move([postNote(r.s, c1!, 'define', 'encore')], t));
    expect(themeSectors(r.s.state, t)).toEqual(shown);
  });

  it('[K11] late arrivals change no figure: two newcomers who lift a lone patient partner into an "other" of three do not show their earlier note', () => {
    const r = room(3, 0, 1);
    const [p] = r.patient;
    const board = boardOf(r.s.state, 'define').id;
    const t = themed(r.s, [
      ...notesBy(r.s, r.clinic, 'c'),
      postNote(r.s, p!, 'define', 'la voix des patients'),
    ]);
    const figures = () => {
      const views = project(r.s.state, new Set(), []);
      return [views.public.themes[t]!.sectors, views.facilitator.themes[t]!.sectors];
    };
    const before = figures();
    expect(before[0]).toEqual([{ sector: r.ids.clinic, people: 3 }]);
    expect(columnSectorCounts(r.s.state, board)).toBeUndefined();
    // two people of the small community sector, who write nothing: "other" now holds three
    join(r.s, 'O1', { sector: r.ids.community });
    join(r.s, 'N1');
    expect(shownGroups(r.s.state).order).toContain('other');
    expect(figures()).toEqual(before);
    // nobody is dropped now, but the board holds the partner's note from when they were alone:
    // its breakdown stays withheld (the column total minus the groups would be that note)
    expect(shownGroups(r.s.state).dropped).toBe(false);
    expect(columnSectorCounts(r.s.state, board)).toBeUndefined();
    expect(columnSectorCounts(r.s.state, boardOf(r.s.state, 'discover').id)).toEqual({});
    // what the partner writes now counts, in an "other" of three
    run(r.s, facilitator, move([postNote(r.s, p!, 'define', 'maintenant')], t));
    expect(themeSectors(r.s.state, t)).toEqual([
      { sector: r.ids.clinic, people: 3 },
      { sector: 'other', people: 1 },
    ]);
  });

  it('[K11] a newcomer who splits "other" does not show who in it had written', () => {
    const r = room(3, 2, 1);
    const [p] = r.patient;
    const [o1] = r.community;
    // other = one patient partner and two community people; the partner and one of them write
    const t = themed(r.s, [
      ...notesBy(r.s, r.clinic, 'c'),
      postNote(r.s, p!, 'define', 'patient'),
      postNote(r.s, o1!, 'define', 'communautaire'),
    ]);
    expect(themeSectors(r.s.state, t)).toEqual([
      { sector: r.ids.clinic, people: 3 },
      { sector: 'other', people: 2 },
    ]);
    // a third community person: community stands on its own, the partner is alone again. Had the
    // community note moved to "community 1", "other 2" becoming it would name the partner's.
    join(r.s, 'O3', { sector: r.ids.community });
    expect(themeSectors(r.s.state, t)).toEqual([{ sector: r.ids.clinic, people: 3 }]);
  });

  it('[K11] a removal takes out of the figures no one person: notes count as recorded, a group that shrinks under three steps out whole', () => {
    const r = room(5, 3, 1);
    const [, , c3, c4, c5] = r.clinic;
    const t = themed(r.s, [
      ...notesBy(r.s, [c3!, c4!, c5!], 'c'),
      ...notesBy(r.s, r.community, 'o'),
    ]);
    const shown = [
      { sector: r.ids.clinic, people: 3 },
      { sector: r.ids.community, people: 3 },
    ];
    expect(themeSectors(r.s.state, t)).toEqual(shown);
    const remove = (who: ParticipantActor) =>
      run(r.s, facilitator, {
        type: 'removeParticipant',
        participantId: who.participantId,
      } as Command);
    // the removed person wrote in the theme: the figure does not drop by one
    remove(c5!);
    expect(themeSectors(r.s.state, t)).toEqual(shown);
    remove(c4!);
    expect(themeSectors(r.s.state, t)).toEqual(shown);
    // the clinic is down to two present people: its notes step out together, and the two merge
    // with the lone patient partner into an "other" of three that shows none of their old notes
    remove(r.clinic[0]!);
    expect(shownGroups(r.s.state).order).toEqual([r.ids.community, 'other']);
    expect(themeSectors(r.s.state, t)).toEqual([{ sector: r.ids.community, people: 3 }]);
    // a clinician arriving late brings the clinic's notes back as they were
    join(r.s, 'C6', { sector: r.ids.clinic });
    expect(themeSectors(r.s.state, t)).toEqual(shown);
  });

  it('[K6] the room’s theme figures count only notes it may see: none for a hidden board until the reveal, none of a moderated note', () => {
    const r = room(3, 0);
    const board = boardOf(r.s.state, 'define').id;
    run(r.s, facilitator, setting(board, 'hidden', true));
    const notes = notesBy(r.s, r.clinic, 'caché');
    const t = themed(r.s, notes);
    let views = project(r.s.state, new Set(), []);
    expect(views.public.themes[t]!.sectors).toEqual([]);
    expect(views.public.themes[t]!.count).toBe(0);
    expect(views.facilitator.themes[t]!.sectors).toEqual([{ sector: r.ids.clinic, people: 3 }]);
    run(r.s, facilitator, setting(board, 'hidden', false));
    views = project(r.s.state, new Set(), []);
    expect(views.public.themes[t]!.sectors).toEqual([{ sector: r.ids.clinic, people: 3 }]);
    run(r.s, facilitator, { type: 'moderateNote', noteId: notes[0]!, moderated: true } as Command);
    views = project(r.s.state, new Set(), []);
    expect(views.public.themes[t]!.sectors).toEqual([]);
    expect(views.facilitator.themes[t]!.sectors).toEqual([{ sector: r.ids.clinic, people: 3 }]);
  });

  it('[K7] column sector counts are keyed by shown group, and left out on every board while a group is dropped', () => {
    const r = room(3, 2, 0, 1);
    const board = boardOf(r.s.state, 'define').id;
    const [first, second] = boardOf(r.s.state, 'define').columns.map((c) => c.id);
    notesBy(r.s, r.clinic, 'c');
    postNote(r.s, r.community[0]!, 'define', 'o', 1);
    postNote(r.s, r.notSaid[0]!, 'define', 'n', 1);
    postNote(r.s, facilitator, 'define', 'salle', 1);
    const moderated = postNote(r.s, r.community[1]!, 'define', 'hors sujet', 1);
    run(r.s, facilitator, { type: 'moderateNote', noteId: moderated, moderated: true } as Command);
    expect(columnSectorCounts(r.s.state, board)).toEqual({
      [first!]: { [r.ids.clinic]: 3 },
      [second!]: { other: 2, facilitator: 1 },
    });
    // with one patient partner alone in "other", every board's breakdown goes: the column total
    // minus the shown groups would be exactly their notes
    const lone = room(3, 3, 1);
    notesBy(lone.s, lone.clinic, 'c');
    const before = project(lone.s.state, new Set(), []);
    for (const b of Object.values(before.facilitator.boards)) {
      expect(b.sectorCounts).toBeUndefined();
    }
    // so the patient partner's note moves no per-sector figure on the console
    postNote(lone.s, lone.patient[0]!, 'define', 'la voix des patients');
    const after = project(lone.s.state, new Set(), []);
    for (const id of Object.keys(after.facilitator.boards)) {
      expect(after.facilitator.boards[id]!.sectorCounts).toBeUndefined();
      expect(after.public.boards[id]!.sectorCounts).toBeUndefined();
    }
  });

  it('[K8] a participant renames, merges away or deletes only the themes they created', () => {
    const r = room(3, 0);
    const [alice, bob] = r.clinic;
    const board = boardOf(r.s.state, 'define').id;
    const a = postNote(r.s, alice!, 'define', 'un');
    const b = postNote(r.s, bob!, 'define', 'deux');
    run(r.s, facilitator, setting(board, 'participantsGroup', true));
    const byRoom = themed(r.s, [a]);
    const byAlice = themed(r.s, [], alice);
    const byBob = themed(r.s, [b], bob);
    expect(r.s.state.themes![byAlice]!.createdBy).toBe(alice!.participantId);
    expect(r.s.state.themes![byRoom]!.createdBy).toBeUndefined();
    const rename = (themeId: string) => ({ type: 'renameTheme', themeId, title: 'X' }) as Command;
    const remove = (themeId: string) => ({ type: 'deleteTheme', themeId }) as Command;
    const merge = (themeId: string, otherThemeId: string) =>
      ({ type: 'mergeThemes', themeId, otherThemeId }) as Command;
    for (const other of [byRoom, byBob]) {
      refuse(r.s, alice!, remove(other), 'NOT_ALLOWED');
      refuse(r.s, alice!, rename(other), 'NOT_ALLOWED');
      refuse(r.s, alice!, merge(byAlice, other), 'NOT_ALLOWED');
    }
    // grouping stays open: notes move out of and into anyone's theme
    run(r.s, alice!, move([a], null));
    run(r.s, alice!, move([a], byBob));
    run(r.s, alice!, rename(byAlice));
    // merging their own theme into the room's only moves notes into it
    run(r.s, alice!, move([a], byAlice));
    run(r.s, alice!, merge(byRoom, byAlice));
    expect(r.s.state.notes[a]!.themeId).toBe(byRoom);
    const again = themed(r.s, [], alice);
    run(r.s, alice!, remove(again));
    // whoever runs the room changes any theme
    run(r.s, facilitator, rename(byBob));
    run(r.s, facilitator, remove(byBob));
    expect(r.s.state.notes[b]!.themeId).toBeUndefined();
  });
});

describe('invariants that commands keep', () => {
  it('[I5] removing a column frees the duplicates stacked on its notes', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const board = boardOf(s.state, 'define');
    const base = postNote(s, alice, 'define', 'base', 0);
    const dup = postNote(s, alice, 'define', 'doublon', 1);
    run(s, facilitator, { type: 'stackNote', noteId: dup, onto: base } as Command);
    run(s, facilitator, cmd.removeColumn(board.id, board.columns[0]!.id));
    expect(s.state.notes[base]).toBeUndefined();
    expect(s.state.notes[dup]!.stackedOn).toBeUndefined();
    expect(s.state.notes[dup]!.text).toBe('doublon');
  });

  it('[I6] merging a theme hands the links pointing at it to the surviving theme, once, never to itself', () => {
    const s = newWorkshop();
    const link = (themeId: string, answerId: string) =>
      run(s, facilitator, { type: 'linkThemes', themeId, answerId, linked: true } as Command);
    const [into, gone, barrier, both] = [themed(s), themed(s), themed(s), themed(s)];
    link(barrier, gone);
    link(both, gone);
    link(both, into);
    link(into, gone);
    run(s, facilitator, {
      type: 'mergeThemes',
      themeId: into,
      otherThemeId: gone,
    } as Command);
    const themes = s.state.themes!;
    expect(themes[gone]).toBeUndefined();
    expect(themes[barrier]!.answeredBy).toEqual([into]);
    expect(themes[both]!.answeredBy).toEqual([into]);
    expect(themes[into]!.answeredBy).toEqual([]);
  });

  it('[I7] a duplicate moved into a theme on its own leaves its stack, so it never counts in a theme other than its note’s', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const base = postNote(s, alice, 'define', 'base');
    const dup = postNote(s, alice, 'define', 'doublon');
    const other = postNote(s, alice, 'define', 'autre doublon');
    const t = themed(s, [base]);
    run(s, facilitator, { type: 'stackNote', noteId: dup, onto: base } as Command);
    run(s, facilitator, { type: 'stackNote', noteId: other, onto: base } as Command);
    expect(s.state.notes[dup]!.themeId).toBe(t);
    const elsewhere = themed(s);
    run(s, facilitator, move([dup], elsewhere));
    expect(s.state.notes[dup]!.stackedOn).toBeUndefined();
    expect(s.state.notes[dup]!.themeId).toBe(elsewhere);
    // out of every theme, alone: off the stack too
    run(s, facilitator, move([other], null));
    expect(s.state.notes[other]!.stackedOn).toBeUndefined();
    // a new theme made of a duplicate alone takes it off its stack; with its note, it stays on
    run(s, facilitator, { type: 'stackNote', noteId: other, onto: base } as Command);
    themed(s, [other]);
    expect(s.state.notes[other]!.stackedOn).toBeUndefined();
    run(s, facilitator, { type: 'stackNote', noteId: other, onto: base } as Command);
    const both = themed(s, [base, other]);
    expect(s.state.notes[other]!.stackedOn).toBe(base);
    expect(s.state.notes[other]!.themeId).toBe(both);
    // and a note of the stack moving with its note keeps its place
    run(s, facilitator, move([base, other], t));
    expect(s.state.notes[other]!.stackedOn).toBe(base);
    const split = {
      ...s.state,
      notes: { ...s.state.notes, [other]: { ...s.state.notes[other]!, themeId: elsewhere } },
    };
    expect(checkInvariants(split).join('\n')).toMatch(
      /another theme than the note it is stacked on/,
    );
  });

  it('[I2] [I3] [I4] checkInvariants reports broken stacks, theme references and links', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'un');
    const b = postNote(s, alice, 'define', 'deux');
    const elsewhere = postNote(s, facilitator, 'discover', 'ailleurs');
    const t = themed(s);
    const otherBoardTheme = run(s, facilitator, {
      type: 'createTheme',
      boardId: boardOf(s.state, 'discover').id,
      title: 'Ailleurs',
      noteIds: [],
    } as Command).reply!.themeId!;
    const withNote = (id: NoteId, patch: object) => ({
      ...s.state,
      notes: { ...s.state.notes, [id]: { ...s.state.notes[id]!, ...patch } },
    });
    const withTheme = (answeredBy: string[]) => ({
      ...s.state,
      themes: { ...s.state.themes, [t]: { ...s.state.themes![t]!, answeredBy } },
    });
    const broken = (state: typeof s.state) => checkInvariants(state).join('\n');
    expect(broken(withNote(a, { stackedOn: a }))).toMatch(/stacked on itself/);
    expect(broken(withNote(a, { stackedOn: 'gone' }))).toMatch(/stacked on a missing note/);
    expect(broken(withNote(a, { stackedOn: elsewhere }))).toMatch(/stacked elsewhere/);
    const c = postNote(s, alice, 'define', 'trois');
    const chain = withNote(a, { stackedOn: b });
    chain.notes[b] = { ...chain.notes[b]!, stackedOn: c };
    expect(broken(chain)).toMatch(/stacked on a stacked note/);
    expect(broken(withNote(a, { themeId: 'gone' }))).toMatch(/missing theme/);
    expect(broken(withNote(a, { themeId: otherBoardTheme }))).toMatch(/another board's theme/);
    expect(broken(withTheme(['gone']))).toMatch(/answered by a missing theme/);
    expect(broken(withTheme([t]))).toMatch(/answers itself/);
    expect(broken(withTheme([otherBoardTheme, otherBoardTheme]))).toMatch(/answered twice/);
    expect(checkInvariants(s.state)).toEqual([]);
  });

  it('[I8] checkInvariants reports a note counting in a group that is no group, or in a group with nobody to count', () => {
    const s = newWorkshop();
    const alice = join(s, 'Alice');
    const a = postNote(s, alice, 'define', 'un');
    const byRoom = postNote(s, facilitator, 'define', 'salle');
    const withNote = (id: NoteId, patch: object) => ({
      ...s.state,
      notes: { ...s.state.notes, [id]: { ...s.state.notes[id]!, ...patch } },
    });
    const broken = (state: typeof s.state) => checkInvariants(state).join('\n');
    expect(broken(withNote(a, { group: 'nowhere' }))).toMatch(/counts in an unknown group/);
    expect(broken(withNote(a, { group: 'other', anonymous: true }))).toMatch(/no participant/);
    expect(broken(withNote(byRoom, { group: 'none' }))).toMatch(/no participant/);
    expect(checkInvariants(withNote(a, { group: s.state.sectors[0]!.id }))).toEqual([]);
    expect(checkInvariants(withNote(a, { group: 'other' }))).toEqual([]);
  });
});

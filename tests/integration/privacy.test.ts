/**
 * Privacy read off the bytes of every replica: a workshop with one patient partner (a group too
 * small to show, alone in "other"), an anonymous board, and a hidden board with a theme.
 */
import { describe, expect, it } from 'vitest';
import type { ReplicaSnapshot } from '../../src/lib/protocol/replica';
import {
  bytesOf,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  sendOk,
  type TestReplica,
  useTestServer,
} from './helpers';

const server = useTestServer({ limits: { commands: { capacity: 500, perSecond: 500 } } });

/** How many times `needle` occurs in `haystack`. */
const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

/** The JSON of one entry of one map of a replica, as the server wrote it. */
const entry = (replica: TestReplica, map: string, key: string) =>
  JSON.stringify(replica.doc.getMap(map).get(key) ?? null);

describe('privacy and small groups, in the bytes of every replica', () => {
  it('[K9] [K11] no figure of a group under three, no sector figure of an anonymous board, no author of an anonymous note, no room figure of a hidden board before the reveal', async () => {
    const url = server.current.url;
    const { workshopId, joinCode, facilitatorKey } = await createWorkshop(url, {
      sectors: ['Clinique', 'Communautaire', 'Patient partenaire'],
    });
    const console_ = await connect(url, { workshopId, key: facilitatorKey });
    const facilitator = openReplica(url, await hello(console_), 'facilitator');
    const projector = openReplica(
      url,
      await hello(await connect(url, { code: joinCode, as: 'projector' })),
    );
    const first = await facilitator.waitFor((s) => s.workshop !== null);
    const [clinic, community, patient] = first.workshop!.sectors.map((s) => s.id);
    const anonymousBoard = first.workshop!.stages.define.boardIds[0]!;
    const anonymousColumn = first.boards[anonymousBoard]!.columns[0]!.id;
    const { boardId: hiddenBoard } = await sendOk(console_, {
      type: 'addBoard',
      stage: 'define',
      title: 'Écriture silencieuse',
      columns: ['Idées'],
    });
    const setting = (boardId: string, name: 'hidden' | 'anonymous', value: boolean) =>
      sendOk(console_, { type: 'setBoardSetting', boardId, setting: name, value });
    await setting(anonymousBoard, 'anonymous', true);
    await setting(hiddenBoard!, 'hidden', true);
    const hiddenColumn = (await facilitator.waitFor((s) => s.boards[hiddenBoard!]?.hidden === true))
      .boards[hiddenBoard!]!.columns[0]!.id;

    // three clinic people, three community people, and one patient partner
    const people = [
      ...['Camille', 'Claude', 'Corentin'].map((name) => ({
        name: `${name}-Clin`,
        sector: clinic,
      })),
      ...['Dominique', 'Denise', 'Damien'].map((name) => ({
        name: `${name}-Comm`,
        sector: community,
      })),
      { name: 'Pascale-Patiente', sector: patient },
    ];
    interface Person {
      name: string;
      participantId: string;
      socket: Awaited<ReturnType<typeof joinAs>>['socket'];
      /** The private replica; the public one for the first person only. */
      mine: TestReplica;
      room?: TestReplica;
    }
    const joined: Person[] = [];
    for (const p of people) {
      const device = await joinAs(url, joinCode, p.name, p.sector);
      const welcome = await hello(device.socket);
      // every private replica; the public room is one room, read by the projector and one phone
      const room = joined.length === 0 ? openReplica(url, welcome) : undefined;
      joined.push({ ...p, ...device, mine: openReplica(url, welcome, 'private'), room });
    }
    const phone = joined[0]!.room!;
    const anonymousNotes = new Map<string, Person>();
    const hiddenNotes: string[] = [];
    for (const [i, p] of joined.entries()) {
      const anonymous = await sendOk(p.socket, {
        type: 'addNote',
        boardId: anonymousBoard,
        columnId: anonymousColumn,
        text: `sans-nom-${i}`,
      });
      anonymousNotes.set(anonymous.noteId!, p);
      const hidden = await sendOk(p.socket, {
        type: 'addNote',
        boardId: hiddenBoard!,
        columnId: hiddenColumn,
        text: `en-silence-${i}`,
      });
      hiddenNotes.push(hidden.noteId!);
    }
    const { themeId: hiddenTheme } = await sendOk(console_, {
      type: 'createTheme',
      boardId: hiddenBoard!,
      title: 'Thème caché',
      noteIds: hiddenNotes,
    });
    const { themeId: anonymousTheme } = await sendOk(console_, {
      type: 'createTheme',
      boardId: anonymousBoard,
      title: 'Thème anonyme',
      noteIds: [...anonymousNotes.keys()],
    });

    const replicas = (): { name: string; replica: TestReplica; owner?: string }[] => [
      { name: 'projector', replica: projector },
      { name: 'facilitator', replica: facilitator },
      { name: 'phone', replica: phone },
      ...joined.map((p) => ({
        name: `${p.name} private`,
        replica: p.mine,
        owner: p.participantId,
      })),
    ];
    const settled = async (anonymous: boolean, revealed: boolean) => {
      await facilitator.waitFor(
        (s) =>
          s.themes[hiddenTheme!]?.count === 7 &&
          s.themes[anonymousTheme!]?.count === 7 &&
          s.boards[anonymousBoard]?.anonymous === anonymous &&
          s.boards[hiddenBoard!]?.hidden === !revealed,
      );
      for (const p of joined) {
        await p.mine.waitFor((s) => Object.keys(s.notes).length === 2 && s.me !== null);
      }
      for (const r of [projector, phone]) {
        await r.waitFor(
          (s) =>
            s.themes[hiddenTheme!]?.count === (revealed ? 7 : 0) &&
            s.themes[anonymousTheme!]?.count === 7 &&
            s.boards[anonymousBoard]?.anonymous === anonymous &&
            s.boards[hiddenBoard!]?.hidden === !revealed,
        );
      }
    };

    /** What must hold in every replica, whatever the phase (`dropped`: the partner is alone). */
    const checkAll = (dropped = true) => {
      for (const { name, replica, owner } of replicas()) {
        const snap: ReplicaSnapshot = replica.snapshot;
        const bytes = bytesOf(replica);
        // no "other" bucket (it would hold one person) anywhere ('otherInfo' is the name of a
        // field of the report's details on the console's replica, not a group)
        expect(bytes.replaceAll('otherInfo', ''), name).not.toContain('other');
        // the patient partner's sector id appears only where the sector list and people are
        const legitimate =
          (snap.workshop ? 1 : 0) +
          Object.values(snap.participants).filter((p) => p.sector === patient).length +
          (snap.me?.sector === patient ? 1 : 0);
        expect(occurrences(bytes, patient!), name).toBe(legitimate);
        for (const board of Object.values(snap.boards)) {
          // a group is dropped: no board carries a sector breakdown (its residual would name it);
          // once it is not, a named board holding the partner's notes from then still carries none
          if (dropped || board.id === hiddenBoard) {
            expect(board.sectorCounts, `${name} ${board.title}`).toBeUndefined();
          }
        }
        for (const theme of Object.values(snap.themes)) {
          for (const share of theme.sectors) {
            expect([clinic, community], name).toContain(share.sector);
            expect(share.people, name).toBeGreaterThanOrEqual(1);
          }
        }
        // the anonymous board's theme: no per-sector figure at all
        if (snap.themes[anonymousTheme!]) expect(snap.themes[anonymousTheme!]!.sectors).toEqual([]);
        // no author of an anonymous note, except in the author's own private replica
        for (const [noteId, author] of anonymousNotes) {
          if (owner === author.participantId) {
            expect(bytes, name).toContain(`sans-nom`);
            continue;
          }
          if (name === 'facilitator') {
            // the console lists who is here, never who wrote this note
            const note = entry(replica, 'notes', noteId);
            expect(note).toContain('sans-nom');
            expect(note).not.toContain(author.participantId);
            expect(note).not.toContain(author.name);
            expect(note).not.toContain('authorId');
          } else {
            expect(bytes, name).not.toContain(author.participantId);
            expect(bytes, name).not.toContain(author.name);
          }
        }
      }
    };

    await settled(true, false);
    checkAll();
    // before the reveal: the room's card of the hidden theme has no figure, the console's has
    for (const r of [projector, phone]) {
      expect(r.snapshot.themes[hiddenTheme!]!.sectors).toEqual([]);
      expect(bytesOf(r)).not.toContain('en-silence');
    }
    expect(facilitator.snapshot.themes[hiddenTheme!]!.sectors).toEqual([
      { sector: clinic, people: 3 },
      { sector: community, people: 3 },
    ]);

    // lifting anonymity names nobody who wrote while it was on
    await setting(anonymousBoard, 'anonymous', false);
    await settled(false, false);
    checkAll();
    expect(Object.values(facilitator.snapshot.notes).filter((n) => n.anonymous)).toHaveLength(7);

    // the reveal: the room's figures of the hidden theme appear, still without the patient partner
    await setting(hiddenBoard!, 'hidden', false);
    await settled(false, true);
    checkAll();
    const revealed = [
      { sector: clinic, people: 3 },
      { sector: community, people: 3 },
    ];
    for (const r of [projector, phone]) {
      expect(r.snapshot.themes[hiddenTheme!]!.sectors).toEqual(revealed);
    }

    // two more patient partners arrive late and write nothing: their sector now has three
    // people, and still no figure shows what the first one wrote when she was alone (K11)
    for (const name of ['Paul-Patient', 'Patrice-Patient'])
      await joinAs(url, joinCode, name, patient);
    await facilitator.waitFor((s) => Object.keys(s.participants).length === 9);
    await projector.waitFor((s) => s.workshop?.participantCount === 9);
    await phone.waitFor((s) => s.workshop?.participantCount === 9);
    await settled(false, true);
    checkAll(false);
    for (const r of [projector, phone, facilitator]) {
      expect(r.snapshot.themes[hiddenTheme!]!.sectors).toEqual(revealed);
    }
    // boards without such notes get their breakdown back; the notes written anonymously are in
    // no group, so the board they are on shows an empty one
    const empty = Object.values(facilitator.snapshot.boards).find((b) => b.stage === 'discover');
    expect(empty!.sectorCounts).toEqual({});
    expect(facilitator.snapshot.boards[anonymousBoard]!.sectorCounts).toEqual({});
  });
});

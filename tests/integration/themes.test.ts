import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/lib/domain/index';
import { connect, joinAs, openRoom, sendOk, useTestServer } from './helpers';

const server = useTestServer({ limits: { commands: { capacity: 500, perSecond: 500 } } });

describe('grouping notes into themes', () => {
  it('[TH6] two facilitator tabs grouping at once converge, on every replica, with sectors', async () => {
    const opened = await openRoom(server.current.url);
    const { workshopId, joinCode, facilitatorKey, boardId, columnId, projector } = opened;
    const { console_: tabA, facilitator: facilitatorReplica, first: snap } = opened;
    const tabB = await connect(server.current.url, { workshopId, key: facilitatorKey });
    const sector = snap.workshop!.sectors[0]!.id;
    const noteIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await joinAs(server.current.url, joinCode, `P${i}`, sector);
      for (let j = 0; j < 4; j++) {
        const { noteId } = await sendOk(p.socket, {
          type: 'addNote',
          boardId,
          columnId,
          text: `n${i}${j}`,
        });
        noteIds.push(noteId!);
      }
    }
    const [{ themeId: t1 }, { themeId: t2 }] = await Promise.all([
      sendOk(tabA, { type: 'createTheme', boardId, title: 'Temps', noteIds: noteIds.slice(0, 3) }),
      sendOk(tabB, { type: 'createTheme', boardId, title: 'Liens', noteIds: noteIds.slice(3, 6) }),
    ]);
    // both tabs move the same notes at once, to different themes: the last one wins, everywhere
    await Promise.all([
      ...noteIds
        .slice(6)
        .map((id) => sendOk(tabA, { type: 'moveNotes', noteIds: [id], themeId: t1! })),
      ...noteIds
        .slice(6)
        .map((id) => sendOk(tabB, { type: 'moveNotes', noteIds: [id], themeId: t2! })),
    ]);
    const room = server.current.realtime.rooms.get(workshopId)!;
    expect(checkInvariants(room.decided)).toEqual([]);
    const expected = (themeId: string) =>
      Object.values(room.decided.notes)
        .filter((n) => n.themeId === themeId)
        .map((n) => n.id)
        .sort();
    for (const replica of [facilitatorReplica, projector]) {
      const s = await replica.waitFor(
        (r) => (r.themes[t1!]?.count ?? 0) + (r.themes[t2!]?.count ?? 0) === 12,
      );
      expect([...s.themes[t1!]!.noteIds].sort()).toEqual(expected(t1!));
      expect([...s.themes[t2!]!.noteIds].sort()).toEqual(expected(t2!));
      const authors = new Set(
        expected(t1!).map((id) => {
          const author = room.decided.notes[id]!.author;
          return author.kind === 'participant' ? author.id : 'room';
        }),
      );
      // figures show once three people contributed [K5]
      expect(s.themes[t1!]!.sectors).toEqual(
        authors.size >= 3 ? [{ sector, people: authors.size }] : [],
      );
    }
  });
});

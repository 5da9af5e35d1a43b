import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  hello,
  joinAs,
  openReplica,
  openRoom,
  send,
  sendOk,
  useTestServer,
} from './helpers';

const server = useTestServer();

describe('silent writing and reveal', () => {
  it('[B9] a hidden note is in no other participant’s replica before the reveal, and in all after', async () => {
    const { console_, facilitator, projector, boardId, columnId, joinCode } = await openRoom(
      server.current.url,
    );
    await sendOk(console_, { type: 'setBoardSetting', boardId, setting: 'hidden', value: true });
    await projector.waitFor((s) => s.boards[boardId]?.hidden === true);

    const alice = await joinAs(server.current.url, joinCode, 'Alice');
    const bob = await joinAs(server.current.url, joinCode, 'Bob');
    const aliceWelcome = await hello(alice.socket);
    const alicePrivate = openReplica(server.current.url, aliceWelcome, 'private');
    const bobWelcome = await hello(bob.socket);
    const bobPublic = openReplica(server.current.url, bobWelcome);
    const bobPrivate = openReplica(server.current.url, bobWelcome, 'private');
    await sendOk(alice.socket, { type: 'addNote', boardId, columnId, text: 'secret-of-alice' });

    await projector.waitFor((s) => s.boards[boardId]?.counts[columnId] === 1);
    await alicePrivate.waitFor((s) => Object.keys(s.notes).length === 1);
    await facilitator.waitFor((s) => Object.keys(s.notes).length === 1);
    await bobPublic.waitFor((s) => s.boards[boardId]?.counts[columnId] === 1);
    for (const r of [projector, bobPublic, bobPrivate]) {
      expect(bytesOf(r)).not.toContain('secret-of-alice');
    }
    expect(bytesOf(alicePrivate)).toContain('secret-of-alice');
    expect(bytesOf(facilitator)).toContain('secret-of-alice');
    // two people who prefer not to say are too few to show: no breakdown at all [K7]
    expect(facilitator.snapshot.boards[boardId]!.sectorCounts).toBeUndefined();

    // a participant cannot reveal; the facilitator can, in one update
    expect(
      await send(bob.socket, { type: 'setBoardSetting', boardId, setting: 'hidden', value: false }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    let updates = 0;
    projector.doc.on('update', () => updates++);
    await sendOk(console_, { type: 'setBoardSetting', boardId, setting: 'hidden', value: false });
    for (const r of [projector, bobPublic]) {
      await r.waitFor((s) => Object.values(s.notes).some((n) => n.text === 'secret-of-alice'));
    }
    expect(updates).toBe(1);
  });

  it('[B6] a locked board refuses a participant’s note with a clear error and changes nothing', async () => {
    const { console_, projector, boardId, columnId, joinCode } = await openRoom(server.current.url);
    const alice = await joinAs(server.current.url, joinCode, 'Alice');
    await sendOk(console_, { type: 'setBoardSetting', boardId, setting: 'locked', value: true });
    const before = JSON.stringify(
      server.current.realtime.rooms.get(projector.snapshot.workshop!.id)!.decided.notes,
    );
    const ack = await send(alice.socket, { type: 'addNote', boardId, columnId, text: 'trop tard' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BOARD_LOCKED' } });
    expect(
      JSON.stringify(
        server.current.realtime.rooms.get(projector.snapshot.workshop!.id)!.decided.notes,
      ),
    ).toBe(before);
    await projector.waitFor((s) => s.boards[boardId]?.locked === true);
  });

  it('[B10] on an anonymous board even the facilitator replica names no author', async () => {
    const { console_, facilitator, boardId, columnId, joinCode } = await openRoom(
      server.current.url,
    );
    await sendOk(console_, { type: 'setBoardSetting', boardId, setting: 'anonymous', value: true });
    const alice = await joinAs(server.current.url, joinCode, 'Anonyme-Alice');
    await sendOk(alice.socket, { type: 'addNote', boardId, columnId, text: 'sans nom' });
    const snap = await facilitator.waitFor((s) => Object.keys(s.notes).length === 1);
    const note = Object.values(snap.notes)[0]!;
    expect(note.authorId).toBeUndefined();
    expect(note.authorName).toBeUndefined();
    // the name is still in the participants list (who is here), never tied to the note
    expect(Object.values(snap.participants).map((p) => p.name)).toEqual(['Anonyme-Alice']);
  });

  it('[B8] a moderated note leaves the room’s replicas and stays on the console', async () => {
    const { console_, facilitator, projector, boardId, columnId, joinCode } = await openRoom(
      server.current.url,
    );
    const alice = await joinAs(server.current.url, joinCode, 'Alice');
    const { noteId } = await sendOk(alice.socket, {
      type: 'addNote',
      boardId,
      columnId,
      text: 'hors-sujet',
    });
    await projector.waitFor((s) => s.notes[noteId!] !== undefined);
    await sendOk(console_, { type: 'moderateNote', noteId: noteId!, moderated: true });
    await projector.waitFor((s) => s.notes[noteId!] === undefined);
    const f = await facilitator.waitFor((s) => s.notes[noteId!]?.moderated === true);
    expect(f.notes[noteId!]!.text).toBe('hors-sujet');
    expect(bytesOf(projector)).not.toContain('hors-sujet');
  });
});

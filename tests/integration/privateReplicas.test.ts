import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/lib/protocol/replica';
import {
  connect,
  hello,
  joinAs,
  openReplica,
  openRoom,
  sendOk,
  useTestServer,
  type TestReplica,
} from './helpers';

/*
 * A phone's private replica on the real server: what a phone that comes back sees, whether its
 * replica was kept for it or put away meanwhile, must be exactly what a phone opening it for the
 * first time sees. The returning phone keeps its own Y.Doc (as the browser client does within
 * one server epoch): it syncs onto the server's document, it does not start from nothing.
 */

/** A participant with two notes, one of them moderated, and their private replica open. */
async function phoneWithNotes(url: string) {
  const room = await openRoom(url);
  const ana = await joinAs(url, room.joinCode, 'Ana');
  const welcome = await hello(ana.socket);
  const mine = openReplica(url, welcome, 'private');
  const noteIds: string[] = [];
  for (const text of ['Première', 'Deuxième', 'Troisième']) {
    const reply = await sendOk(ana.socket, {
      type: 'addNote',
      boardId: room.boardId,
      columnId: room.columnId,
      text,
    });
    noteIds.push(reply.noteId!);
  }
  await sendOk(room.console_, { type: 'moderateNote', noteId: noteIds[0]!, moderated: true });
  await mine.waitFor(
    (s) => Object.keys(s.notes).length === 3 && s.notes[noteIds[0]!]?.moderated === true,
  );
  return { room, ana, mine, noteIds };
}

/** The phone leaves: its socket and its replica connection close (its document stays). */
function leave(phone: { ana: { socket: { disconnect(): void } }; mine: TestReplica }): void {
  phone.mine.provider.disconnect();
  phone.ana.socket.disconnect();
}

/** The phone comes back with its token: a new hello, its old document reconnected. */
async function comeBack(
  url: string,
  joinCode: string,
  token: string,
  mine: TestReplica,
): Promise<Welcome> {
  const socket = await connect(url, { code: joinCode, as: 'participant', token });
  const welcome = await hello(socket);
  const grant = welcome.rooms.find((r) => r.audience === 'private')!;
  mine.provider.params = { ticket: grant.ticket };
  mine.provider.connect();
  return welcome;
}

/** Wait until the returning phone's replica holds exactly what a fresh one does. */
async function expectSameAsFresh(url: string, welcome: Welcome, mine: TestReplica) {
  const fresh = openReplica(url, welcome, 'private');
  const expected = await fresh.waitFor((s) => s.me !== null);
  await expect.poll(() => mine.snapshot).toEqual(fresh.snapshot);
  return expected;
}

describe('private replicas kept for a returning phone', () => {
  const server = useTestServer({ privateReleaseMs: 60_000 });

  it('[P4] a phone that reconnects within the grace gets exactly the replica a fresh phone gets, from the replica kept for it', async () => {
    const { url, realtime } = server.current;
    const phone = await phoneWithNotes(url);
    const { room, ana, noteIds } = phone;
    const kept = realtime.rooms.get(room.workshopId)!.privateReplicas.get(ana.participantId);
    expect(kept).toBeDefined();
    leave(phone);
    // While it is away: one note deleted, one moderated, one let back into the room.
    await sendOk(room.console_, { type: 'deleteNote', noteId: noteIds[1]! });
    await sendOk(room.console_, { type: 'moderateNote', noteId: noteIds[2]!, moderated: true });
    await sendOk(room.console_, { type: 'moderateNote', noteId: noteIds[0]!, moderated: false });
    const welcome = await comeBack(url, room.joinCode, ana.token, phone.mine);
    const seen = await expectSameAsFresh(url, welcome, phone.mine);
    expect(Object.keys(seen.notes).sort()).toEqual([noteIds[0]!, noteIds[2]!].sort());
    expect(seen.notes[noteIds[2]!]?.moderated).toBe(true);
    expect(seen.notes[noteIds[0]!]?.moderated).toBeFalsy();
    expect(realtime.rooms.get(room.workshopId)!.privateReplicas.get(ana.participantId)).toBe(kept);
  });
});

describe('private replicas put away when their phone has gone', () => {
  const server = useTestServer({ privateReleaseMs: 100 });

  it('[P5] a private replica is released once its participant has no connection left, and brought back with the same history: the returning phone and a fresh one see the same', async () => {
    const { url, realtime } = server.current;
    const phone = await phoneWithNotes(url);
    const { room, ana, noteIds } = phone;
    const live = realtime.rooms.get(room.workshopId)!;
    expect(live.privateReplicas.has(ana.participantId)).toBe(true);
    leave(phone);
    await expect.poll(() => live.privateReplicas.has(ana.participantId)).toBe(false);
    // While it is put away: one note deleted (a fresh document would never delete it on the
    // returning phone), one moderated.
    await sendOk(room.console_, { type: 'deleteNote', noteId: noteIds[1]! });
    await sendOk(room.console_, { type: 'moderateNote', noteId: noteIds[2]!, moderated: true });
    const welcome = await comeBack(url, room.joinCode, ana.token, phone.mine);
    const seen = await expectSameAsFresh(url, welcome, phone.mine);
    expect(Object.keys(seen.notes).sort()).toEqual([noteIds[0]!, noteIds[2]!].sort());
    expect(seen.notes[noteIds[2]!]?.moderated).toBe(true);
    expect(seen.me?.name).toBe('Ana');
    expect(live.privateReplicas.has(ana.participantId)).toBe(true);
  });

  it('[P6] a private replica still read by a replica connection is not released, and keeps getting updates after the socket went', async () => {
    const { url, realtime } = server.current;
    const phone = await phoneWithNotes(url);
    const { room, ana, noteIds } = phone;
    const live = realtime.rooms.get(room.workshopId)!;
    const kept = live.privateReplicas.get(ana.participantId);
    // Only the socket goes; the replica connection stays open.
    ana.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(live.privateReplicas.get(ana.participantId)).toBe(kept);
    await sendOk(room.console_, { type: 'deleteNote', noteId: noteIds[1]! });
    await phone.mine.waitFor((s) => s.notes[noteIds[1]!] === undefined);
    // Once that connection closes too, it goes.
    phone.mine.provider.disconnect();
    await expect.poll(() => live.privateReplicas.has(ana.participantId)).toBe(false);
  });
});

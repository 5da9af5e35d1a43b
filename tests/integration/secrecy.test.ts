import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../server/crypto';
import {
  bytesOf,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  openRoom,
  sendOk,
  TestReplica,
  useTestServer,
} from './helpers';

const server = useTestServer();

describe('each audience holds only what it may see', () => {
  it('[P1] the bytes of the public, facilitator and private replicas carry no secret of anyone else', async () => {
    const room = await openRoom(server.current.url);
    const { workshopId, joinCode, facilitatorKey, console_, facilitator, projector } = room;
    const { first, boardId, columnId } = room;
    const sectorId = first.workshop!.sectors[1]!.id;

    const alice = await joinAs(server.current.url, joinCode, 'Aliénor Secrète', sectorId);
    const bob = await joinAs(server.current.url, joinCode, 'Bartholomé Discret', null);
    const aliceWelcome = await hello(alice.socket);
    const alicePrivate = openReplica(server.current.url, aliceWelcome, 'private');
    const bobPrivate = openReplica(server.current.url, await hello(bob.socket), 'private');
    const alicePublic = openReplica(server.current.url, aliceWelcome);
    await sendOk(alice.socket, { type: 'addNote', boardId, columnId, text: 'note-of-alice' });
    await sendOk(bob.socket, { type: 'addNote', boardId, columnId, text: 'note-of-bob' });
    await sendOk(console_, { type: 'addNote', boardId, columnId, text: 'note-of-the-room' });
    for (const r of [projector, alicePublic, facilitator]) {
      await r.waitFor((s) => Object.keys(s.notes).length === 3);
    }
    await alicePrivate.waitFor((s) => Object.keys(s.notes).length === 1 && s.me !== null);
    await bobPrivate.waitFor((s) => Object.keys(s.notes).length === 1 && s.me !== null);

    const state = server.current.realtime.rooms.get(workshopId)!.decided;
    const a = state.participants[alice.participantId]!;
    const b = state.participants[bob.participantId]!;
    const secrets = [
      facilitatorKey,
      state.facilitatorKeyHash,
      alice.token,
      bob.token,
      hashSecret(alice.token),
      a.tokenHash,
      b.tokenHash,
      alice.rejoinCode,
      bob.rejoinCode,
      a.rejoinCodeHash,
      b.rejoinCodeHash,
    ];
    const all = [projector, alicePublic, facilitator, alicePrivate, bobPrivate];
    for (const replica of all) {
      const bytes = bytesOf(replica);
      for (const secret of secrets) expect(bytes).not.toContain(secret);
    }

    // public: no names, no participant ids (so no authorship), no sectors of people
    for (const replica of [projector, alicePublic]) {
      const bytes = bytesOf(replica);
      expect(bytes).toContain('note-of-alice');
      for (const hidden of ['Aliénor', 'Bartholomé', alice.participantId, bob.participantId]) {
        expect(bytes).not.toContain(hidden);
      }
    }
    // facilitator: names and sectors, as it should
    expect(bytesOf(facilitator)).toContain('Aliénor Secrète');
    expect(bytesOf(facilitator)).toContain(alice.participantId);

    // private: one's own data, nothing of the other
    const alicesOwn = bytesOf(alicePrivate);
    expect(alicesOwn).toContain('note-of-alice');
    expect(alicesOwn).toContain('Aliénor Secrète');
    for (const hidden of ['note-of-bob', 'note-of-the-room', 'Bartholomé', bob.participantId]) {
      expect(alicesOwn).not.toContain(hidden);
    }
    expect(bytesOf(bobPrivate)).not.toContain('Aliénor');
  });

  it('[P2] a ticket for one private room does not open another participant’s', async () => {
    const { joinCode } = await createWorkshop(server.current.url);
    const alice = await joinAs(server.current.url, joinCode, 'Alice');
    const bob = await joinAs(server.current.url, joinCode, 'Bob');
    const grant = (await hello(alice.socket)).rooms.find((r) => r.audience === 'private')!;
    const stolen = new TestReplica(server.current.url, {
      room: grant.room.replace(alice.participantId, bob.participantId),
      ticket: grant.ticket,
    });
    const deadline = Date.now() + 5000;
    while (stolen.closedWith === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(stolen.closedWith).toBe(4401);
    expect(stolen.snapshot.me).toBeNull();
    // and a visitor who has not joined gets no private room at all
    const visitor = await connect(server.current.url, {
      code: joinCode,
      as: 'participant',
      token: 'V'.repeat(22),
    });
    expect((await hello(visitor)).rooms.map((r) => r.audience)).toEqual(['public']);
  });
});

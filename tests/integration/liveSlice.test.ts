import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import {
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  send,
  sendOk,
  TestReplica,
  useTestServer,
} from './helpers';

const server = useTestServer();

describe('the first live slice, end to end over real transports', () => {
  it('[L1] create, join, post, edit, delete and change stage are all seen on the replicas', async () => {
    const { workshopId, joinCode, facilitatorKey } = await createWorkshop(server.current.url);
    expect(joinCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(facilitatorKey.length).toBeGreaterThanOrEqual(22);

    const console_ = await connect(server.current.url, { workshopId, key: facilitatorKey });
    const facilitatorWelcome = await hello(console_);
    expect(facilitatorWelcome.role).toBe('facilitator');
    const facilitatorReplica = openReplica(server.current.url, facilitatorWelcome, 'facilitator');

    const projector = await connect(server.current.url, { code: joinCode, as: 'projector' });
    const projectorWelcome = await hello(projector);
    expect(projectorWelcome.rooms.map((r) => r.audience)).toEqual(['public']);
    const projectorReplica = openReplica(server.current.url, projectorWelcome);

    const initial = await projectorReplica.waitFor((s) => s.workshop !== null);
    expect(initial.workshop!.currentStage).toBe('define');
    const defineBoardId = initial.workshop!.stages.define.boardIds[0]!;
    const defineBoard = initial.boards[defineBoardId]!;
    expect(defineBoard.columns.map((c) => c.title)).toEqual(['Attentes', 'Défis']);

    const sectorId = initial.workshop!.sectors[0]!.id;
    const alice = await joinAs(server.current.url, joinCode, 'Alice', sectorId);
    const bob = await joinAs(server.current.url, joinCode, 'Bob', null);
    const aliceWelcome = await hello(alice.socket);
    expect(aliceWelcome.rooms.map((r) => r.audience)).toEqual(['public', 'private']);
    const aliceReplica = openReplica(server.current.url, aliceWelcome);
    const alicePrivate = openReplica(server.current.url, aliceWelcome, 'private');

    await facilitatorReplica.waitFor((s) => Object.keys(s.participants).length === 2);
    const people = facilitatorReplica.snapshot.participants;
    expect(people[alice.participantId]).toMatchObject({
      name: 'Alice',
      sector: sectorId,
      connected: true,
    });
    expect(people[bob.participantId]).toMatchObject({ name: 'Bob', sector: null });
    await projectorReplica.waitFor((s) => s.workshop?.connected === 2);

    // post
    const columnId = defineBoard.columns[0]!.id;
    const { noteId } = await sendOk(alice.socket, {
      type: 'addNote',
      boardId: defineBoardId,
      columnId,
      text: '  Mieux se connaître entre équipes  ',
    });
    for (const replica of [projectorReplica, aliceReplica, facilitatorReplica]) {
      const snap = await replica.waitFor((s) => s.notes[noteId!] !== undefined);
      expect(snap.notes[noteId!]).toMatchObject({
        text: 'Mieux se connaître entre équipes',
        columnId,
        byFacilitator: false,
      });
    }
    // who wrote it: the console knows, the room does not; Alice's private replica lists it
    expect(facilitatorReplica.snapshot.notes[noteId!]).toMatchObject({
      authorId: alice.participantId,
      authorName: 'Alice',
    });
    expect(projectorReplica.snapshot.notes[noteId!]!.authorId).toBeUndefined();
    expect(projectorReplica.snapshot.notes[noteId!]!.authorName).toBeUndefined();
    await alicePrivate.waitFor((s) => s.notes[noteId!] !== undefined);
    expect(alicePrivate.snapshot.me).toMatchObject({ id: alice.participantId, name: 'Alice' });

    // edit: only the author
    const refused = await send(bob.socket, { type: 'editNote', noteId, text: 'pirate' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_YOUR_NOTE' } });
    await sendOk(alice.socket, { type: 'editNote', noteId: noteId!, text: 'Se connaître' });
    await projectorReplica.waitFor((s) => s.notes[noteId!]?.text === 'Se connaître');

    // stage change: facilitator only, every screen follows
    expect(await send(alice.socket, { type: 'setStage', stage: 'discover' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    await sendOk(console_, { type: 'setStage', stage: 'discover' });
    for (const replica of [projectorReplica, aliceReplica, facilitatorReplica]) {
      await replica.waitFor((s) => s.workshop?.currentStage === 'discover');
    }
    const discover = projectorReplica.snapshot.workshop!.stages.discover.boardIds[0]!;
    expect(projectorReplica.snapshot.boards[discover]!.columns.map((c) => c.title)).toEqual([
      'Obstacles',
      'Facilitateurs',
    ]);

    // the old board is no longer open to participants
    expect(
      await send(bob.socket, { type: 'addNote', boardId: defineBoardId, columnId, text: 'late' }),
    ).toMatchObject({ ok: false, error: { code: 'BOARD_NOT_ACTIVE' } });

    // the facilitator deletes any note
    await sendOk(console_, { type: 'deleteNote', noteId: noteId! });
    for (const replica of [projectorReplica, aliceReplica, facilitatorReplica]) {
      await replica.waitFor((s) => s.notes[noteId!] === undefined);
    }

    // presence: a participant leaving lowers the count
    bob.socket.disconnect();
    await projectorReplica.waitFor((s) => s.workshop?.connected === 1);
    await facilitatorReplica.waitFor((s) => s.participants[bob.participantId]?.connected === false);
  });

  it('[L2] the facilitator edits the question, the prompt and the columns', async () => {
    const { workshopId, joinCode, facilitatorKey } = await createWorkshop(server.current.url);
    const console_ = await connect(server.current.url, { workshopId, key: facilitatorKey });
    const replica = openReplica(server.current.url, await hello(console_), 'public');
    const snap = await replica.waitFor((s) => s.workshop !== null);
    const boardId = snap.workshop!.stages.define.boardIds[0]!;

    await sendOk(console_, { type: 'setQuestion', question: 'Qu’est-ce qui marche déjà ?' });
    await sendOk(console_, { type: 'setStagePrompt', stage: 'define', prompt: 'Vos attentes' });
    const { columnId } = await sendOk(console_, { type: 'addColumn', boardId, title: 'Questions' });
    await sendOk(console_, {
      type: 'renameColumn',
      boardId,
      columnId: columnId!,
      title: 'Inquiétudes',
    });
    const after = await replica.waitFor((s) =>
      s.boards[boardId]!.columns.some((c) => c.title === 'Inquiétudes'),
    );
    expect(after.workshop!.question).toBe('Qu’est-ce qui marche déjà ?');
    expect(after.workshop!.stages.define.prompt).toBe('Vos attentes');
    expect(after.boards[boardId]!.columns).toHaveLength(3);

    await sendOk(console_, { type: 'removeColumn', boardId, columnId: columnId! });
    await replica.waitFor((s) => s.boards[boardId]!.columns.length === 2);

    // a participant may do none of it
    const carol = await joinAs(server.current.url, joinCode, 'Carol');
    for (const cmd of [
      { type: 'setQuestion', question: 'x' },
      { type: 'setStagePrompt', stage: 'define', prompt: 'x' },
      { type: 'addColumn', boardId, title: 'x' },
    ] as const) {
      expect(await send(carol.socket, cmd)).toMatchObject({
        ok: false,
        error: { code: 'NOT_ALLOWED' },
      });
    }
  });

  it('[L3] a device comes back as the same participant with its token', async () => {
    const { joinCode } = await createWorkshop(server.current.url);
    const first = await joinAs(server.current.url, joinCode, 'Dina');
    first.socket.disconnect();
    const again = await connect(server.current.url, {
      code: joinCode,
      as: 'participant',
      token: first.token,
    });
    const welcome = await hello(again);
    expect(welcome.role).toBe('participant');
    expect(welcome.participantId).toBe(first.participantId);
    expect(
      await send(again, {
        type: 'joinWorkshop',
        name: 'Dina',
        sector: null,
        rejoinCode: 'ACDEFGHJ',
      }),
    ).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
  });

  it('[L7] another device comes back as the same participant with the personal rejoin code', async () => {
    const { joinCode } = await createWorkshop(server.current.url);
    const phone = await joinAs(server.current.url, joinCode, 'Noor');
    const laptop = await connect(server.current.url, {
      code: joinCode,
      as: 'participant',
      token: 'L'.repeat(22),
    });
    expect((await hello(laptop)).role).toBe('nobody');
    const typed = `${phone.rejoinCode.slice(0, 4).toLowerCase()}-${phone.rejoinCode.slice(4)}`;
    const ack = await sendOk(laptop, { type: 'rejoinWorkshop', rejoinCode: typed });
    expect(ack.participantId).toBe(phone.participantId);
    const welcome = await hello(laptop);
    expect(welcome).toMatchObject({ role: 'participant', participantId: phone.participantId });

    // the identity moved: the old device is disconnected, and comes back only as a visitor
    await new Promise<void>((resolve) =>
      phone.socket.connected ? phone.socket.once('disconnect', () => resolve()) : resolve(),
    );
    const oldDevice = await connect(server.current.url, {
      code: joinCode,
      as: 'participant',
      token: phone.token,
    });
    expect((await hello(oldDevice)).role).toBe('nobody');
    const replica = openReplica(server.current.url, welcome);
    const snap = await replica.waitFor((s) => s.workshop !== null);
    const boardId = snap.workshop!.stages.define.boardIds[0]!;
    const columnId = snap.boards[boardId]!.columns[0]!.id;
    const cmd = { type: 'addNote', boardId, columnId, text: 'depuis le téléphone' } as const;
    expect(await send(oldDevice, cmd)).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    await sendOk(laptop, { ...cmd, text: 'depuis le portable' });

    // a wrong code is refused with its own error
    const stranger = await connect(server.current.url, {
      code: joinCode,
      as: 'participant',
      token: 'S'.repeat(22),
    });
    expect(await send(stranger, { type: 'rejoinWorkshop', rejoinCode: 'AAAA-AAAA' })).toMatchObject(
      {
        ok: false,
        error: { code: 'UNKNOWN_REJOIN_CODE' },
      },
    );
  });

  it('[L4] a wrong key, a wrong code and a bad handshake are refused with a code', async () => {
    const { workshopId, facilitatorKey } = await createWorkshop(server.current.url);
    await expect(
      connect(server.current.url, {
        workshopId,
        key: facilitatorKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(
      connect(server.current.url, { code: 'ZZZZZZ', as: 'projector' }),
    ).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(connect(server.current.url, { code: 'X', as: 'admin' })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
    await expect(connect(server.current.url, { v: 99 })).rejects.toMatchObject({
      data: { code: 'UNSUPPORTED_PROTOCOL' },
    });
  });

  it('[L5] the projector and a visitor without a name cannot post', async () => {
    const { joinCode } = await createWorkshop(server.current.url);
    const projector = await connect(server.current.url, { code: joinCode, as: 'projector' });
    const replica = openReplica(server.current.url, await hello(projector));
    const snap = await replica.waitFor((s) => s.workshop !== null);
    const boardId = snap.workshop!.stages.define.boardIds[0]!;
    const columnId = snap.boards[boardId]!.columns[0]!.id;
    const cmd = { type: 'addNote', boardId, columnId, text: 'hello' } as const;
    expect(await send(projector, cmd)).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    const guest = await connect(server.current.url, {
      code: joinCode,
      as: 'participant',
      token: 'a'.repeat(22),
    });
    expect(await send(guest, cmd)).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  });

  it('[L6] the same op id sent twice is applied once and gets the same answer', async () => {
    const { joinCode } = await createWorkshop(server.current.url);
    const eve = await joinAs(server.current.url, joinCode, 'Eve');
    const replica = openReplica(server.current.url, await hello(eve.socket));
    const snap = await replica.waitFor((s) => s.workshop !== null);
    const boardId = snap.workshop!.stages.define.boardIds[0]!;
    const columnId = snap.boards[boardId]!.columns[0]!.id;
    const cmd = { type: 'addNote', boardId, columnId, text: 'une fois' } as const;
    const first = await send(eve.socket, cmd, 'same-op-id-0001');
    const second = await send(eve.socket, cmd, 'same-op-id-0001');
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
    await replica.waitFor((s) => Object.keys(s.notes).length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(Object.keys(replica.snapshot.notes)).toHaveLength(1);
  });
});

describe('replicas are read-only', () => {
  it('[R1] an update a client writes into its replica changes nothing for anyone', async () => {
    const { joinCode } = await createWorkshop(server.current.url);
    const mallory = await joinAs(server.current.url, joinCode, 'Mallory');
    const welcome = await hello(mallory.socket);
    const writer = openReplica(server.current.url, welcome);
    const reader = openReplica(
      server.current.url,
      await hello(await connect(server.current.url, { code: joinCode, as: 'projector' })),
    );
    await writer.waitFor((s) => s.workshop !== null);
    await reader.waitFor((s) => s.workshop !== null);
    const room = server.current.realtime.rooms.get(welcome.workshopId!)!;
    const before = Y.encodeStateAsUpdate(room.replicas.public.doc);

    // through the stock client: a local write is sent to the server as an update
    writer.doc.getMap('notes').set('forged', { text: 'forged', boardId: 'x', columnId: 'y' });
    writer.doc.getMap('meta').set('workshop', null);

    // through a raw socket: a hand-made update message
    const grant = welcome.rooms[0]!;
    const raw = new WebSocket(
      `${server.current.url.replace('http', 'ws')}/yjs/${grant.room}?ticket=${grant.ticket}`,
    );
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve());
      raw.once('error', reject);
    });
    const forged = new Y.Doc();
    forged.getMap('notes').set('raw-forged', { text: 'raw' });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(forged));
    raw.send(encoding.toUint8Array(encoder));
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, 0);
    syncProtocol.writeSyncStep2(step2, forged);
    raw.send(encoding.toUint8Array(step2));

    // a real change still flows after the forged ones
    const boardId = reader.snapshot.workshop!.stages.define.boardIds[0]!;
    const columnId = reader.snapshot.boards[boardId]!.columns[0]!.id;
    const { noteId } = await sendOk(mallory.socket, {
      type: 'addNote',
      boardId,
      columnId,
      text: 'vrai',
    });
    const seen = await reader.waitFor((s) => s.notes[noteId!] !== undefined);
    raw.close();
    forged.destroy();

    expect(Object.keys(seen.notes)).toEqual([noteId]);
    expect(seen.workshop).not.toBeNull();
    const serverNotes = room.replicas.public.doc.getMap('notes');
    expect([...serverNotes.keys()]).toEqual([noteId]);
    expect(room.replicas.public.doc.getMap('meta').get('workshop')).not.toBeNull();
    // the server doc only grew by the real note
    const expected = new Y.Doc();
    Y.applyUpdate(expected, before);
    expect(expected.getMap('notes').size).toBe(0);
    expected.destroy();
  });

  it('[R2] a ticket for another workshop or audience, or a stale epoch, is refused with a 44xx close', async () => {
    const a = await createWorkshop(server.current.url);
    const b = await createWorkshop(server.current.url);
    const projector = await connect(server.current.url, { code: a.joinCode, as: 'projector' });
    const welcome = await hello(projector);
    const grant = welcome.rooms[0]!;

    const otherWorkshop = new TestReplica(server.current.url, {
      room: grant.room.replace(a.workshopId, b.workshopId),
      ticket: grant.ticket,
    });
    const otherAudience = new TestReplica(server.current.url, {
      room: grant.room.replace('.public.', '.facilitator.'),
      ticket: grant.ticket,
    });
    const staleEpoch = new TestReplica(server.current.url, {
      room: grant.room.replace(/\.[^.]+$/, '.oldepoch'),
      ticket: grant.ticket,
    });
    const deadline = Date.now() + 5000;
    while (
      [otherWorkshop, otherAudience, staleEpoch].some((r) => r.closedWith === null) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(otherWorkshop.closedWith).toBe(4401);
    expect(otherAudience.closedWith).toBe(4401);
    expect(staleEpoch.closedWith).toBe(4409);
    expect(otherWorkshop.snapshot.workshop).toBeNull();
    expect(otherAudience.snapshot.participants).toEqual({});
  });
});

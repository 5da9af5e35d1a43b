import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../server/app';
import { DurableStore } from '../../server/store/durable';
import {
  closeClients,
  connect,
  hello,
  joinAs,
  openReplica,
  openRoom,
  sendOk,
  useTestServer,
} from './helpers';

/** The refusal code a handshake gets, or 'connected'. */
async function handshake(url: string, auth: Record<string, unknown>): Promise<string> {
  try {
    const socket = await connect(url, auth);
    socket.disconnect();
    return 'connected';
  } catch (error) {
    return (error as { data?: { code?: string } }).data?.code ?? 'no code';
  }
}

describe('changing the join code', () => {
  const server = useTestServer();

  it('[A7] lets newcomers and the projector in with the new code only; people who joined keep coming back with the old one', async () => {
    const url = server.current.url;
    const room = await openRoom(url);
    const ana = await joinAs(url, room.joinCode, 'Ana');
    ana.socket.disconnect();

    const { joinCode } = await sendOk(room.console_, { type: 'changeJoinCode' });
    expect(joinCode).toMatch(/^[A-Z0-9]+$/);
    expect(joinCode).not.toBe(room.joinCode);
    // The projector already on screen follows: its replica shows the new code.
    await room.facilitator.waitFor((s) => s.workshop?.joinCode === joinCode);

    // The old code: a newcomer, a projector and a device without a token are turned away...
    expect(await handshake(url, { code: room.joinCode, as: 'participant' })).toBe('NOT_FOUND');
    expect(await handshake(url, { code: room.joinCode, as: 'projector' })).toBe('NOT_FOUND');
    expect(
      await handshake(url, { code: room.joinCode, as: 'participant', token: 'x'.repeat(22) }),
    ).toBe('NOT_FOUND');
    // ...while Ana's phone, which still knows only the old code, comes back as herself.
    const back = await connect(url, { code: room.joinCode, as: 'participant', token: ana.token });
    expect((await hello(back)).participantId).toBe(ana.participantId);

    // The new code works for newcomers and the projector.
    const bea = await joinAs(url, joinCode!, 'Béa');
    expect(bea.participantId).toBeTruthy();
    expect(await handshake(url, { code: joinCode, as: 'projector' })).toBe('connected');
  });

  it('[A7] lets go of a removed participant who kept watching the room, for good', async () => {
    const url = server.current.url;
    const room = await openRoom(url);
    const carl = await joinAs(url, room.joinCode, 'Carl');
    await sendOk(room.console_, { type: 'removeParticipant', participantId: carl.participantId });
    // Removed, Carl's phone is a visitor now: it reconnects and still watches the public room.
    const watching = await connect(url, {
      code: room.joinCode,
      as: 'participant',
      token: carl.token,
    });
    const welcome = await hello(watching);
    expect(welcome.role).toBe('nobody');
    const replica = openReplica(url, welcome);
    await replica.waitFor((s) => s.workshop !== null);

    const disconnected = new Promise<string>((resolve) => watching.once('disconnect', resolve));
    const { joinCode } = await sendOk(room.console_, { type: 'changeJoinCode' });
    expect(await disconnected).toBe('io server disconnect');
    await expect.poll(() => replica.closedWith).toBe(4401);
    expect(
      await handshake(url, { code: room.joinCode, as: 'participant', token: carl.token }),
    ).toBe('NOT_FOUND');
    // The room moves on without him: a note posted now never reaches his old replica.
    const dana = await joinAs(url, joinCode!, 'Dana');
    await sendOk(dana.socket, {
      type: 'addNote',
      boardId: room.boardId,
      columnId: room.columnId,
      text: 'Après le changement de code',
    });
    // (Public replica connections were closed with the change: screens reconnect with fresh
    // tickets; a test replica does not, so the projector opens a new one.)
    const projector = openReplica(
      url,
      await hello(await connect(url, { code: joinCode, as: 'projector' })),
    );
    await projector.waitFor((s) =>
      Object.values(s.notes).some((n) => n.text === 'Après le changement de code'),
    );
    expect(Object.values(replica.snapshot.notes).map((n) => n.text)).not.toContain(
      'Après le changement de code',
    );
  });
});

describe('changing the join code, across a restart', () => {
  it('[A7] former codes still let returning participants in after a restart, and no one else', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cocrea-code-'));
    try {
      let server = await startServer({
        port: 0,
        host: '127.0.0.1',
        store: await DurableStore.open(dir),
      });
      const room = await openRoom(server.url);
      const ana = await joinAs(server.url, room.joinCode, 'Ana');
      const { joinCode } = await sendOk(room.console_, { type: 'changeJoinCode' });
      closeClients();
      await server.close();

      server = await startServer({
        port: 0,
        host: '127.0.0.1',
        store: await DurableStore.open(dir),
      });
      try {
        const back = await connect(server.url, {
          code: room.joinCode,
          as: 'participant',
          token: ana.token,
        });
        expect((await hello(back)).participantId).toBe(ana.participantId);
        expect(await handshake(server.url, { code: room.joinCode, as: 'projector' })).toBe(
          'NOT_FOUND',
        );
        expect(await handshake(server.url, { code: joinCode, as: 'projector' })).toBe('connected');
      } finally {
        closeClients();
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

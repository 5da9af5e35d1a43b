import { describe, expect, it } from 'vitest';
import { createWorkshop, hello, joinAs, sendOk, TestReplica, useTestServer } from './helpers';

/*
 * What the Yjs endpoint keeps in memory for each phone, beyond its connections.
 */

describe('what a phone costs the endpoint', () => {
  const server = useTestServer();

  it('[R13] a private room keeps no encoded copy of its replica once sent; the public one does, for the next screen', async () => {
    const { url, realtime } = server.current;
    const { joinCode } = await createWorkshop(url);
    const ana = await joinAs(url, joinCode, 'Ana');
    const welcome = await hello(ana.socket);
    const publicGrant = welcome.rooms.find((r) => r.audience === 'public')!;
    const privateGrant = welcome.rooms.find((r) => r.audience === 'private')!;
    expect(privateGrant).toBeDefined();

    const screens = [new TestReplica(url, publicGrant), new TestReplica(url, privateGrant)];
    await screens[0]!.waitFor((s) => s.workshop !== null);
    await screens[1]!.waitFor((s) => s.me?.name === 'Ana');
    expect(realtime.yjs.fullStatesHeld()).toBe(1);

    // a second screen on the private room (a second tab) still gets all of it, and so does a
    // screen that opens it after it changed
    const second = new TestReplica(url, privateGrant);
    await second.waitFor((s) => s.me?.name === 'Ana');
    const workshop = screens[0]!.snapshot.workshop!;
    const boardId = workshop.stages.define.boardIds[0]!;
    const board = screens[0]!.snapshot.boards[boardId]!;
    await sendOk(ana.socket, {
      type: 'addNote',
      boardId,
      columnId: board.columns[0]!.id,
      text: 'Une idée à moi',
    });
    const third = new TestReplica(url, privateGrant);
    for (const r of [screens[1]!, second, third]) {
      await r.waitFor((s) => Object.values(s.notes).some((n) => n.text === 'Une idée à moi'));
    }
    expect(realtime.yjs.fullStatesHeld()).toBeLessThanOrEqual(1);
    for (const r of [...screens, second, third]) r.destroy();
  });
});

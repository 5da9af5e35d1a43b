import { describe, expect, it } from 'vitest';
import {
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  sendOk,
  useTestServer,
} from './helpers';
import { until } from './scene';

/*
 * Sessions over the real server: who is connected while one runs is in its attendance (those
 * already there when it starts, and those who come during it), and every screen shows it.
 */

describe('sessions over real transports', () => {
  const server = useTestServer();

  it('[SE5] starting a session records everyone connected, then whoever connects while it runs; the screens show the sessions and the current one', async () => {
    const { url, realtime } = server.current;
    const w = await createWorkshop(url);
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    const aline = await joinAs(url, w.joinCode, 'Aline');
    const bruno = await joinAs(url, w.joinCode, 'Bruno');
    const projector = openReplica(
      url,
      await hello(await connect(url, { code: w.joinCode, as: 'projector' })),
    );
    const { sessionId } = await sendOk(console_, {
      type: 'startSession',
      label: 'Lancement',
      date: '2026-11-26',
    });
    const state = () => realtime.rooms.get(w.workshopId)!.durable;
    await until(
      () => state().sessions![sessionId!]!.attendance.length === 2,
      'both phones attended',
    );
    expect(new Set(state().sessions![sessionId!]!.attendance)).toEqual(
      new Set([aline.participantId, bruno.participantId]),
    );
    // a third person comes during the session
    const chloe = await joinAs(url, w.joinCode, 'Chloé');
    await until(() => state().sessions![sessionId!]!.attendance.length === 3, 'Chloé attended');
    expect(state().sessions![sessionId!]!.attendance[2]).toBe(chloe.participantId);
    const shown = await projector.waitFor(
      (s) => s.workshop?.sessions[0]?.attendance === 3 && s.workshop.currentSessionId !== null,
    );
    expect(shown.workshop!.sessions).toEqual([
      expect.objectContaining({ number: 1, label: 'Lancement', date: '2026-11-26', endedAt: null }),
    ]);
    // once it ends, a newcomer attends nothing
    await sendOk(console_, { type: 'endSession' });
    await joinAs(url, w.joinCode, 'David');
    await new Promise((r) => setTimeout(r, 100));
    expect(state().sessions![sessionId!]!.attendance).toHaveLength(3);
    await projector.waitFor((s) => s.workshop?.currentSessionId === null);
  });
});

import { describe, expect, it } from 'vitest';
import { joinPageData } from '../../src/lib/server/joinPage';
import { joinAs, openRoom, sendOk, useTestServer } from './helpers';

const server = useTestServer();
const HERE = '127.0.0.1';

describe("the join page's server-side view", () => {
  it('[FS8] the current join code gives the public title, language, sectors and joiningOpen, nothing more; a former or unknown code gives not-found', async () => {
    const { url } = server.current;
    const room = await openRoom(url);
    const ana = await joinAs(url, room.joinCode, 'Ana Secrète');

    const found = await joinPageData(room.joinCode.toLowerCase(), HERE, null);
    expect(found.status).toBe('found');
    if (found.status !== 'found') return;
    expect(Object.keys(found.workshop).sort()).toEqual(
      ['joiningOpen', 'language', 'sectors', 'title'].sort(),
    );
    expect(found.workshop.title).toBe('Travailler ensemble');
    expect(found.workshop.language).toBe('fr');
    expect(found.workshop.joiningOpen).toBe(true);
    expect(found.workshop.sectors.map((s) => s.label)).toEqual([
      'Clinique / GMF',
      'Organisme communautaire',
      'Santé publique',
    ]);
    const text = JSON.stringify(found);
    for (const secret of ['Ana Secrète', ana.participantId, room.facilitatorKey, room.workshopId]) {
      expect(text).not.toContain(secret);
    }

    // Joining closed: the page says so (the form shows the notice).
    await sendOk(room.console_, { type: 'setJoining', open: false });
    const closed = await joinPageData(room.joinCode, HERE, null);
    expect(closed.status === 'found' && closed.workshop.joiningOpen).toBe(false);

    const { joinCode } = await sendOk(room.console_, { type: 'changeJoinCode' });
    expect(await joinPageData(room.joinCode, HERE, null)).toEqual({ status: 'notFound' });
    expect((await joinPageData(joinCode!, HERE, null)).status).toBe('found');
    expect(await joinPageData('ZZZZZZ', HERE, null)).toEqual({ status: 'notFound' });
    expect(await joinPageData('not a code!', HERE, null)).toEqual({ status: 'notFound' });
  });

  it('[FS9] a code that leads nowhere costs the address a failed attempt, shared with the socket: once spent, the page cannot tell (and names no workshop)', async () => {
    const { url, realtime } = server.current;
    const room = await openRoom(url);
    const failures = realtime.access.limits.failuresPerAddress;
    let spent = 0;
    while (failures.allows(HERE) && spent < 100) {
      expect(await joinPageData(`ZZ${String(spent).padStart(4, '0')}`, HERE, null)).toEqual({
        status: 'notFound',
      });
      spent++;
    }
    expect(spent).toBe(30);
    // Spent: even the right code gets "cannot tell" (the phone asks over the socket, throttled).
    expect(await joinPageData(room.joinCode, HERE, null)).toEqual({ status: 'unknown' });
    // Another address is not affected; a proxy's header is not believed unless trusted.
    expect((await joinPageData(room.joinCode, '10.0.0.2', null)).status).toBe('found');
    expect((await joinPageData(room.joinCode, HERE, '10.0.0.3')).status).toBe('unknown');
  });
});

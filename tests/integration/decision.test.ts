import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { decisionOf } from '../../src/lib/client/snapshot';
import {
  bytesOf,
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  send,
  sendOk,
  type TestReplica,
  useDurableServer,
} from './helpers';

/*
 * Décision against the real server and real clients: what each screen may see of the ballots,
 * the rules a ballot obeys, and that an acknowledged ballot survives a restart.
 */

const durable = useDurableServer('decision');
const start = () => durable.start();

interface Phone {
  socket: Socket;
  participantId: string;
  token: string;
  own: TestReplica;
}

/** Four candidates, three phones that joined, a projector, the console: a dot vote open. */
async function votingRoom(url: string) {
  const created = await createWorkshop(url);
  const console_ = await connect(url, {
    workshopId: created.workshopId,
    key: created.facilitatorKey,
  });
  const candidates: string[] = [];
  for (const title of ['Guichet unique', 'Infirmière de liaison', 'Répertoire partagé', 'Café']) {
    const reply = await sendOk(console_, {
      type: 'addCandidate',
      title,
      description: '',
      sources: [],
    });
    candidates.push(reply.candidateId!);
  }
  const phones: Phone[] = [];
  for (const name of ['Aline', 'Bruno', 'Chloé']) {
    const joined = await joinAs(url, created.joinCode, name);
    const own = openReplica(url, await hello(joined.socket), 'private');
    phones.push({ ...joined, own });
  }
  await sendOk(console_, { type: 'setStage', stage: 'decide' });
  await sendOk(console_, { type: 'openDotVote', budget: 3, cap: 2 });
  const projector = openReplica(
    url,
    await hello(await connect(url, { code: created.joinCode, as: 'projector' })),
  );
  const consoleReplica = openReplica(url, await hello(console_), 'facilitator');
  return { ...created, console_, candidates, phones, projector, consoleReplica };
}

/** Dots each phone places: Aline 2+1, Bruno 2 on the first, Chloé 1 on the third. */
async function castAll(room: Awaited<ReturnType<typeof votingRoom>>) {
  const [a, b, c] = room.phones;
  const [first, second, third] = room.candidates;
  await sendOk(a!.socket, { type: 'castDots', candidateId: first!, dots: 2 });
  await sendOk(a!.socket, { type: 'castDots', candidateId: second!, dots: 1 });
  await sendOk(b!.socket, { type: 'castDots', candidateId: first!, dots: 2 });
  await sendOk(c!.socket, { type: 'castDots', candidateId: third!, dots: 1 });
}

describe('the dot vote over real transports', () => {
  it('[DC40] while the vote is open the room sees turnout only, each phone only its own dots, the console totals only when peeking; revealed, everyone sees the same totals', async () => {
    const { url } = await start();
    const room = await votingRoom(url);
    await castAll(room);
    const [first, second, third, fourth] = room.candidates;
    await room.projector.waitFor((s) => decisionOf(s).dotVote?.turnout === 3);
    const publicVote = decisionOf(room.projector.snapshot).dotVote!;
    expect(publicVote.totals).toBeNull();
    expect(publicVote.shortlist).toBeNull();
    await room.consoleReplica.waitFor((s) => decisionOf(s).dotVote?.turnout === 3);
    expect(decisionOf(room.consoleReplica.snapshot).dotVote!.totals).toBeNull();
    // each phone holds its own ballot and nobody else's
    const [a, b, c] = room.phones;
    await a!.own.waitFor((s) => decisionOf(s).mine?.dots[second!] === 1);
    expect(decisionOf(a!.own.snapshot).mine!.dots).toEqual({ [first!]: 2, [second!]: 1 });
    await c!.own.waitFor((s) => decisionOf(s).mine !== null);
    expect(decisionOf(c!.own.snapshot).mine!.dots).toEqual({ [third!]: 1 });
    // no ballot anywhere but in its own replica: the room's and the other phones' bytes never
    // hold Aline's id; the console lists people, but its Décision map names none of them
    for (const replica of [room.projector, b!.own, c!.own]) {
      expect(bytesOf(replica)).not.toContain(a!.participantId);
    }
    expect(JSON.stringify(room.consoleReplica.snapshot.decision)).not.toContain(a!.participantId);
    for (const replica of [room.projector, room.consoleReplica]) {
      expect(bytesOf(replica)).not.toContain('"dots"');
    }
    // the console peeks: live totals on the console only
    await sendOk(room.console_, { type: 'peekDotVote', on: true });
    await room.consoleReplica.waitFor((s) => decisionOf(s).dotVote?.totals !== null);
    expect(decisionOf(room.consoleReplica.snapshot).dotVote!.totals).toEqual({
      [first!]: 4,
      [second!]: 1,
      [third!]: 1,
      [fourth!]: 0,
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(decisionOf(room.projector.snapshot).dotVote!.totals).toBeNull();
    // closed, then revealed: the room sees the totals and the shortlist
    await sendOk(room.console_, { type: 'closeDotVote' });
    await sendOk(room.console_, { type: 'revealDotVote' });
    const revealed = await room.projector.waitFor((s) => decisionOf(s).dotVote?.revealed === true);
    expect(decisionOf(revealed).dotVote!.totals).toEqual({
      [first!]: 4,
      [second!]: 1,
      [third!]: 1,
      [fourth!]: 0,
    });
    // four places, but the candidate without a dot never goes through
    expect(decisionOf(revealed).dotVote!.shortlist).toEqual([first, second, third]);
  });

  it('[DC41] the budget, the cap per candidate and a closed vote hold through the transport, and a refusal changes nothing', async () => {
    const { url } = await start();
    const room = await votingRoom(url);
    const [a] = room.phones;
    const [first, second, third] = room.candidates;
    const overCap = await send(a!.socket, { type: 'castDots', candidateId: first!, dots: 3 });
    expect(overCap.ok || overCap.error.code).toBe('OVER_DOT_CAP');
    await sendOk(a!.socket, { type: 'castDots', candidateId: first!, dots: 2 });
    await sendOk(a!.socket, { type: 'castDots', candidateId: second!, dots: 1 });
    const overBudget = await send(a!.socket, { type: 'castDots', candidateId: third!, dots: 1 });
    expect(overBudget.ok || overBudget.error.code).toBe('OVER_DOT_BUDGET');
    await sendOk(room.console_, { type: 'closeDotVote' });
    const closed = await send(a!.socket, { type: 'castDots', candidateId: second!, dots: 0 });
    expect(closed.ok || closed.error.code).toBe('DOT_VOTE_CLOSED');
    const state = durable.current.realtime.rooms.get(room.workshopId)!.durable;
    expect(state.dots![a!.participantId]).toEqual({ [first!]: 2, [second!]: 1 });
    // a participant cannot open, close or reveal anything
    const reveal = await send(a!.socket, { type: 'revealDotVote' });
    expect(reveal.ok || reveal.error.code).toBe('NOT_ALLOWED');
  });

  it('[DC42] a restart in the middle of the vote loses no acknowledged ballot', async () => {
    const { url } = await start();
    const room = await votingRoom(url);
    await castAll(room);
    const before = durable.current.realtime.rooms.get(room.workshopId)!.durable.dots;
    closeClients();
    await durable.current.close();
    const again = await start();
    expect(again.realtime.rooms.get(room.workshopId)!.durable.dots).toEqual(before);
    // and the vote goes on: a phone changes its mind
    const phone = await connect(again.url, {
      code: room.joinCode,
      as: 'participant',
      token: room.phones[1]!.token,
    });
    await sendOk(phone, { type: 'castDots', candidateId: room.candidates[1]!, dots: 1 });
    expect(
      again.realtime.rooms.get(room.workshopId)!.durable.dots![room.phones[1]!.participantId],
    ).toEqual({ [room.candidates[0]!]: 2, [room.candidates[1]!]: 1 });
  });

  it('[DC43] two console tabs editing at once converge on the same candidates', async () => {
    const { url } = await start();
    const room = await votingRoom(url);
    const second = await connect(url, { workshopId: room.workshopId, key: room.facilitatorKey });
    const other = openReplica(url, await hello(second), 'facilitator');
    await Promise.all([
      send(room.console_, {
        type: 'editCandidate',
        candidateId: room.candidates[0]!,
        title: 'Un',
        description: 'a',
      }),
      send(second, {
        type: 'editCandidate',
        candidateId: room.candidates[0]!,
        title: 'Deux',
        description: 'b',
      }),
      send(second, { type: 'moveCandidate', candidateId: room.candidates[3]!, direction: 'up' }),
    ]);
    const expected = JSON.stringify(
      decisionOf(
        await room.consoleReplica.waitFor(
          (s) => decisionOf(s).candidates[2]?.id === room.candidates[3],
        ),
      ).candidates,
    );
    await other.waitFor((s) => JSON.stringify(decisionOf(s).candidates) === expected);
    const state = durable.current.realtime.rooms.get(room.workshopId)!.durable;
    expect(['Un', 'Deux']).toContain(state.candidates![room.candidates[0]!]!.title);
  });
});

describe('the ranking over real transports', () => {
  it('[DC44] rankings stay secret until revealed; the revealed result is the one the domain computes', async () => {
    const { url } = await start();
    const room = await votingRoom(url);
    await castAll(room);
    await sendOk(room.console_, { type: 'closeDotVote' });
    await sendOk(room.console_, { type: 'openRanking' });
    const [first, second, third] = room.candidates;
    const [a, b, c] = room.phones;
    await sendOk(a!.socket, { type: 'submitRanking', order: [first!, second!, third!] });
    await sendOk(b!.socket, { type: 'submitRanking', order: [second!, first!] });
    await sendOk(c!.socket, { type: 'submitRanking', order: [first!] });
    await room.projector.waitFor((s) => decisionOf(s).ranking?.turnout === 3);
    expect(decisionOf(room.projector.snapshot).ranking!.result).toBeNull();
    await b!.own.waitFor((s) => (decisionOf(s).mine?.ranking.length ?? 0) === 2);
    expect(decisionOf(b!.own.snapshot).mine!.ranking).toEqual([second, first]);
    for (const replica of [room.projector, a!.own, c!.own]) {
      expect(bytesOf(replica)).not.toContain(b!.participantId);
    }
    expect(JSON.stringify(room.consoleReplica.snapshot.decision)).not.toContain(b!.participantId);
    await sendOk(room.console_, { type: 'closeRanking' });
    await sendOk(room.console_, { type: 'revealRanking' });
    const shown = await room.projector.waitFor((s) => decisionOf(s).ranking?.result != null);
    const result = decisionOf(shown).ranking!.result!;
    // n = 3: A [1,2,3] gives 2,1,0; B [2,1] gives 2 to 2nd, 1 to 1st, 0 to 3rd;
    // C [1] gives 2 to 1st, and (1+0)/2 = 0.5 to each of 2nd and 3rd.
    expect(result.order).toEqual([first, second, third]);
    expect(result.items.map((i) => i.borda)).toEqual([5, 3.5, 0.5]);
    expect(result.ballots).toBe(3);
  });
});

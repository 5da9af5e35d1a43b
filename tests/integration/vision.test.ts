import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { REFUSED_WRITE, VISION_HISTORY_MERGE_AT } from '../../server/vision';
import {
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  openReplica,
  sendOk,
  type TestReplica,
  VisionWriter,
  useDurableServer,
} from './helpers';
import { until } from './scene';

/*
 * The writable vision room against the real server, with real y-websocket clients: what they
 * write converges and is kept; what the rules refuse changes nothing and resyncs the writer.
 */

const durable = useDurableServer('vision');
const start = () => durable.start();

/** A workshop in Devenir with one statement, the console writing, a participant, a projector. */
async function devenir(url: string) {
  const created = await createWorkshop(url);
  const console_ = await connect(url, {
    workshopId: created.workshopId,
    key: created.facilitatorKey,
  });
  const { statementId } = (await sendOk(console_, {
    type: 'addStatement',
    title: 'Dans trois ans, chaque personne…',
  })) as { statementId: string };
  await sendOk(console_, { type: 'setStage', stage: 'dream' });
  const consoleWelcome = await hello(console_);
  const phone = await joinAs(url, created.joinCode, 'Aline');
  const phoneWelcome = await hello(phone.socket);
  const projector = await connect(url, { code: created.joinCode, as: 'projector' });
  const projectorWelcome = await hello(projector);
  const screen = openReplica(url, projectorWelcome);
  return {
    ...created,
    statementId,
    console_,
    consoleWelcome,
    phone,
    phoneWelcome,
    projectorWelcome,
    screen,
  };
}

function shownText(screen: TestReplica, statementId: string): string | undefined {
  return screen.snapshot.statements[statementId]?.text;
}

function serverText(workshopId: string, statementId: string): string {
  return durable.current.realtime.rooms.get(workshopId)!.durable.statements![statementId]!.text;
}

describe('the vision room', () => {
  it('[V14] two writers typing at once converge; the server keeps the same text and every screen shows it', async () => {
    const { url } = await start();
    const w = await devenir(url);
    const a = new VisionWriter(url, w.consoleWelcome.vision!);
    const b = new VisionWriter(url, w.phoneWelcome.vision!);
    await Promise.all([a.synced(), b.synced()]);
    // both type at the same time, each a few keystrokes
    for (let i = 0; i < 5; i++) {
      a.text(w.statementId).insert(0, 'a');
      b.text(w.statementId).insert(b.text(w.statementId).length, 'b');
    }
    await until(
      () =>
        a.text(w.statementId).toString() === b.text(w.statementId).toString() &&
        a.text(w.statementId).length === 10,
      'the writers converged',
    );
    const text = a.text(w.statementId).toString();
    expect(text.split('').sort().join('')).toBe('aaaaabbbbb');
    await until(() => serverText(w.workshopId, w.statementId) === text, 'the server kept it');
    await w.screen.waitFor((s) => s.statements[w.statementId]?.text === text);
    // the projector has no vision ticket: it reads the mirror only
    expect(w.projectorWelcome.vision).toBeNull();
    const vision = durable.current.realtime.rooms.get(w.workshopId)!.vision;
    expect(vision.doc.getText(w.statementId).toString()).toBe(text);
  });

  it('[V15] a write to a locked statement changes nothing: the writer is closed with REFUSED_WRITE and resyncs to the server’s text', async () => {
    const { url } = await start();
    const w = await devenir(url);
    const b = new VisionWriter(url, w.phoneWelcome.vision!);
    await b.synced();
    b.text(w.statementId).insert(0, 'Ensemble');
    await until(() => serverText(w.workshopId, w.statementId) === 'Ensemble', 'the first write');
    await sendOk(w.console_, { type: 'lockStatement', statementId: w.statementId, locked: true });
    b.text(w.statementId).insert(8, ', toujours');
    await until(() => b.closedWith === REFUSED_WRITE, 'the refusal');
    expect(serverText(w.workshopId, w.statementId)).toBe('Ensemble');
    // a fresh document, with a fresh ticket, holds the server's text only
    const again = new VisionWriter(url, (await hello(w.phone.socket)).vision!);
    await again.synced();
    expect(again.text(w.statementId).toString()).toBe('Ensemble');
    expect(shownText(w.screen, w.statementId)).toBe('Ensemble');
  });

  it('[V16] an update that would take a statement past 1,000 characters is refused whole; one that reaches 1,000 is kept', async () => {
    const { url } = await start();
    const w = await devenir(url);
    const b = new VisionWriter(url, w.phoneWelcome.vision!);
    await b.synced();
    b.text(w.statementId).insert(0, 'x'.repeat(1000));
    await until(() => serverText(w.workshopId, w.statementId).length === 1000, 'the long write');
    b.text(w.statementId).insert(0, 'y');
    await until(() => b.closedWith === REFUSED_WRITE, 'the refusal');
    expect(serverText(w.workshopId, w.statementId)).toBe('x'.repeat(1000));
  });

  it('[V17] replica connections and projectors write nothing: an update on a public replica is dropped, a public ticket does not open the vision room', async () => {
    const { url } = await start();
    const w = await devenir(url);
    // a projector's public ticket presented for the vision room
    const grant = w.projectorWelcome.rooms[0]!;
    const intruder = new VisionWriter(url, {
      room: w.phoneWelcome.vision!.room,
      ticket: grant.ticket,
    });
    await until(() => intruder.closedWith !== null, 'the refusal');
    expect(intruder.closedWith).toBe(4401);
    // an update sent on the public replica (its doc holds the statement's text as data)
    w.screen.doc.getText(w.statementId).insert(0, 'Pirate');
    await new Promise((r) => setTimeout(r, 200));
    expect(serverText(w.workshopId, w.statementId)).toBe('');
    expect(
      durable.current.realtime.rooms.get(w.workshopId)!.vision.doc.getText(w.statementId).length,
    ).toBe(0);
  });

  it('[V18] a participant removed from the workshop loses write access at once', async () => {
    const { url } = await start();
    const w = await devenir(url);
    const b = new VisionWriter(url, w.phoneWelcome.vision!);
    await b.synced();
    b.text(w.statementId).insert(0, 'Avant');
    await until(() => serverText(w.workshopId, w.statementId) === 'Avant', 'the write');
    await sendOk(w.console_, { type: 'removeParticipant', participantId: w.phone.participantId });
    await until(() => b.closedWith !== null, 'the writer closed');
    expect(b.closedWith).toBe(4401);
    // what it types afterwards, and the ticket it held, get nowhere
    const again = new VisionWriter(url, w.phoneWelcome.vision!);
    await until(() => again.closedWith !== null, 'the old ticket refused');
    expect(serverText(w.workshopId, w.statementId)).toBe('Avant');
  });

  it('[V19] after a restart the room has the same history: a writer that kept its document (and typed offline) merges without duplicating anything', async () => {
    const { url } = await start();
    const w = await devenir(url);
    const b = new VisionWriter(url, w.phoneWelcome.vision!);
    await b.synced();
    b.text(w.statementId).insert(0, 'Une clinique ouverte');
    await until(
      () => serverText(w.workshopId, w.statementId) === 'Une clinique ouverte',
      'the write',
    );
    b.provider.disconnect();
    // offline, the phone keeps typing
    b.text(w.statementId).insert(20, ' à tous');
    closeClients();
    await durable.current.close();
    const again = await start();
    const phone = await connect(again.url, {
      code: w.joinCode,
      as: 'participant',
      token: w.phone.token,
    });
    const grant = (await hello(phone)).vision!;
    const back = new VisionWriter(again.url, grant, b.doc);
    await back.synced();
    await until(
      () => serverText(w.workshopId, w.statementId) === 'Une clinique ouverte à tous',
      'the offline typing merged',
    );
    expect(back.text(w.statementId).toString()).toBe('Une clinique ouverte à tous');
    // a second writer from scratch sees it once
    const fresh = new VisionWriter(again.url, (await hello(phone)).vision!);
    await fresh.synced();
    expect(fresh.text(w.statementId).toString()).toBe('Une clinique ouverte à tous');
  });

  it('[V13] the history is merged once it grows long; a reload rebuilds the same document from it', async () => {
    const { url } = await start();
    const w = await devenir(url);
    const b = new VisionWriter(url, w.phoneWelcome.vision!);
    await b.synced();
    const text = b.text(w.statementId);
    for (let i = 0; i < VISION_HISTORY_MERGE_AT + 20; i++) {
      text.insert(text.length, String(i % 10));
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 1100)); // the writer's budget
    }
    const expected = text.toString();
    await until(() => serverText(w.workshopId, w.statementId) === expected, 'every keystroke');
    const room = durable.current.realtime.rooms.get(w.workshopId)!;
    await until(
      () => (room.durable.visionHistory?.length ?? 0) < VISION_HISTORY_MERGE_AT,
      'the merge',
    );
    b.destroy();
    closeClients();
    await durable.current.close();
    const again = await start();
    const reloaded = again.realtime.rooms.get(w.workshopId)!.vision.doc;
    expect(reloaded.getText(w.statementId).toString()).toBe(expected);
    expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(b.doc));
  }, 20_000);

  it('[V14] carets: phones see a colour and no name, the console sees the name; nobody sets another writer’s caret', async () => {
    const { url } = await start();
    const w = await devenir(url);
    const console_ = new VisionWriter(url, w.consoleWelcome.vision!);
    const phone = new VisionWriter(url, w.phoneWelcome.vision!);
    const other = await joinAs(url, w.joinCode, 'Béatrice');
    const otherPhone = new VisionWriter(url, (await hello(other.socket as Socket)).vision!);
    await Promise.all([console_.synced(), phone.synced(), otherPhone.synced()]);
    phone.provider.awareness.setLocalState({
      statementId: w.statementId,
      anchor: null,
      head: null,
      colour: '#c33',
      name: 'Quelqu’un d’autre',
      secret: 'x',
    });
    const id = phone.doc.clientID;
    await until(() => console_.provider.awareness.getStates().has(id), 'the console sees it');
    await until(() => otherPhone.provider.awareness.getStates().has(id), 'the phone sees it');
    expect(console_.provider.awareness.getStates().get(id)).toMatchObject({
      colour: '#c33',
      name: 'Aline',
    });
    const seen = otherPhone.provider.awareness.getStates().get(id)!;
    expect(seen.colour).toBe('#c33');
    expect(seen).not.toHaveProperty('name');
    expect(seen).not.toHaveProperty('secret');
    // another writer claiming that client id is ignored
    const forged = new awarenessProtocol.Awareness(new Y.Doc());
    forged.clientID = id;
    forged.setLocalState({ statementId: w.statementId, colour: '#000' });
    const update = awarenessProtocol.encodeAwarenessUpdate(forged, [id]);
    forged.destroy();
    const ws = (otherPhone.provider as unknown as { ws: WebSocket }).ws;
    ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(lengthPrefixed(update))]));
    await new Promise((r) => setTimeout(r, 200));
    expect(console_.provider.awareness.getStates().get(id)).toMatchObject({ colour: '#c33' });
  });
});

/** A lib0 var-uint length, then the bytes (how y-websocket frames an awareness update). */
function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let n = bytes.length;
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return new Uint8Array([...out, ...bytes]);
}

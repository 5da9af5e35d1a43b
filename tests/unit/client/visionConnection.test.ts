import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  CARETS_PER_SECOND,
  VISION_CLOSE,
  VisionConnection,
} from '../../../src/lib/client/visionConnection';

/**
 * The browser's WebSocket as y-websocket uses it, driven by the test: it plays the server's
 * side (opens, sends sync and awareness messages, closes with a code).
 */
class FakeSocket {
  static made: FakeSocket[] = [];
  static readonly OPEN = 1;
  readonly OPEN = 1;
  readyState = 0;
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  sent: Uint8Array[] = [];
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** The server's whole state, as the answer to the client's sync step 1. */
  syncFrom(server: Y.Doc): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep2(encoder, server);
    this.#deliver(encoding.toUint8Array(encoder));
  }
  awarenessFrom(awareness: Awareness): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, [awareness.clientID]));
    this.#deliver(encoding.toUint8Array(encoder));
  }
  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  #deliver(message: Uint8Array): void {
    const copy = message.slice();
    this.onmessage?.({ data: copy.buffer });
  }
}

const connections: VisionConnection[] = [];
function connect(ticket = 't1') {
  FakeSocket.made = [];
  const asked: number[] = [];
  const connection = new VisionConnection(
    'ws://test/yjs',
    'w1.vision.h1',
    ticket,
    { needTicket: (code) => asked.push(code), changed: () => undefined },
    { WebSocket: FakeSocket as unknown as typeof WebSocket },
  );
  connections.push(connection);
  return { connection, asked, socket: () => FakeSocket.made.at(-1)! };
}

afterEach(() => {
  for (const c of connections.splice(0)) c.destroy();
  vi.useRealTimers();
});

function serverDoc(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('s1').insert(0, text);
  return doc;
}

describe('the vision connection', () => {
  it('[V22] an expired ticket: a fresh one is asked for and the same document reconnects', () => {
    const { connection, asked, socket } = connect();
    const first = socket();
    first.open();
    first.syncFrom(serverDoc('Ensemble'));
    expect(connection.status).toBe('online');
    const doc = connection.doc;
    first.serverClose(VISION_CLOSE.BAD_TICKET);
    expect(asked).toEqual([VISION_CLOSE.BAD_TICKET]);
    // typed meanwhile: kept
    doc.getText('s1').insert(8, ', nous');
    expect(FakeSocket.made).toHaveLength(1);
    connection.renew('t2');
    expect(FakeSocket.made).toHaveLength(2);
    expect(socket().url).toContain('ticket=t2');
    expect(connection.doc).toBe(doc);
    expect(doc.getText('s1').toString()).toBe('Ensemble, nous');
  });

  it('[V23] a refused write: the document is dropped for a fresh one synced from the server', () => {
    const { connection, asked, socket } = connect();
    socket().open();
    socket().syncFrom(serverDoc('Ensemble'));
    const refused = connection.doc;
    refused.getText('s1').insert(0, 'REFUSÉ ');
    socket().serverClose(VISION_CLOSE.REFUSED_WRITE);
    expect(asked).toEqual([VISION_CLOSE.REFUSED_WRITE]);
    expect(connection.resyncing).toBe(true);
    connection.renew('t2');
    // until the fresh document has synced, the old one stays on screen, not to be edited
    expect(connection.doc).toBe(refused);
    expect(connection.resyncing).toBe(true);
    const fresh = socket();
    expect(fresh.url).toContain('ticket=t2');
    fresh.open();
    fresh.syncFrom(serverDoc('Ensemble'));
    expect(connection.doc).not.toBe(refused);
    expect(connection.resyncing).toBe(false);
    expect(connection.doc.getText('s1').toString()).toBe('Ensemble');
    expect(connection.status).toBe('online');
  });

  it('[V23] an update too large is handled like a refused write', () => {
    const { connection, asked, socket } = connect();
    socket().open();
    socket().syncFrom(serverDoc(''));
    const refused = connection.doc;
    socket().serverClose(VISION_CLOSE.TOO_LARGE);
    expect(asked).toEqual([VISION_CLOSE.TOO_LARGE]);
    connection.renew('t2');
    socket().open();
    socket().syncFrom(serverDoc(''));
    expect(connection.doc).not.toBe(refused);
  });

  it('[V24] the awareness goes with the connection: its caret is withdrawn', () => {
    const { connection, socket } = connect();
    socket().open();
    socket().syncFrom(serverDoc('abc'));
    connection.setCaret('s1', 1);
    const awareness = connection.provider.awareness;
    expect(awareness.getLocalState()).not.toBeNull();
    connection.destroy();
    expect(awareness.getLocalState()).toBeNull();
  });

  it('[V22] when the network drops, it reconnects at once with the same document', () => {
    const { connection, socket } = connect();
    const first = socket();
    first.open();
    first.syncFrom(serverDoc('Ensemble'));
    const doc = connection.doc;
    connection.reconnect();
    expect(connection.status).toBe('offline');
    expect(FakeSocket.made).toHaveLength(2);
    expect(socket()).not.toBe(first);
    expect(socket().url).toContain('ticket=t1');
    socket().open();
    socket().syncFrom(serverDoc('Ensemble'));
    expect(connection.doc).toBe(doc);
    expect(connection.status).toBe('online');
  });

  it('[V22] the workshop is gone: nothing is asked for, nothing reconnects', () => {
    const { connection, asked, socket } = connect();
    socket().open();
    socket().serverClose(VISION_CLOSE.GONE);
    expect(asked).toEqual([]);
    expect(connection.status).toBe('gone');
  });

  it('[V22] a dropped connection (no code of ours) is offline, and the text typed stays', () => {
    const { connection, asked, socket } = connect();
    socket().open();
    socket().syncFrom(serverDoc(''));
    socket().serverClose(1006);
    expect(connection.status).toBe('offline');
    expect(asked).toEqual([]);
    connection.doc.getText('s1').insert(0, 'hors ligne');
    expect(connection.doc.getText('s1').toString()).toBe('hors ligne');
  });

  it(`[V24] carets leave at most ${CARETS_PER_SECOND} times a second, the last one always`, () => {
    vi.useFakeTimers();
    const { connection, socket } = connect();
    socket().open();
    socket().syncFrom(serverDoc('Dans trois ans, chaque personne'));
    const states: unknown[] = [];
    connection.provider.awareness.on('update', () =>
      states.push(connection.provider.awareness.getLocalState()),
    );
    for (let i = 0; i < 30; i++) {
      connection.setCaret('s1', i);
      vi.advanceTimersByTime(33);
    }
    vi.advanceTimersByTime(1000);
    // 30 moves over about a second: at most 4 a second, plus the last one
    expect(states.length).toBeLessThanOrEqual(CARETS_PER_SECOND + 2);
    expect(states.length).toBeGreaterThan(1);
    const last = states.at(-1) as { statementId: string; anchor: unknown; colour: string };
    expect(last.statementId).toBe('s1');
    const anchor = Y.createRelativePositionFromJSON(last.anchor);
    expect(connection.caretIndex(anchor)).toBe(29);
    expect(last.colour).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('[V24] others carets are read from the room, a bad colour or shape left out', () => {
    const { connection, socket } = connect();
    socket().open();
    const server = serverDoc('Dans trois ans');
    socket().syncFrom(server);
    const other = new Awareness(new Y.Doc());
    const text = server.getText('s1');
    const at = (i: number) =>
      Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, i));
    other.setLocalState({
      statementId: 's1',
      anchor: at(5),
      head: at(10),
      colour: '#1565c0',
      name: 'Awa',
    });
    socket().awarenessFrom(other);
    const [caret] = [...connection.carets.values()];
    expect(caret?.name).toBe('Awa');
    expect(connection.caretIndex(caret!.anchor)).toBe(5);
    expect(connection.caretIndex(caret!.head)).toBe(10);
    other.setLocalState({ statementId: 's1', anchor: at(1), head: at(1), colour: 'red;x:y' });
    socket().awarenessFrom(other);
    expect(connection.carets.size).toBe(0);
    other.destroy();
  });
});

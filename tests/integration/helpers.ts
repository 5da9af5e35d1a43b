import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startServer, type RunningServer } from '../../server/app';
import type { RealtimeOptions } from '../../server/realtime';
import { DurableStore } from '../../server/store/durable';
import { MemoryStore } from '../../server/store/memory';
import { newRejoinCode } from '../../src/lib/client/opId';
import { readSnapshot } from '../../src/lib/client/snapshot';
import type { Ack } from '../../src/lib/protocol/ack';
import type { ClientCommand } from '../../src/lib/protocol/commands';
import type { ReplicaSnapshot, RoomGrant, Welcome } from '../../src/lib/protocol/replica';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';

/** The real server on an ephemeral port of 127.0.0.1, with an in-memory store. */
export async function startTestServer(
  realtime: Omit<RealtimeOptions, 'store'> = {},
): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', store: new MemoryStore(), realtime });
}

/** A fresh server for each test of the file (clients closed first); read `.current` in tests. */
export function useTestServer(realtime: Omit<RealtimeOptions, 'store'> = {}): {
  current: RunningServer;
} {
  const holder = {} as { current: RunningServer };
  beforeEach(async () => {
    holder.current = await startTestServer(realtime);
  });
  afterEach(async () => {
    closeClients();
    await holder.current.close();
  });
  return holder;
}

/**
 * The real server over a durable store, in a fresh temporary directory for each test of the
 * file: `start()` opens it there (again after `current.close()`, for a restart); after each test
 * the clients, the latest server and the directory go.
 */
export function useDurableServer(name: string): {
  readonly dir: string;
  readonly current: RunningServer;
  start(): Promise<RunningServer>;
} {
  let dir = '';
  let current: RunningServer | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), `cocrea-${name}-`));
  });
  afterEach(async () => {
    closeClients();
    await current?.close();
    current = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get current() {
      if (!current) throw new Error('start() the server first');
      return current;
    },
    async start() {
      const store = await DurableStore.open(dir);
      current = await startServer({ port: 0, host: '127.0.0.1', store });
      return current;
    },
  };
}

const sockets = new Set<Socket>();
const replicas = new Set<TestReplica | VisionWriter>();

/** Close every client a test opened (call in afterEach, before closing the server). */
export function closeClients(): void {
  for (const socket of sockets) socket.disconnect();
  sockets.clear();
  for (const replica of replicas) replica.destroy();
  replicas.clear();
}

/** A real socket.io client; resolves once connected, rejects with the refusal data. */
export function connect(url: string, auth: Record<string, unknown> = {}): Promise<Socket> {
  const socket = io(url, {
    auth: { v: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown }) =>
      reject(Object.assign(new Error(error.message), { data: error.data })),
    );
  });
}

export async function hello(socket: Socket): Promise<Welcome> {
  const ack = (await socket.timeout(5000).emitWithAck('hello')) as Ack<Welcome>;
  if (!ack.ok) throw new Error(`hello refused: ${ack.error.code}`);
  return ack.value;
}

let opCounter = 0;
/** Send a command with a fresh (or given) op id and return the ack. */
export async function send(
  socket: Socket,
  cmd: ClientCommand | Record<string, unknown>,
  op = `op-test-${process.pid}-${++opCounter}`,
): Promise<Ack<Record<string, string>>> {
  return (await socket.timeout(5000).emitWithAck('cmd', { v: PROTOCOL_VERSION, op, cmd })) as Ack<
    Record<string, string>
  >;
}

/** Like send, but fails the test with the error when the command is refused. */
export async function sendOk(
  socket: Socket,
  cmd: ClientCommand,
  op?: string,
): Promise<Record<string, string>> {
  const ack = await send(socket, cmd, op);
  if (!ack.ok) throw new Error(`${cmd.type} refused: ${ack.error.code} ${ack.error.message}`);
  return ack.value;
}

/** A read-only replica held through the real y-websocket client. */
export class TestReplica {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  closedWith: number | null = null;

  constructor(url: string, grant: Pick<RoomGrant, 'room' | 'ticket'>) {
    this.provider = new WebsocketProvider(
      `${url.replace(/^http/, 'ws')}/yjs`,
      grant.room,
      this.doc,
      {
        params: { ticket: grant.ticket },
        disableBc: true,
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      },
    );
    this.provider.on('closed', (event) => (this.closedWith = event.code));
    replicas.add(this);
  }

  get snapshot(): ReplicaSnapshot {
    return readSnapshot(this.doc);
  }

  /** Wait until the replica satisfies the predicate (polling; bounded). */
  async waitFor(
    predicate: (s: ReplicaSnapshot) => boolean,
    timeoutMs = 5000,
  ): Promise<ReplicaSnapshot> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const snap = this.snapshot;
      if (predicate(snap)) return snap;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`replica did not reach the expected state: ${JSON.stringify(this.snapshot)}`);
  }

  destroy(): void {
    this.provider.awareness.destroy();
    this.provider.destroy();
    this.doc.destroy();
    replicas.delete(this);
  }
}

/** Open the replica of one audience from a welcome. */
export function openReplica(url: string, welcome: Welcome, audience = 'public'): TestReplica {
  const grant = welcome.rooms.find((r) => r.audience === audience);
  if (!grant) throw new Error(`no ${audience} room granted`);
  return new TestReplica(url, grant);
}

/** Create a workshop as an unauthenticated visitor; returns the ids and the facilitator key. */
export async function createWorkshop(
  url: string,
  overrides: Partial<Extract<ClientCommand, { type: 'createWorkshop' }>> = {},
): Promise<{ workshopId: string; joinCode: string; facilitatorKey: string }> {
  const visitor = await connect(url);
  const value = await sendOk(visitor, {
    type: 'createWorkshop',
    title: 'Travailler ensemble',
    question: 'Comment mieux collaborer entre cliniques et organismes communautaires ?',
    language: 'fr',
    sectors: ['Clinique / GMF', 'Organisme communautaire', 'Santé publique'],
    ...overrides,
  });
  visitor.disconnect();
  return value as { workshopId: string; joinCode: string; facilitatorKey: string };
}

/** A participant's device: a token, a socket, joined under a name. */
export async function joinAs(
  url: string,
  joinCode: string,
  name: string,
  sector: string | null = null,
  token = randomBytes(16).toString('base64url'),
): Promise<{ socket: Socket; participantId: string; token: string; rejoinCode: string }> {
  const socket = await connect(url, { code: joinCode, as: 'participant', token });
  const rejoinCode = newRejoinCode();
  const { participantId } = await sendOk(socket, {
    type: 'joinWorkshop',
    name,
    sector,
    rejoinCode,
  });
  return { socket, participantId: participantId!, token, rejoinCode };
}

/** The bytes a replica holds, as a string we can search (Yjs stores strings as UTF-8). */
export const bytesOf = (replica: TestReplica): string =>
  Buffer.from(Y.encodeStateAsUpdate(replica.doc)).toString('utf8');

/**
 * A new workshop with its console connected, the facilitator and public (projector) replicas
 * synced, and the first board of Définition with its first column.
 */
export async function openRoom(url: string) {
  const { workshopId, joinCode, facilitatorKey } = await createWorkshop(url);
  const console_ = await connect(url, { workshopId, key: facilitatorKey });
  const facilitator = openReplica(url, await hello(console_), 'facilitator');
  const projector = openReplica(
    url,
    await hello(await connect(url, { code: joinCode, as: 'projector' })),
  );
  const first = await projector.waitFor((s) => s.workshop !== null);
  const boardId = first.workshop!.stages.define.boardIds[0]!;
  const columnId = first.boards[boardId]!.columns[0]!.id;
  return {
    workshopId,
    joinCode,
    facilitatorKey,
    console_,
    facilitator,
    projector,
    first,
    boardId,
    columnId,
  };
}

/** A y-websocket client in the vision room, like a phone's or the console's editor. */
export class VisionWriter {
  readonly provider: WebsocketProvider;
  /** The 44xx code the server closed it with (it then stops, as our client does). */
  closedWith: number | null = null;

  constructor(
    url: string,
    grant: NonNullable<Welcome['vision']>,
    readonly doc = new Y.Doc(),
  ) {
    this.provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, grant.room, doc, {
      params: { ticket: grant.ticket },
      disableBc: true,
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    this.provider.on('connection-close', (event) => {
      if (event && event.code >= 4400 && event.code < 4500) {
        this.closedWith = event.code;
        this.provider.disconnect();
      }
    });
    replicas.add(this);
  }

  text(statementId: string): Y.Text {
    return this.doc.getText(statementId);
  }

  async synced(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!this.provider.synced) {
      if (Date.now() > deadline) throw new Error('the writer did not sync');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Close the connection; the document stays (as a phone's does). */
  destroy(): void {
    this.provider.awareness.destroy();
    this.provider.destroy();
    replicas.delete(this);
  }
}

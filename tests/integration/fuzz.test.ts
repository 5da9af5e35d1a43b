import { PRESENCE_MS } from '../../server/workshopRoom';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { RunningServer } from '../../server/app';
import { checkInvariants, ERRORS } from '../../src/lib/domain/index';
import type { ClientCommand } from '../../src/lib/protocol/commands';
import type { RoomGrant } from '../../src/lib/protocol/replica';
import { closeClients, connect, hello, TestReplica } from './helpers';
import { buildScene, LOOSE_LIMITS, newKey, rawCmd, startTrustServer, type Scene } from './scene';

/*
 * Property-based fuzzing of both transports, bounded: random and mutated payloads as commands,
 * random and mutated frames on a replica connection. The server must answer every command with a
 * well-formed ack, keep its invariants, never let a replica client write, and stay up.
 */

const RUNS = 200;
let server: RunningServer;
beforeAll(async () => {
  server = await startTrustServer({ limits: LOOSE_LIMITS });
});
afterAll(async () => {
  closeClients();
  await server.close();
});

/** A fresh client can still connect and say hello. */
async function serverServes(sc: Scene): Promise<void> {
  const probe = await connect(server.url, { code: sc.joinCode, as: 'projector' });
  expect((await hello(probe)).role).toBe('projector');
  probe.disconnect();
}

const CODES = Object.keys(ERRORS);
function expectWellFormed(ack: unknown): void {
  expect(ack).toBeTypeOf('object');
  const a = ack as Record<string, unknown>;
  if (a.ok === true) {
    expect(Object.keys(a).sort()).toEqual(['ok', 'value']);
    expect(a.value).toBeTypeOf('object');
    return;
  }
  expect(a.ok).toBe(false);
  expect(Object.keys(a).sort()).toEqual(['error', 'ok']);
  const error = a.error as Record<string, unknown>;
  expect(Object.keys(error).sort()).toEqual(['code', 'message']);
  expect(CODES).toContain(error.code);
  expect(error.code, 'the server failed on its own').not.toBe('INTERNAL');
  expect(error.message).toBeTypeOf('string');
}

/** One valid command of every type, against the scene (the sender decides whether it is allowed). */
function validCommands(sc: Scene): ClientCommand[] {
  const [first, second] = sc.columnIds;
  return [
    {
      type: 'createWorkshop',
      title: 'T',
      question: 'Q',
      language: 'fr',
      sectors: ['A', 'B'],
    },
    { type: 'joinWorkshop', name: 'Zoé', sector: null, rejoinCode: 'ACDEFGHJ' },
    { type: 'rejoinWorkshop', rejoinCode: sc.other.rejoinCode },
    { type: 'removeParticipant', participantId: sc.other.participantId },
    { type: 'setJoining', open: false },
    { type: 'createCoFacilitatorLink', label: 'Lien', key: newKey() },
    { type: 'revokeCoFacilitatorLink', linkId: sc.linkId },
    { type: 'rotateFacilitatorKey', key: newKey() },
    { type: 'setStage', stage: 'discover' },
    { type: 'setQuestion', question: 'Une question ?' },
    { type: 'setStagePrompt', stage: 'define', prompt: 'Consigne' },
    { type: 'addColumn', boardId: sc.boardId, title: 'Col' },
    { type: 'renameColumn', boardId: sc.boardId, columnId: first, title: 'Renommée' },
    { type: 'removeColumn', boardId: sc.boardId, columnId: second },
    { type: 'addNote', boardId: sc.boardId, columnId: first, text: 'Une note' },
    { type: 'editNote', noteId: sc.noteId, text: 'Modifiée' },
    { type: 'deleteNote', noteId: sc.noteId },
  ];
}
const TYPES = [
  'createWorkshop',
  'joinWorkshop',
  'rejoinWorkshop',
  'removeParticipant',
  'setJoining',
  'createCoFacilitatorLink',
  'revokeCoFacilitatorLink',
  'rotateFacilitatorKey',
  'setStage',
  'setQuestion',
  'setStagePrompt',
  'addColumn',
  'renameColumn',
  'removeColumn',
  'addNote',
  'editNote',
  'deleteNote',
];

const json = fc.jsonValue({ maxDepth: 3 });
const nastyText = fc.oneof(
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.constantFrom(
    '',
    '   ',
    '\r\n\t',
    '\u0000',
    '\u200b',
    'x'.repeat(280),
    'x'.repeat(281),
    '😀'.repeat(280),
    'e\u0301'.repeat(280),
    '__proto__',
    'toString',
    'constructor',
    '<script>alert(1)</script>',
    '\ud800',
  ),
);
/** Ids a command may point at: the scene's own, of other kinds, and inherited names. */
const idsOf = (sc: Scene): string[] => [
  sc.boardId,
  sc.otherBoardId,
  ...sc.columnIds,
  sc.otherColumnId,
  sc.noteId,
  sc.author.participantId,
  sc.other.participantId,
  sc.linkId,
  sc.workshopId,
  '__proto__',
  'toString',
  'hasOwnProperty',
];
const mutation = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('text' as const), pick: fc.nat(), value: nastyText }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('id' as const), pick: fc.nat(), id: fc.nat() }),
  },
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: json }),
  fc.record({
    kind: fc.constant('add' as const),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor')),
    value: json,
  }),
  fc.record({ kind: fc.constant('retype' as const), type: fc.constantFrom(...TYPES) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Apply the mutations to a copy of a valid command; `text` and `id` keep its shape. */
function mutate(
  base: ClientCommand,
  mutations: Mutation[],
  ids: string[],
): Record<string, unknown> {
  // JSON.parse keeps a `__proto__` key as an own property, as the server's parser would
  let cmd = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  for (const m of mutations) {
    const keys = Object.keys(cmd);
    const fields = keys.filter((k) => k !== 'type');
    const pickFrom = (list: string[]) =>
      'pick' in m && list.length > 0 ? list[m.pick % list.length]! : undefined;
    if (m.kind === 'text') {
      const key = pickFrom(fields.filter((k) => typeof cmd[k] === 'string'));
      if (key) cmd[key] = m.value;
    } else if (m.kind === 'id') {
      const key = pickFrom(fields.filter((k) => /Id$/.test(k)));
      if (key) cmd[key] = ids[m.id % ids.length];
    } else if (m.kind === 'drop') {
      const key = pickFrom(keys);
      if (key) delete cmd[key];
    } else if (m.kind === 'set') {
      const key = pickFrom(keys);
      if (key) cmd[key] = m.value;
    } else if (m.kind === 'add') {
      cmd = JSON.parse(
        `${JSON.stringify(cmd).slice(0, -1)}${keys.length ? ',' : ''}${JSON.stringify(m.key)}:${JSON.stringify(m.value)}}`,
      ) as Record<string, unknown>;
    } else cmd.type = m.type;
  }
  return cmd;
}

const opId = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) },
  fc.string({ maxLength: 70 }),
  fc.constant(undefined),
);

/** Anything a client could put in the `cmd` event. */
function payloads(base: ClientCommand[], ids: string[]) {
  return fc.oneof(
    // any JSON at all
    json,
    // a valid envelope around any JSON
    fc.record({ v: fc.constant(1), op: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), cmd: json }),
    // an envelope with a mutated valid command (weighted: most runs)
    {
      weight: 6,
      arbitrary: fc
        .record({
          v: fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, json),
          op: opId,
          base: fc.nat({ max: base.length - 1 }),
          mutations: fc.array(mutation, { maxLength: 2 }),
        })
        .map(({ v, op, base: i, mutations }) => {
          const envelope: Record<string, unknown> = { v, cmd: mutate(base[i]!, mutations, ids) };
          if (op !== undefined) envelope.op = op;
          return envelope;
        }),
    },
  );
}

async function fuzzCommands(sc: Scene, socket: Socket, base: ClientCommand[]): Promise<void> {
  const room = server.realtime.rooms.get(sc.workshopId)!;
  let runs = 0;
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(payloads(base, idsOf(sc)), async (payload) => {
      const ack = await rawCmd(socket, payload);
      expectWellFormed(ack);
      if (ack.ok) accepted++;
      expect(checkInvariants(room.decided)).toEqual([]);
      expect(socket.connected).toBe(true);
      if (++runs % 50 === 0) await serverServes(sc);
    }),
    { numRuns: RUNS },
  );
  await serverServes(sc);
  // the mutations keep some commands valid: the fuzzer reaches the domain, not only the parser
  expect(accepted).toBeGreaterThan(0);
}

describe('random commands over socket.io', () => {
  it(`[X9] ${RUNS} random or mutated payloads from a participant: well-formed acks, invariants hold`, async () => {
    const sc = await buildScene(server);
    await fuzzCommands(sc, sc.author.socket, validCommands(sc));
  });

  it(`[X9] ${RUNS} random or mutated payloads from the facilitator: well-formed acks, invariants hold`, async () => {
    const sc = await buildScene(server);
    // Rotating the main key evicts the sending console itself (see [X18], [X19]): leave it out.
    const base = validCommands(sc).filter((c) => c.type !== 'rotateFacilitatorKey');
    const socket = sc.sockets.facilitator;
    const room = server.realtime.rooms.get(sc.workshopId)!;
    const keyHash = room.decided.facilitatorKeyHash;
    await fuzzCommands(sc, socket, base);
    expect(room.decided.facilitatorKeyHash).toBe(keyHash);
  });
});

// ---------------------------------------------------------------------------------------------
// Raw frames on the Yjs endpoint

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Valid frames a hostile client could start from: sync steps, updates, awareness. */
function baseFrames(serverDoc: Y.Doc): Uint8Array[] {
  // a forged document of its own
  const forged = new Y.Doc();
  forged.getMap('notes').set('forged', { id: 'forged', text: 'forged', boardId: 'b' });
  forged.getMap('meta').set('workshop', null);
  // a client that synced the server's document, then deletes and overwrites in it
  const synced = new Y.Doc();
  Y.applyUpdate(synced, Y.encodeStateAsUpdate(serverDoc));
  const serverVector = Y.encodeStateVector(serverDoc);
  synced.transact(() => {
    for (const name of ['meta', 'boards', 'notes']) {
      const map = synced.getMap(name);
      for (const key of [...map.keys()]) map.delete(key);
    }
    synced.getMap('notes').set('planted', { text: 'planted' });
  });
  const diff = Y.encodeStateAsUpdate(synced, serverVector);
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.setLocalState({ user: { name: 'mallory' } });
  const awarenessUpdate = awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]);
  awareness.destroy();
  const frames = [
    frame((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(e, forged);
    }),
    frame((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeSyncStep2(e, forged);
    }),
    frame((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(forged));
    }),
    frame((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, diff);
    }),
    frame((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(e, diff);
    }),
    frame((e) => {
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, awarenessUpdate);
    }),
  ];
  forged.destroy();
  synced.destroy();
  return frames;
}

const frameArb = (bases: Uint8Array[]) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 256 }).map((bytes) => ({ binary: true, data: bytes })),
    fc.string({ maxLength: 64 }).map((text) => ({ binary: false, data: text })),
    {
      weight: 4,
      arbitrary: fc
        .record({
          base: fc.nat({ max: bases.length - 1 }),
          flips: fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), {
            maxLength: 3,
          }),
          cut: fc.option(fc.nat(), { nil: undefined }),
          tail: fc.uint8Array({ maxLength: 8 }),
          type: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
        })
        .map(({ base, flips, cut, tail, type }) => {
          const bytes = Uint8Array.from(bases[base]!);
          for (const { at, xor } of flips)
            bytes[at % bytes.length] = bytes[at % bytes.length]! ^ xor;
          if (type !== undefined) bytes[0] = type & 0x7f;
          const kept = cut === undefined ? bytes : bytes.slice(0, cut % (bytes.length + 1));
          const data = new Uint8Array(kept.length + tail.length);
          data.set(kept);
          data.set(tail, kept.length);
          return { binary: true, data };
        }),
    },
  );

/**
 * Send the frames, then a sync step 1 of our own; the server handles a connection's messages in
 * order, so its step 2 answer (or the connection closing) means every frame was handled.
 */
async function sendFrames(
  url: string,
  frames: { binary: boolean; data: Uint8Array | string }[],
): Promise<'answered' | 'closed'> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const done = new Promise<'answered' | 'closed'>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the Yjs endpoint')), 3000);
    ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
      if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) return;
      clearTimeout(timer);
      resolve('answered');
    });
    ws.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
  for (const f of frames) ws.send(f.data, { binary: f.binary });
  const probe = new Y.Doc();
  ws.send(
    frame((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(e, probe);
    }),
  );
  probe.destroy();
  const outcome = await done;
  ws.terminate();
  return outcome;
}

describe('random frames on a replica connection', () => {
  it(`[X10] ${RUNS} random or corrupted Yjs frames change no server replica`, async () => {
    const sc = await buildScene(server);
    const room = server.realtime.rooms.get(sc.workshopId)!;
    const grants: RoomGrant[] = [
      ...(await hello(sc.sockets.facilitator)).rooms,
      ...(await hello(sc.author.socket)).rooms,
    ];
    const urls = grants.map(
      (g) => `${server.url.replace('http', 'ws')}/yjs/${g.room}?ticket=${g.ticket}`,
    );
    expect(grants.map((g) => g.audience).sort()).toEqual([
      'facilitator',
      'private',
      'public',
      'public',
    ]);
    const docs = [
      room.replicas.public.doc,
      room.replicas.facilitator.doc,
      room.privateReplica(sc.author.participantId)!.doc,
    ];
    const state = () =>
      docs.map((d) => [
        Buffer.from(Y.encodeStateVector(d)).toString('base64'),
        Buffer.from(Y.encodeStateAsUpdate(d)).toString('base64'),
      ]);
    const bases = baseFrames(room.replicas.public.doc);
    // Who is connected reaches the replicas at most once per PRESENCE_MS: let the scene's own
    // connections show before taking the state no frame may change.
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_MS + 200));
    const before = state();
    const outcomes = { answered: 0, closed: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: urls.length - 1 }),
        fc.array(frameArb(bases), { minLength: 1, maxLength: 3 }),
        async (which, frames) => {
          outcomes[await sendFrames(urls[which]!, frames)]++;
          expect(state()).toEqual(before);
        },
      ),
      { numRuns: RUNS },
    );
    // both paths were exercised: frames the server shrugged off, and frames it hung up on
    expect(outcomes.answered).toBeGreaterThan(0);
    expect(outcomes.closed).toBeGreaterThan(0);

    // still serving: a real change reaches a fresh replica
    const welcome = await hello(sc.sockets.projector);
    const replica = new TestReplica(server.url, welcome.rooms[0]!);
    await replica.waitFor((s) => s.workshop !== null);
    await serverServes(sc);
    expect(room.replicas.public.doc.getMap('notes').has('planted')).toBe(false);
    expect(room.replicas.public.doc.getMap('notes').has('forged')).toBe(false);
  });
});

import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { RunningServer } from '../../server/app';
import { connect, closeClients, hello } from './helpers';
import {
  buildScene,
  disconnected,
  LOOSE_LIMITS,
  newOp,
  rawCmd,
  startTrustServer,
  type Scene,
} from './scene';

/*
 * Malformed payloads through socket.io, from the facilitator and from a participant: each row is
 * refused with its code and leaves the workshop state exactly as it was.
 */

let server: RunningServer;
let sc: Scene;
beforeAll(async () => {
  server = await startTrustServer({ limits: LOOSE_LIMITS });
  sc = await buildScene(server);
});
afterAll(async () => {
  closeClients();
  await server.close();
});

/** A row's expected code: the same for both, or one per sender. */
type Expect = string | { facilitator: string; participant: string };
interface Row {
  rule: string;
  name: string;
  /** The whole `cmd` event payload. */
  payload: (sc: Scene) => unknown;
  expected: Expect;
}

const env = (cmd: unknown) => ({ v: 1, op: newOp(), cmd });
const facilitatorOnly = (code: string) => ({ facilitator: code, participant: 'NOT_ALLOWED' });

const ROWS: Row[] = [
  // the envelope
  { rule: 'X5', name: 'a number', payload: () => 42, expected: 'BAD_REQUEST' },
  { rule: 'X5', name: 'a string', payload: () => 'setStage', expected: 'BAD_REQUEST' },
  { rule: 'X5', name: 'null', payload: () => null, expected: 'BAD_REQUEST' },
  { rule: 'X5', name: 'true', payload: () => true, expected: 'BAD_REQUEST' },
  { rule: 'X5', name: 'an array', payload: () => [1, newOp(), {}], expected: 'BAD_REQUEST' },
  { rule: 'X5', name: 'an empty object', payload: () => ({}), expected: 'BAD_REQUEST' },
  {
    rule: 'X5',
    name: 'no v',
    payload: () => ({ op: newOp(), cmd: { type: 'setStage', stage: 'discover' } }),
    expected: 'BAD_REQUEST',
  },
  {
    rule: 'X5',
    name: 'no op',
    payload: () => ({ v: 1, cmd: { type: 'setStage', stage: 'discover' } }),
    expected: 'BAD_REQUEST',
  },
  { rule: 'X5', name: 'no cmd', payload: () => ({ v: 1, op: newOp() }), expected: 'BAD_REQUEST' },
  {
    rule: 'X5',
    name: 'an extra envelope key',
    payload: () => ({ ...env({ type: 'setStage', stage: 'discover' }), actor: 'facilitator' }),
    expected: 'BAD_REQUEST',
  },
  ...[2, 0, '1', null, 1.5].map((v) => ({
    rule: 'X5',
    name: `v = ${JSON.stringify(v)}`,
    payload: () => ({ v, op: newOp(), cmd: { type: 'setStage', stage: 'discover' } }),
    expected: 'UNSUPPORTED_PROTOCOL',
  })),
  ...['short', 'o'.repeat(65), 'has space!', '../../etc/pw', 'é-accentué-op', 12345678, null].map(
    (op) => ({
      rule: 'X5',
      name: `op = ${JSON.stringify(op).slice(0, 20)}`,
      payload: () => ({ v: 1, op, cmd: { type: 'setStage', stage: 'discover' } }),
      expected: 'BAD_REQUEST',
    }),
  ),
  {
    rule: 'X5',
    name: '__proto__ in the envelope',
    payload: () =>
      JSON.parse(
        `{"v":1,"op":"${newOp()}","cmd":{"type":"setStage","stage":"discover"},"__proto__":{"polluted":1}}`,
      ),
    expected: 'BAD_REQUEST',
  },

  // the command's shape
  ...[null, 'setStage', 7, [], {}].map((cmd) => ({
    rule: 'X6',
    name: `cmd = ${JSON.stringify(cmd)}`,
    payload: () => env(cmd),
    expected: 'BAD_REQUEST',
  })),
  ...['dropWorkshop', 'SetStage', 'toString', '__proto__', 'constructor', '', 5].map((type) => ({
    rule: 'X6',
    name: `unknown type ${JSON.stringify(type)}`,
    payload: () => env({ type, stage: 'discover' }),
    expected: 'BAD_REQUEST',
  })),
  {
    rule: 'X6',
    name: 'an unknown extra key',
    payload: () => env({ type: 'setStage', stage: 'discover', force: true }),
    expected: 'BAD_REQUEST',
  },
  {
    rule: 'X6',
    name: '__proto__ in the command',
    payload: () =>
      JSON.parse(
        `{"v":1,"op":"${newOp()}","cmd":{"type":"setStage","stage":"discover","__proto__":{"polluted":1}}}`,
      ),
    expected: 'BAD_REQUEST',
  },
  {
    rule: 'X6',
    name: 'constructor.prototype in the command',
    payload: (s) =>
      env({
        type: 'addNote',
        boardId: s.boardId,
        columnId: s.columnIds[0],
        text: 'x',
        constructor: { prototype: { polluted: 1 } },
      }),
    expected: 'BAD_REQUEST',
  },
  {
    rule: 'X6',
    name: 'a server field: tokenHash on joinWorkshop',
    payload: () =>
      env({
        type: 'joinWorkshop',
        name: 'X',
        sector: null,
        rejoinCode: 'ACDEFGHJ',
        tokenHash: 'f'.repeat(64),
      }),
    expected: 'BAD_REQUEST',
  },
  {
    rule: 'X6',
    name: 'a server field: keyHash instead of key',
    payload: () => env({ type: 'rotateFacilitatorKey', keyHash: 'f'.repeat(64) }),
    expected: 'BAD_REQUEST',
  },
  {
    rule: 'X6',
    name: 'a server field: authorId on addNote',
    payload: (s) =>
      env({
        type: 'addNote',
        boardId: s.boardId,
        columnId: s.columnIds[0],
        text: 'x',
        authorId: s.other.participantId,
      }),
    expected: 'BAD_REQUEST',
  },
  {
    rule: 'X6',
    name: 'a server field: facilitatorKeyHash on createWorkshop',
    payload: () =>
      env({
        type: 'createWorkshop',
        title: 'T',
        question: '',
        language: 'fr',
        sectors: [],
        facilitatorKeyHash: 'f'.repeat(64),
      }),
    expected: 'BAD_REQUEST',
  },
  // wrong types
  ...(
    [
      ['stage: 5', () => ({ type: 'setStage', stage: 5 })],
      ['an unknown stage', () => ({ type: 'setStage', stage: 'celebrate' })],
      ['open: "false"', () => ({ type: 'setJoining', open: 'false' })],
      ['open: 0', () => ({ type: 'setJoining', open: 0 })],
      [
        'text: 42',
        (s) => ({ type: 'addNote', boardId: s.boardId, columnId: s.columnIds[0], text: 42 }),
      ],
      [
        'text: ["x"]',
        (s) => ({ type: 'addNote', boardId: s.boardId, columnId: s.columnIds[0], text: ['x'] }),
      ],
      ['text: null', (s) => ({ type: 'editNote', noteId: s.noteId, text: null })],
      [
        'boardId: null',
        (s) => ({ type: 'addNote', boardId: null, columnId: s.columnIds[0], text: 'x' }),
      ],
      [
        'boardId: {}',
        (s) => ({ type: 'addNote', boardId: {}, columnId: s.columnIds[0], text: 'x' }),
      ],
      ['noteId: 1', () => ({ type: 'deleteNote', noteId: 1 })],
      ['an id with a dot', () => ({ type: 'deleteNote', noteId: 'a.b' })],
      ['an empty id', () => ({ type: 'deleteNote', noteId: '' })],
      ['sector: 7', () => ({ type: 'joinWorkshop', name: 'X', sector: 7, rejoinCode: 'ACDEFGHJ' })],
      [
        'a malformed rejoin code',
        () => ({ type: 'joinWorkshop', name: 'X', sector: null, rejoinCode: 'abc' }),
      ],
      [
        'a rejoin code with look-alikes',
        () => ({ type: 'joinWorkshop', name: 'X', sector: null, rejoinCode: 'OOOOIIII' }),
      ],
      ['rejoinCode: 12345678', () => ({ type: 'rejoinWorkshop', rejoinCode: 12345678 })],
      ['a short link key', () => ({ type: 'createCoFacilitatorLink', label: 'L', key: 'short' })],
      [
        'a link key with bad characters',
        () => ({ type: 'createCoFacilitatorLink', label: 'L', key: '+/'.repeat(12) }),
      ],
      [
        'language: "de"',
        () => ({ type: 'createWorkshop', title: 'T', question: '', language: 'de', sectors: [] }),
      ],
      [
        'sectors: "a,b"',
        () => ({
          type: 'createWorkshop',
          title: 'T',
          question: '',
          language: 'fr',
          sectors: 'a,b',
        }),
      ],
    ] as [string, (s: Scene) => unknown][]
  ).map(([name, cmd]) => ({
    rule: 'X6',
    name: `wrong type: ${name}`,
    payload: (s: Scene) => env(cmd(s)),
    expected: 'BAD_REQUEST',
  })),
  // over the transport caps
  ...(
    [
      [
        'note text',
        (s) => ({
          type: 'addNote',
          boardId: s.boardId,
          columnId: s.columnIds[0],
          text: 'x'.repeat(280 * 4 + 65),
        }),
      ],
      ['question', () => ({ type: 'setQuestion', question: 'q'.repeat(500 * 4 + 65) })],
      [
        'board id',
        (s) => ({ type: 'addNote', boardId: 'b'.repeat(65), columnId: s.columnIds[0], text: 'x' }),
      ],
      ['typed rejoin code', () => ({ type: 'rejoinWorkshop', rejoinCode: 'A'.repeat(33) })],
      [
        'creation token',
        () => ({
          type: 'createWorkshop',
          title: 'T',
          question: '',
          language: 'fr',
          sectors: [],
          createToken: 't'.repeat(257),
        }),
      ],
      ['link key', () => ({ type: 'rotateFacilitatorKey', key: 'k'.repeat(65) })],
      [
        'sector list',
        () => ({
          type: 'createWorkshop',
          title: 'T',
          question: '',
          language: 'fr',
          sectors: Array.from({ length: 25 }, (_, i) => `S${i}`),
        }),
      ],
    ] as [string, (s: Scene) => unknown][]
  ).map(([name, cmd]) => ({
    rule: 'X6',
    name: `oversize ${name}`,
    payload: (s: Scene) => env(cmd(s)),
    expected: 'BAD_REQUEST',
  })),

  // what the domain checks, through the transport: the role first, then the content
  {
    rule: 'X7',
    name: 'an empty note',
    payload: (s) =>
      env({ type: 'addNote', boardId: s.boardId, columnId: s.columnIds[0], text: '' }),
    expected: 'EMPTY_TEXT',
  },
  {
    rule: 'X7',
    name: 'a note of white space',
    payload: (s) =>
      env({ type: 'addNote', boardId: s.boardId, columnId: s.columnIds[0], text: ' \n\t\r\n  ' }),
    expected: 'EMPTY_TEXT',
  },
  {
    rule: 'X7',
    name: 'a note edited to white space',
    payload: (s) => env({ type: 'editNote', noteId: s.noteId, text: '\u00a0 \u2003 ' }),
    expected: { facilitator: 'EMPTY_TEXT', participant: 'EMPTY_TEXT' },
  },
  {
    rule: 'X7',
    name: 'a blank column title',
    payload: (s) => env({ type: 'addColumn', boardId: s.boardId, title: '   ' }),
    expected: facilitatorOnly('EMPTY_TEXT'),
  },
  {
    rule: 'X7',
    name: 'a column renamed to a line break',
    payload: (s) =>
      env({ type: 'renameColumn', boardId: s.boardId, columnId: s.columnIds[0], title: '\n' }),
    expected: facilitatorOnly('EMPTY_TEXT'),
  },
  {
    rule: 'X7',
    name: 'a blank link label',
    payload: () => env({ type: 'createCoFacilitatorLink', label: ' ', key: 'K'.repeat(22) }),
    expected: facilitatorOnly('EMPTY_TEXT'),
  },
  {
    rule: 'X7',
    name: 'a 281-character note',
    payload: (s) =>
      env({ type: 'addNote', boardId: s.boardId, columnId: s.columnIds[0], text: 'x'.repeat(281) }),
    expected: 'TEXT_TOO_LONG',
  },
  {
    rule: 'X7',
    name: '281 emoji',
    payload: (s) =>
      env({
        type: 'addNote',
        boardId: s.boardId,
        columnId: s.columnIds[0],
        text: '😀'.repeat(281),
      }),
    expected: 'TEXT_TOO_LONG',
  },
  {
    rule: 'X7',
    name: 'a note edited to 281 characters between spaces',
    payload: (s) => env({ type: 'editNote', noteId: s.noteId, text: `  ${'é'.repeat(281)}  ` }),
    expected: 'TEXT_TOO_LONG',
  },
  {
    rule: 'X7',
    name: 'a 501-character question',
    payload: () => env({ type: 'setQuestion', question: 'q'.repeat(501) }),
    expected: facilitatorOnly('TEXT_TOO_LONG'),
  },
  {
    rule: 'X7',
    name: 'a 61-character column title',
    payload: (s) => env({ type: 'addColumn', boardId: s.boardId, title: 'c'.repeat(61) }),
    expected: facilitatorOnly('TEXT_TOO_LONG'),
  },
  {
    rule: 'X7',
    name: 'a 41-character name',
    payload: () =>
      env({ type: 'joinWorkshop', name: 'n'.repeat(41), sector: null, rejoinCode: 'ACDEFGHJ' }),
    // no device token on a console; a participant is judged before the name
    expected: { facilitator: 'BAD_REQUEST', participant: 'ALREADY_JOINED' },
  },
  ...['no-such-board', '__proto__', 'constructor', 'toString'].map((boardId) => ({
    rule: 'X7',
    name: `addNote to board ${boardId}`,
    payload: (s: Scene) => env({ type: 'addNote', boardId, columnId: s.columnIds[0], text: 'x' }),
    expected: 'UNKNOWN_BOARD',
  })),
  {
    rule: 'X7',
    name: 'addNote to an unknown column',
    payload: (s) =>
      env({ type: 'addNote', boardId: s.boardId, columnId: 'no-such-col', text: 'x' }),
    expected: 'UNKNOWN_COLUMN',
  },
  {
    rule: 'X7',
    name: 'addNote to a column of another board',
    payload: (s) =>
      env({ type: 'addNote', boardId: s.boardId, columnId: s.otherColumnId, text: 'x' }),
    expected: 'UNKNOWN_COLUMN',
  },
  ...['no-such-note', '__proto__', 'hasOwnProperty'].flatMap((noteId) => [
    {
      rule: 'X7',
      name: `editNote ${noteId}`,
      payload: () => env({ type: 'editNote', noteId, text: 'x' }),
      expected: 'UNKNOWN_NOTE',
    },
    {
      rule: 'X7',
      name: `deleteNote ${noteId}`,
      payload: () => env({ type: 'deleteNote', noteId }),
      expected: 'UNKNOWN_NOTE',
    },
  ]),
  {
    rule: 'X7',
    name: 'renameColumn of an unknown column',
    payload: (s) => env({ type: 'renameColumn', boardId: s.boardId, columnId: 'nope', title: 'T' }),
    expected: facilitatorOnly('UNKNOWN_COLUMN'),
  },
  {
    rule: 'X7',
    name: 'removeColumn on an unknown board',
    payload: (s) => env({ type: 'removeColumn', boardId: 'nope', columnId: s.columnIds[0] }),
    expected: facilitatorOnly('UNKNOWN_BOARD'),
  },
  {
    rule: 'X7',
    name: 'addColumn on board __proto__',
    payload: () => env({ type: 'addColumn', boardId: '__proto__', title: 'T' }),
    expected: facilitatorOnly('UNKNOWN_BOARD'),
  },
  ...['no-such-person', '__proto__'].map((participantId) => ({
    rule: 'X7',
    name: `removeParticipant ${participantId}`,
    payload: () => env({ type: 'removeParticipant', participantId }),
    expected: facilitatorOnly('UNKNOWN_PARTICIPANT'),
  })),
  ...['no-such-link', 'toString'].map((linkId) => ({
    rule: 'X7',
    name: `revokeCoFacilitatorLink ${linkId}`,
    payload: () => env({ type: 'revokeCoFacilitatorLink', linkId }),
    expected: facilitatorOnly('UNKNOWN_LINK'),
  })),
  {
    rule: 'X7',
    name: 'joinWorkshop with an unknown sector',
    payload: () =>
      env({ type: 'joinWorkshop', name: 'X', sector: 'no-such-sector', rejoinCode: 'ACDEFGHJ' }),
    expected: { facilitator: 'BAD_REQUEST', participant: 'ALREADY_JOINED' },
  },
  {
    rule: 'X7',
    name: 'a note on the board of another stage',
    payload: (s) =>
      env({ type: 'addNote', boardId: s.otherBoardId, columnId: 'no-such-col', text: 'x' }),
    expected: 'UNKNOWN_COLUMN',
  },
  {
    rule: 'X7',
    name: 'a valid command of the wrong stage, from a participant',
    payload: (s) =>
      env({ type: 'addNote', boardId: s.otherBoardId, columnId: s.otherColumnId, text: '' }),
    expected: { facilitator: 'EMPTY_TEXT', participant: 'BOARD_NOT_ACTIVE' },
  },
];

const SENDERS = ['facilitator', 'participant'] as const;
const socketOf = (who: (typeof SENDERS)[number]): Socket =>
  who === 'facilitator' ? sc.sockets.facilitator : sc.author.socket;

describe('malformed commands are refused and change nothing', () => {
  for (const row of ROWS) {
    for (const who of SENDERS) {
      const code = typeof row.expected === 'string' ? row.expected : row.expected[who];
      it(`[${row.rule}] ${row.name}, from the ${who}: ${code}`, async () => {
        const before = sc.snapshot();
        const rooms = server.realtime.rooms.size;
        const ack = await rawCmd(socketOf(who), row.payload(sc));
        expect(ack).toEqual({
          ok: false,
          error: { code, message: expect.any(String) as string },
        });
        expect(sc.snapshot()).toBe(before);
        expect(server.realtime.rooms.size).toBe(rooms);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(socketOf(who).connected).toBe(true);
      });
    }
  }

  it('[X6] a command sent without an ack callback is ignored', async () => {
    const before = sc.snapshot();
    sc.author.socket.emit('cmd', {
      v: 1,
      op: newOp(),
      cmd: { type: 'addNote', boardId: sc.boardId, columnId: sc.columnIds[0], text: 'sans ack' },
    });
    sc.author.socket.emit('cmd');
    await hello(sc.author.socket); // after the two emits on the same connection
    expect(sc.snapshot()).toBe(before);
  });

  it('[X5] the refusals name the bad field for people', async () => {
    const ack = await rawCmd(sc.sockets.facilitator, env({ type: 'setStage', stage: 5 }));
    expect(ack.ok === false && ack.error.message).toMatch(/stage/);
  });
});

describe('messages over the size limit', () => {
  for (const who of SENDERS) {
    it(`[X8] a socket.io message over 16 KB from the ${who} drops that connection only`, async () => {
      // a connection of its own, so the scene's stay up for the other rows
      const socket =
        who === 'facilitator'
          ? await connect(server.url, { workshopId: sc.workshopId, key: sc.facilitatorKey })
          : await connect(server.url, {
              code: sc.joinCode,
              as: 'participant',
              token: sc.author.token,
            });
      expect((await hello(socket)).role).toBe(who);
      const before = sc.snapshot();
      const gone = disconnected(socket);
      socket.emit('cmd', {
        v: 1,
        op: newOp(),
        cmd: {
          type: 'addNote',
          boardId: sc.boardId,
          columnId: sc.columnIds[0],
          text: 'x'.repeat(17 * 1024),
        },
      });
      expect(await gone).toMatch(/transport (close|error)/);
      expect(sc.snapshot()).toBe(before);
      // the server still serves: the others, and a newcomer
      expect((await hello(sc.sockets.projector)).role).toBe('projector');
      const newcomer = await connect(server.url, { code: sc.joinCode, as: 'projector' });
      expect((await hello(newcomer)).rooms).toHaveLength(1);
    });
  }

  it('[X8] a Yjs frame over 16 KB closes that replica connection (1009); others keep syncing', async () => {
    const grant = (await hello(sc.sockets.projector)).rooms[0]!;
    const url = `${server.url.replace('http', 'ws')}/yjs/${grant.room}?ticket=${grant.ticket}`;
    const doc = server.realtime.rooms.get(sc.workshopId)!.replicas.public.doc;
    const before = Y.encodeStateAsUpdate(doc);
    const raw = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve());
      raw.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)));
    raw.send(new Uint8Array(17 * 1024).fill(1));
    expect(await closed).toBe(1009);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    const again = new WebSocket(url);
    const first = await new Promise<Buffer>((resolve, reject) => {
      again.once('message', (data) => resolve(data as Buffer));
      again.once('error', reject);
    });
    expect(first[0]).toBe(0); // sync step 1 from the server: still serving
    again.close();
  });
});

/**
 * Shared fixtures for the trust tests (authorisation matrix, bad input, fuzzing, limits): a
 * workshop with every kind of client connected through the real transports.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import type { RunningServer } from '../../server/app';
import { startServer } from '../../server/app';
import type { RealtimeOptions } from '../../server/realtime';
import type { RateLimit, LimitName } from '../../server/rateLimit';
import { MemoryStore } from '../../server/store/memory';
import type { Workshop } from '../../src/lib/domain/index';
import type { Ack } from '../../src/lib/protocol/ack';
import { connect, createWorkshop, joinAs, sendOk } from './helpers';

/**
 * The real server on 127.0.0.1 with an in-memory store. Unlike `startTestServer`, `origin`,
 * `createToken` and `trustProxy` are passed where `startServer` reads them: it overrides the ones
 * given in its `realtime` options (see the `[X22]` test in trustLimits.test.ts).
 */
export function startTrustServer(
  options: Omit<RealtimeOptions, 'store'> = {},
): Promise<RunningServer> {
  const { origin = null, createToken = null, trustProxy = false, ...realtime } = options;
  return startServer({
    port: 0,
    host: '127.0.0.1',
    store: new MemoryStore(),
    origin,
    createToken,
    trustProxy,
    realtime,
  });
}

const plenty: RateLimit = { capacity: 1_000_000, perSecond: 1_000_000 };
/** Limits that never get in the way of a test that sends many commands or creates many rooms. */
export const LOOSE_LIMITS: Partial<Record<LimitName, RateLimit>> = {
  commands: plenty,
  hellos: plenty,
  creations: plenty,
  joinsPerAddress: plenty,
};

/** A console-style secret: 128 bits, base64url (22 characters). */
export const newKey = (): string => randomBytes(16).toString('base64url');
/** A device token, as a phone makes one. */
export const newToken = newKey;

/** Send anything as the `cmd` event (no envelope added) and return the ack. */
export async function rawCmd(socket: Socket, payload: unknown): Promise<Ack<unknown>> {
  return (await socket.timeout(5000).emitWithAck('cmd', payload)) as Ack<unknown>;
}

let ops = 0;
/** A fresh valid op id. */
export const newOp = (): string => `op-x-${process.pid}-${++ops}-${randomBytes(3).toString('hex')}`;

/** Resolves with the reason once the socket is disconnected (at once if it already is). */
export function disconnected(socket: Socket, timeoutMs = 5000): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not disconnected')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Poll until `predicate` holds (bounded). */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const ROLES = [
  'facilitator',
  'co-facilitator',
  'author',
  'other participant',
  'projector',
  'nobody',
  'outsider',
] as const;
export type Role = (typeof ROLES)[number];

export interface Participant {
  socket: Socket;
  participantId: string;
  token: string;
  rejoinCode: string;
}

export interface Scene {
  server: RunningServer;
  workshopId: string;
  joinCode: string;
  facilitatorKey: string;
  coKey: string;
  linkId: string;
  /** The board of the current stage (define), its two columns, and the note by the author. */
  boardId: string;
  columnIds: [string, string];
  noteId: string;
  /** A board of another stage (discover) and its first column. */
  otherBoardId: string;
  otherColumnId: string;
  author: Participant;
  other: Participant;
  /** The device token of the visitor who has not joined. */
  nobodyToken: string;
  /** Two themes on the define board, and a second note (by the other participant). */
  themeId: string;
  otherThemeId: string;
  otherNoteId: string;
  /** A second board on the define stage, after the first. */
  secondBoardId: string;
  /** Two vision statements, in this order. */
  statementId: string;
  otherStatementId: string;
  sockets: Record<Role, Socket>;
  /** The decided state of the workshop (what the next command runs against). */
  latest(): Workshop;
  /** That state as JSON, to compare before and after. */
  snapshot(): string;
}

/**
 * A fresh workshop with a co-facilitator link, two participants, a note by the first ("author"),
 * and one connected client per role: facilitator, co-facilitator, author, other participant,
 * projector, nobody (the join code and a device token, not joined), and outsider (no workshop).
 */
export async function buildScene(server: RunningServer): Promise<Scene> {
  const { workshopId, joinCode, facilitatorKey } = await createWorkshop(server.url);
  const room = server.realtime.rooms.get(workshopId)!;
  const facilitator = await connect(server.url, { workshopId, key: facilitatorKey });
  const coKey = newKey();
  const { linkId } = await sendOk(facilitator, {
    type: 'createCoFacilitatorLink',
    label: 'Co-animation',
    key: coKey,
  });
  const coFacilitator = await connect(server.url, { workshopId, key: coKey });
  const author = await joinAs(server.url, joinCode, 'Alice');
  const other = await joinAs(server.url, joinCode, 'Bob');
  const state = room.decided;
  const boardId = state.stages.define.boardIds[0]!;
  const [first, second] = state.boards[boardId]!.columns;
  const otherBoardId = state.stages.discover.boardIds[0]!;
  const { noteId } = await sendOk(author.socket, {
    type: 'addNote',
    boardId,
    columnId: first!.id,
    text: 'Une note',
  });
  const { noteId: otherNoteId } = await sendOk(other.socket, {
    type: 'addNote',
    boardId,
    columnId: first!.id,
    text: 'Une autre note',
  });
  const theme = (title: string) =>
    sendOk(facilitator, { type: 'createTheme', boardId, title, noteIds: [] });
  const { themeId } = await theme('Premier thème');
  const { themeId: otherThemeId } = await theme('Second thème');
  const { boardId: secondBoardId } = await sendOk(facilitator, {
    type: 'addBoard',
    stage: 'define',
    title: 'Deuxième tableau',
    columns: [],
  });
  const { statementId } = await sendOk(facilitator, { type: 'addStatement', title: 'Vision' });
  const { statementId: otherStatementId } = await sendOk(facilitator, {
    type: 'addStatement',
    title: 'Autre vision',
  });
  const projector = await connect(server.url, { code: joinCode, as: 'projector' });
  const nobodyToken = newToken();
  const nobody = await connect(server.url, {
    code: joinCode,
    as: 'participant',
    token: nobodyToken,
  });
  const outsider = await connect(server.url);
  return {
    server,
    workshopId,
    joinCode,
    facilitatorKey,
    coKey,
    linkId: linkId!,
    boardId,
    columnIds: [first!.id, second!.id],
    noteId: noteId!,
    otherBoardId,
    otherColumnId: state.boards[otherBoardId]!.columns[0]!.id,
    author,
    other,
    nobodyToken,
    themeId: themeId!,
    otherThemeId: otherThemeId!,
    otherNoteId: otherNoteId!,
    secondBoardId: secondBoardId!,
    statementId: statementId!,
    otherStatementId: otherStatementId!,
    sockets: {
      facilitator,
      'co-facilitator': coFacilitator,
      author: author.socket,
      'other participant': other.socket,
      projector,
      nobody,
      outsider,
    },
    latest: () => room.decided,
    snapshot: () => JSON.stringify(room.decided),
  };
}

/**
 * Take the scene's Décision to a given point, through the real clients, and return the ids it
 * made: 1 two candidates, 2 a dot vote open, 3 closed (the author put a dot on the first, the
 * other participant on the second), 4 a ranking open, 5 closed (the author ranked the first),
 * 6 revealed, 7 priorities adopted.
 */
export async function reachDecision(
  sc: Scene,
  level: number,
): Promise<{ candidateIds: string[]; priorityIds: string[] }> {
  const facilitator = sc.sockets.facilitator;
  const candidateIds: string[] = [];
  if (level >= 1) {
    for (const title of ['Première proposition', 'Deuxième proposition']) {
      const { candidateId } = await sendOk(facilitator, {
        type: 'addCandidate',
        title,
        description: '',
        sources: [],
      });
      candidateIds.push(candidateId!);
    }
  }
  const [first, second] = candidateIds;
  if (level >= 2) await sendOk(facilitator, { type: 'openDotVote' });
  if (level >= 3) {
    await sendOk(sc.author.socket, { type: 'castDots', candidateId: first!, dots: 1 });
    await sendOk(sc.other.socket, { type: 'castDots', candidateId: second!, dots: 1 });
    await sendOk(facilitator, { type: 'closeDotVote' });
  }
  if (level >= 4) await sendOk(facilitator, { type: 'openRanking' });
  if (level >= 5) {
    await sendOk(sc.author.socket, { type: 'submitRanking', order: [first!] });
    await sendOk(facilitator, { type: 'closeRanking' });
  }
  if (level >= 6) await sendOk(facilitator, { type: 'revealRanking' });
  if (level >= 7) await sendOk(facilitator, { type: 'adoptPriorities' });
  return { candidateIds, priorityIds: [...(sc.latest().priorityOrder ?? [])] };
}

import { timingSafeEqual } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import * as v from 'valibot';
import {
  ERRORS,
  execute,
  type Actor,
  type Command,
  type ErrorCode,
  type ParticipantId,
} from '../../src/lib/domain/index';
import type { Ack } from '../../src/lib/protocol/ack';
import { envelopeSchema, parseCommand, type ClientCommand } from '../../src/lib/protocol/commands';
import { audienceKey, roomName, type Audience, type Welcome } from '../../src/lib/protocol/replica';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { hashSecret, newId, randomSecret } from '../crypto';
import type { Realtime } from '../realtime';
import type { TokenBuckets } from '../rateLimit';
import { authenticate, stillValid, type ClientOrigin, type SessionData } from './session';
import { internalError } from '../workshopRoom';
import { addressKey, clientAddress } from './clientAddress';
import { guarded, logRefused, printable } from './guard';
import { askerKey, rejoinBudgets, slowDown, tooManyAttempts } from './limits';
import { normaliseCode } from '../../src/lib/protocol/codes';
import { VISITOR_SENDER } from '../store/marks';

type AckFn = (ack: Ack<unknown>) => void;

function refuse(code: ErrorCode, message: string = ERRORS[code]): Ack<never> {
  return { ok: false, error: { code, message } };
}

function audiencesFor(actor: Actor): Audience[] {
  if (actor.role === 'facilitator' || actor.role === 'cofacilitator') {
    return ['facilitator', 'public'];
  }
  if (actor.role === 'participant') return ['public', 'private'];
  return ['public'];
}

function welcome(realtime: Realtime, session: SessionData): Welcome {
  const { workshopId, actor } = session;
  return {
    protocol: PROTOCOL_VERSION,
    role: actor.role,
    workshopId,
    participantId: actor.role === 'participant' ? actor.participantId : null,
    epoch: realtime.epoch,
    serverTime: Date.now(),
    rooms: workshopId
      ? audiencesFor(actor).map((audience) => {
          const key = audienceKey(
            audience,
            actor.role === 'participant' ? actor.participantId : undefined,
          );
          return {
            audience,
            room: roomName(workshopId, key, realtime.epoch),
            ticket: realtime.grant(workshopId, key),
          };
        })
      : [],
  };
}

async function createWorkshop(
  realtime: Realtime,
  command: Extract<ClientCommand, { type: 'createWorkshop' }>,
  op: string,
): Promise<Ack<unknown>> {
  const key = randomSecret(16);
  const joinCode = realtime.freshJoinCode();
  const now = realtime.now();
  const result = execute(
    null,
    { role: 'nobody' },
    { ...command, joinCode, facilitatorKeyHash: hashSecret(key) },
    { now, newId },
  );
  if (!result.ok) return result;
  const workshop = result.value.state;
  const reply = { workshopId: workshop.id, joinCode };
  try {
    await realtime.store.append(workshop.id, {
      op,
      actor: 'nobody',
      at: now,
      events: result.value.decision.events,
      reply,
    });
  } catch (error) {
    // Fail-stop, as for any other command whose record could not be written.
    realtime.onFatal(error);
    return internalError();
  }
  realtime.addRoom({ state: workshop, acks: [], lastActivityAt: now });
  return { ok: true, value: { workshopId: workshop.id, joinCode, facilitatorKey: key } };
}

async function handleCommand(
  realtime: Realtime,
  session: SessionData,
  payload: unknown,
): Promise<Ack<unknown>> {
  const envelope = v.safeParse(envelopeSchema, payload);
  if (!envelope.success) {
    const version = (payload as { v?: unknown } | null)?.v;
    if (version !== undefined && version !== PROTOCOL_VERSION)
      return refuse('UNSUPPORTED_PROTOCOL');
    return refuse('BAD_REQUEST', 'The command envelope is malformed.');
  }
  const parsed = parseCommand(envelope.output.cmd);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join('.') ?? 'command';
    return refuse('BAD_REQUEST', `Invalid ${where}: ${issue.message}`);
  }
  const command = parsed.output as ClientCommand;
  const op = envelope.output.op;

  if (command.type === 'createWorkshop') {
    if (session.workshopId !== null) return refuse('NOT_ALLOWED');
    if (realtime.createToken !== null) {
      const { failuresPerAddress } = realtime.limits;
      if (!failuresPerAddress.allows(session.address)) {
        return refuse(
          'TOO_MANY_ATTEMPTS',
          tooManyAttempts(failuresPerAddress.retryAfter(session.address)),
        );
      }
      if (!tokenMatches(command.createToken, realtime.createToken)) {
        if (command.createToken !== undefined) failuresPerAddress.take(session.address);
        return refuse('CREATE_TOKEN_REQUIRED');
      }
    }
    // A retried creation (same op id) gets the first answer, not a second workshop, and does
    // not spend another creation from the address's budget.
    const key = `create:${session.address}:${op}`;
    if (!realtime.seenOnce(key) && !realtime.limits.creations.take(session.address)) {
      const minutes = Math.ceil(realtime.limits.creations.retryAfter(session.address) / 60);
      return refuse(
        'RATE_LIMITED',
        `Too many workshops created from here: try again in ${minutes} min.`,
      );
    }
    return realtime.once(key, () => createWorkshop(realtime, command, op));
  }
  if (session.workshopId === null) return refuse('NOT_FOUND');
  const room = realtime.rooms.get(session.workshopId);
  if (!room) return refuse('NOT_FOUND');
  if (!stillValid(session, room.latest)) {
    // A rejoin elsewhere, a removal, a revoked or rotated link: the session's rights end here.
    if (session.actor.role === 'participant') {
      room.disconnect(session.actor.participantId);
      session.actor = { role: 'nobody' };
    } else {
      return refuse('NOT_ALLOWED', 'This link no longer gives access to the workshop.');
    }
  }

  let domainCommand: Command;
  if (command.type === 'createCoFacilitatorLink' || command.type === 'rotateFacilitatorKey') {
    const { key, ...rest } = command;
    domainCommand = { ...rest, keyHash: hashSecret(key) } as Command;
  } else if (command.type === 'changeJoinCode') {
    // Drawn here like a new workshop's: unique among every code in use, current or former.
    domainCommand = { type: 'changeJoinCode', joinCode: realtime.freshJoinCode() };
  } else if (command.type === 'joinWorkshop' || command.type === 'rejoinWorkshop') {
    if (!session.tokenHash) return refuse('BAD_REQUEST', 'A device token is required to join.');
    const { rejoinCode, ...rest } = command;
    domainCommand = {
      ...rest,
      tokenHash: session.tokenHash,
      rejoinCodeHash: hashSecret(normaliseCode(rejoinCode)),
    } as Command;
  } else {
    domainCommand = command as Command;
  }
  const failures = rejoinBudgets(realtime, session, room.state.id);
  if (command.type === 'rejoinWorkshop' && failures.some(([b, key]) => !b.allows(key))) {
    const wait = Math.max(...failures.map(([b, key]) => b.retryAfter(key)));
    return refuse('TOO_MANY_ATTEMPTS', tooManyAttempts(wait));
  }
  // New participants per address: a script must not fill a room to WORKSHOP_FULL. Taken before
  // the join runs (many may arrive at once), given back if it did not let anyone in.
  const { joinsPerAddress } = realtime.limits;
  const newcomer = command.type === 'joinWorkshop' && session.actor.role === 'nobody';
  if (newcomer && !joinsPerAddress.take(session.address)) {
    const wait = joinsPerAddress.retryAfter(session.address);
    return refuse('RATE_LIMITED', slowDown('Too many people joined from this address', wait));
  }
  // Visitors who have not joined yet are told apart by their device token.
  const sender =
    session.actor.role === 'nobody' && session.tokenHash
      ? `${VISITOR_SENDER}${session.tokenHash}`
      : undefined;
  const ack = await room.run(session.actor, domainCommand, op, sender);
  if (newcomer && !ack.ok) joinsPerAddress.refund(session.address);
  const joined = command.type === 'joinWorkshop' || command.type === 'rejoinWorkshop';
  if (ack.ok && joined && session.actor.role === 'nobody') {
    const participantId = ack.value.participantId as ParticipantId;
    session.actor = { role: 'participant', participantId };
    room.connect(participantId);
  }
  if (ack.ok && command.type === 'rotateFacilitatorKey') {
    // The console that rotated holds the new key: it stays; every other holder of the old one goes.
    session.keyHash = hashSecret(command.key);
  }
  if (ack.ok && ENDS_SESSIONS.has(command.type)) {
    // After the ack has gone out, so the sender hears the answer before anyone is let go.
    const workshopId = room.state.id;
    afterAck(`letting go after ${command.type}`, () => realtime.evictInvalidSessions(workshopId));
  }
  if (ack.ok && command.type === 'changeJoinCode') {
    const workshopId = room.state.id;
    afterAck('a join code change', () => realtime.joinCodeChanged(workshopId));
  }
  if (ack.ok && command.type === 'deleteWorkshop') {
    // After the ack, so the console hears that it worked before its connection goes.
    const workshopId = room.state.id;
    setImmediate(() => {
      // If erasing the files fails, the next start finishes it (the deletion is on record).
      realtime.removeWorkshop(workshopId).catch((error: unknown) => {
        console.error(
          `cocrea: erasing workshop ${workshopId} failed; retried at next start`,
          error,
        );
      });
    });
  }
  if (!ack.ok && ack.error.code === 'UNKNOWN_REJOIN_CODE') {
    for (const [bucket, key] of failures) bucket.take(key);
  }
  return ack;
}

/** Run `fn` once the ack has gone out; a throw there is logged, never uncaught. */
function afterAck(what: string, fn: () => void): void {
  setImmediate(() => {
    try {
      fn();
    } catch (error) {
      logRefused(what, error);
    }
  });
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(hashSecret(given), 'hex');
  const b = Buffer.from(hashSecret(expected), 'hex');
  return timingSafeEqual(a, b);
}

/** The client's address (see clientAddress: behind trusted proxies) and its device. */
function clientOrigin(realtime: Realtime, socket: Socket): ClientOrigin {
  const address = addressKey(
    clientAddress(
      socket.handshake.address,
      socket.handshake.headers['x-forwarded-for'],
      realtime.trustProxy,
    ),
  );
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  const token = typeof auth?.token === 'string' ? auth.token.slice(0, 64) : '';
  return { address, device: `${address}|${token}` };
}

/** Commands after which some open sessions may have lost their rights. */
const ENDS_SESSIONS = new Set<string>([
  'rejoinWorkshop',
  'removeParticipant',
  'revokeCoFacilitatorLink',
  'rotateFacilitatorKey',
]);

/** The command side of the protocol: handshake, hello, commands with acks. */
export function registerSocketHandlers(io: Server, realtime: Realtime): void {
  // The underlying connections that carry a session (or one on its way in). socket.io takes every
  // CONNECT packet that arrives before the first is done as a new session: one polling request
  // could open a thousand, each tracked and counted, past the cap on connections per address.
  const carrying = new WeakSet<object>();
  io.use((socket, next) => {
    let answered = false;
    const refuseHandshake = (code: ErrorCode, message: string = ERRORS[code]) => {
      answered = true;
      const error = new Error(code) as Error & { data: unknown };
      error.data = { code, message };
      next(error);
    };
    if (carrying.has(socket.conn)) {
      return refuseHandshake('BAD_REQUEST', 'This connection already carries a session.');
    }
    try {
      admit(realtime, socket, refuseHandshake);
    } catch (error) {
      logRefused('a handshake', error);
      if (!answered) refuseHandshake('BAD_REQUEST');
      return;
    }
    if (answered) return;
    // Free again once this session ends (a client may connect anew on the same transport).
    carrying.add(socket.conn);
    socket.once('disconnect', () => carrying.delete(socket.conn));
    next();
  });

  io.on('connection', (socket) => {
    guarded(
      () => 'a connection',
      () => serve(realtime, socket),
      () => socket.disconnect(true),
    );
  });
}

/** The handshake: who the client is, unless it has been guessing join codes. */
function admit(
  realtime: Realtime,
  socket: Socket,
  refuseHandshake: (code: ErrorCode, message?: string) => void,
): void {
  const client = clientOrigin(realtime, socket);
  // Guessing join codes: failed attempts are counted per address and per device. Facilitator
  // keys (128 random bits) cannot be guessed, so consoles are never throttled: a stranger at
  // the venue cannot lock the facilitator out.
  const { failuresPerAddress, failuresPerDevice } = realtime.limits;
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  const guessable = typeof auth?.code === 'string';
  if (
    guessable &&
    (!failuresPerAddress.allows(client.address) || !failuresPerDevice.allows(client.device))
  ) {
    const wait = Math.max(
      failuresPerAddress.retryAfter(client.address),
      failuresPerDevice.retryAfter(client.device),
    );
    return refuseHandshake('TOO_MANY_ATTEMPTS', tooManyAttempts(wait));
  }
  const session = authenticate(realtime, socket.handshake.auth, client);
  if (typeof session === 'string') {
    if (session === 'NOT_FOUND' && guessable) {
      failuresPerAddress.take(client.address);
      failuresPerDevice.take(client.device);
    }
    return refuseHandshake(session);
  }
  socket.data.session = session;
}

/** One connection's events: hello and commands, each answered whatever it carries. */
function serve(realtime: Realtime, socket: Socket): void {
  const session = socket.data.session as SessionData;
  realtime.track(socket, session);
  const room = session.workshopId ? realtime.rooms.get(session.workshopId) : undefined;
  if (room && session.actor.role === 'participant') room.connect(session.actor.participantId);

  // Whatever arguments come with an event, the ack is the last one (if it is a function).
  const on = (event: string, handle: (payload: unknown, ack: AckFn) => void) => {
    socket.on(event, (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      guarded(
        () => `a ${printable(event)} event`,
        () => handle(args.length > 1 ? args[0] : undefined, ack as AckFn),
        () => (ack as AckFn)(internalError()),
      );
    });
  };

  on('hello', (_payload, ack) => {
    // Each hello grants tickets: a client asking in a loop is told to wait. Visitors, known by
    // a token they make up, also share their address's budget.
    const { hellos, visitorHellosPerAddress } = realtime.limits;
    const budgets: (readonly [TokenBuckets, string])[] = [[hellos, askerKey(session)]];
    if (session.actor.role === 'nobody' && session.tokenHash !== null) {
      budgets.push([visitorHellosPerAddress, session.address]);
    }
    if (budgets.some(([bucket, key]) => !bucket.allows(key))) {
      const wait = Math.max(...budgets.map(([bucket, key]) => bucket.retryAfter(key)));
      return ack(refuse('RATE_LIMITED', slowDown('Too many hellos', wait)));
    }
    for (const [bucket, key] of budgets) bucket.take(key);
    ack({ ok: true, value: welcome(realtime, session) });
  });

  on('cmd', (payload, ack) => {
    if (!realtime.limits.commands.take(askerKey(session))) return ack(refuse('RATE_LIMITED'));
    handleCommand(realtime, session, payload).then(
      (result) => ack(result),
      (error: unknown) => {
        console.error('command failed', error);
        ack(internalError());
      },
    );
  });

  // What the connection itself fails on (a packet it cannot decode) is an Error and is logged. A
  // client may also emit an event named 'error': its payload is plain JSON, and logging it
  // would let anyone write as many lines into the log as they like.
  socket.on('error', (error: unknown) => {
    if (error instanceof Error) logRefused('a socket.io packet', error);
  });

  // Budgets are not forgotten here: they belong to the asker, who may come back at once.
  socket.on('disconnect', () => {
    guarded(
      () => 'a disconnection',
      () => {
        realtime.untrack(socket);
        const current = session.workshopId ? realtime.rooms.get(session.workshopId) : undefined;
        if (current && session.actor.role === 'participant') {
          current.disconnect(session.actor.participantId);
        }
      },
      () => {},
    );
  });
}

import type { Server } from 'socket.io';
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
import {
  envelopeSchema,
  handshakeSchema,
  normaliseRejoinCode,
  parseCommand,
  type ClientCommand,
} from '../../src/lib/protocol/commands';
import { audienceKey, roomName, type Audience, type Welcome } from '../../src/lib/protocol/replica';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import {
  hashSecret,
  newId,
  normaliseJoinCode,
  randomJoinCode,
  randomSecret,
  secretMatches,
} from '../crypto';
import type { Realtime } from '../realtime';
import { internalError } from '../workshopRoom';

/** Who a socket is, established once at the handshake (and upgraded when a guest joins). */
interface SessionData {
  workshopId: string | null;
  actor: Actor;
  /** Hash of the device token a participant presented: the key to join or rejoin. */
  tokenHash: string | null;
}

type AckFn = (ack: Ack<unknown>) => void;

function refuse(code: ErrorCode, message: string = ERRORS[code]): Ack<never> {
  return { ok: false, error: { code, message } };
}

/** Handshake: the role comes from the `auth` payload, never from a URL. */
function authenticate(realtime: Realtime, auth: unknown): SessionData | ErrorCode {
  const parsed = v.safeParse(handshakeSchema, auth);
  if (!parsed.success) {
    const version = (auth as { v?: unknown } | null)?.v;
    return version !== undefined && version !== PROTOCOL_VERSION
      ? 'UNSUPPORTED_PROTOCOL'
      : 'BAD_REQUEST';
  }
  const hs = parsed.output;
  if ('key' in hs) {
    const room = realtime.rooms.get(hs.workshopId);
    if (!room || !secretMatches(hs.key, room.state.facilitatorKeyHash)) return 'NOT_FOUND';
    return { workshopId: room.state.id, actor: { role: 'facilitator' }, tokenHash: null };
  }
  if ('code' in hs) {
    const room = realtime.roomByCode(normaliseJoinCode(hs.code));
    if (!room) return 'NOT_FOUND';
    const workshopId = room.state.id;
    if (hs.as === 'projector') return { workshopId, actor: { role: 'projector' }, tokenHash: null };
    const tokenHash = hs.token ? hashSecret(hs.token) : null;
    const participant = tokenHash
      ? Object.values(room.state.participants).find((p) => p.tokenHash === tokenHash)
      : undefined;
    const actor: Actor = participant
      ? { role: 'participant', participantId: participant.id }
      : { role: 'nobody' };
    return { workshopId, actor, tokenHash };
  }
  return { workshopId: null, actor: { role: 'nobody' }, tokenHash: null };
}

function audiencesFor(actor: Actor): Audience[] {
  if (actor.role === 'facilitator') return ['facilitator', 'public'];
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
  let joinCode = randomJoinCode();
  while (realtime.isCodeTaken(joinCode)) joinCode = randomJoinCode();
  const now = Date.now();
  const result = execute(
    null,
    { role: 'nobody' },
    { ...command, joinCode, facilitatorKeyHash: hashSecret(key) },
    { now, newId },
  );
  if (!result.ok) return result;
  const workshop = result.value.state;
  const reply = { workshopId: workshop.id, joinCode };
  await realtime.store.append(workshop.id, {
    op,
    actor: 'nobody',
    at: now,
    events: result.value.decision.events,
    reply,
  });
  realtime.addRoom({ state: workshop, acks: [] });
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
    // A retried creation (same op id) gets the first answer, not a second workshop.
    return realtime.once(`create:${op}`, () => createWorkshop(realtime, command, op));
  }
  if (session.workshopId === null) return refuse('NOT_FOUND');
  const room = realtime.rooms.get(session.workshopId);
  if (!room) return refuse('NOT_FOUND');
  if (session.actor.role === 'participant') {
    // The device must still be this participant's (a rejoin elsewhere moves the identity).
    const current = room.latest.participants[session.actor.participantId];
    if (!current || current.tokenHash !== session.tokenHash) {
      room.disconnect(session.actor.participantId);
      session.actor = { role: 'nobody' };
    }
  }

  let domainCommand: Command;
  if (command.type === 'joinWorkshop' || command.type === 'rejoinWorkshop') {
    if (!session.tokenHash) return refuse('BAD_REQUEST', 'A device token is required to join.');
    const { rejoinCode, ...rest } = command;
    domainCommand = {
      ...rest,
      tokenHash: session.tokenHash,
      rejoinCodeHash: hashSecret(normaliseRejoinCode(rejoinCode)),
    } as Command;
  } else {
    domainCommand = command as Command;
  }
  // Visitors who have not joined yet are told apart by their device token.
  const sender =
    session.actor.role === 'nobody' && session.tokenHash ? `t:${session.tokenHash}` : undefined;
  const ack = await room.run(session.actor, domainCommand, op, sender);
  const joined = command.type === 'joinWorkshop' || command.type === 'rejoinWorkshop';
  if (ack.ok && joined && session.actor.role === 'nobody') {
    const participantId = ack.value.participantId as ParticipantId;
    session.actor = { role: 'participant', participantId };
    room.connect(participantId);
  }
  return ack;
}

/** The command side of the protocol: handshake, hello, commands with acks. */
export function registerSocketHandlers(io: Server, realtime: Realtime): void {
  io.use((socket, next) => {
    const session = authenticate(realtime, socket.handshake.auth);
    if (typeof session === 'string') {
      const error = new Error(session) as Error & { data: unknown };
      error.data = { code: session, message: ERRORS[session] };
      return next(error);
    }
    socket.data.session = session;
    next();
  });

  io.on('connection', (socket) => {
    const session = socket.data.session as SessionData;
    const room = session.workshopId ? realtime.rooms.get(session.workshopId) : undefined;
    if (room && session.actor.role === 'participant') room.connect(session.actor.participantId);

    socket.on('hello', (ack: unknown) => {
      if (typeof ack !== 'function') return;
      (ack as AckFn)({ ok: true, value: welcome(realtime, session) });
    });

    socket.on('cmd', (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      handleCommand(realtime, session, payload).then(
        (result) => (ack as AckFn)(result),
        (error: unknown) => {
          console.error('command failed', error);
          (ack as AckFn)(internalError());
        },
      );
    });

    socket.on('disconnect', () => {
      const current = session.workshopId ? realtime.rooms.get(session.workshopId) : undefined;
      if (current && session.actor.role === 'participant') {
        current.disconnect(session.actor.participantId);
      }
    });
  });
}

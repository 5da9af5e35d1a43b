import * as v from 'valibot';
import {
  execute,
  type Command,
  type ParticipantId,
  type Result,
  type Workshop,
  type WorkshopEvent,
} from '../src/lib/domain/index';
import type { Ack } from '../src/lib/protocol/ack';
import { normaliseCode } from '../src/lib/protocol/codes';
import { envelopeSchema, parseCommand, type ClientCommand } from '../src/lib/protocol/commands';
import { PROTOCOL_VERSION } from '../src/lib/protocol/version';
import { refusal, stillValid, type Access, type Refusal, type SessionData } from './access/index';
import { askerKey, rejoinBudgets, slowDown, tooManyAttempts } from './access/limits';
import { hashSecret, newId, randomSecret } from './crypto';
import { addressTag, log } from './log';
import { commandOutcome, commandType } from './metrics';
import type { RoomRegistry } from './registry';
import { VISITOR_SENDER } from './store/marks';
import type { WorkshopStore } from './store/types';
import { internalError, type WorkshopRoom } from './workshopRoom';

/** What a command may set off beyond its own workshop's state, once its answer has gone out. */
export interface WorkshopEffects {
  /** Some open sessions may have lost their rights (a rejoin elsewhere, a removal, a revoked link). */
  credentialsChanged(workshopId: string): void;
  joinCodeChanged(workshopId: string): void;
  /** The deletion is on record: let everyone go and erase it. */
  deleted(workshopId: string): void;
}

export interface CommandServiceOptions {
  rooms: RoomRegistry;
  access: Access;
  store: WorkshopStore;
  effects: WorkshopEffects;
  /** Called when a write to disk fails: the process can no longer promise durability. */
  onFatal: (error: unknown) => void;
  now: () => number;
  /** Told of every command answered (the metrics): its type, outcome and time to answer. */
  answered?: (type: string, outcome: string, seconds: number) => void;
}

/** Commands after which some open sessions may have lost their rights. */
const ENDS_SESSIONS = new Set<string>([
  'rejoinWorkshop',
  'removeParticipant',
  'revokeCoFacilitatorLink',
  'rotateFacilitatorKey',
]);

/** What the server draws for a new workshop: its join code and its facilitator key, hashed. */
export interface CreationSecrets {
  joinCode: string;
  facilitatorKeyHash: string;
}

/** A new workshop and the events that record it (one `workshopCreated`). */
export interface NewWorkshop {
  state: Workshop;
  events: WorkshopEvent[];
}

function refuse(code: Refusal['code'], message?: string): Ack<never> {
  return { ok: false, error: refusal(code, message) };
}

/**
 * Commands from any transport: the envelope is parsed and validated, the asker's budgets
 * spent, secrets hashed, the command run by its workshop's room, and what it sets off beyond the
 * room (sessions that lose their rights, a new join code, a deletion) handed to the effects.
 * It knows sessions as data, never as connections.
 */
export class CommandService {
  readonly #rooms: RoomRegistry;
  readonly #access: Access;
  readonly #store: WorkshopStore;
  readonly #effects: WorkshopEffects;
  readonly #onFatal: (error: unknown) => void;
  readonly #now: () => number;
  readonly #answered: (type: string, outcome: string, seconds: number) => void;
  /** Creations by address and op id, so a retried creation gets the first answer. */
  readonly #created = new Map<string, Promise<Ack<unknown>>>();

  constructor(options: CommandServiceOptions) {
    this.#rooms = options.rooms;
    this.#access = options.access;
    this.#store = options.store;
    this.#effects = options.effects;
    this.#onFatal = options.onFatal;
    this.#now = options.now;
    this.#answered = options.answered ?? (() => {});
  }

  /** A session opened: a participant counts as connected in their room. */
  opened(session: SessionData): void {
    const room = this.#roomOf(session);
    if (room && session.actor.role === 'participant') room.connect(session.actor.participantId);
  }

  /** A session closed (budgets stay: they belong to the asker, who may come back at once). */
  closed(session: SessionData): void {
    const room = this.#roomOf(session);
    if (room && session.actor.role === 'participant') room.disconnect(session.actor.participantId);
  }

  /**
   * One command from a session, whatever its payload: always an answer, never a throw. Each is
   * logged once, with its type, workshop, the asker's role, outcome and time to answer, and the
   * asker's address only as a tag (see addressTag); never its payload or anything it carries.
   */
  async run(session: SessionData, payload: unknown): Promise<Ack<unknown>> {
    const started = performance.now();
    const role = session.actor.role === 'nobody' ? 'visitor' : session.actor.role;
    const type = commandType(payload);
    let ack: Ack<unknown>;
    try {
      ack = await this.#run(session, payload);
    } catch (error) {
      log().error({ err: error, type, workshopId: session.workshopId }, `command ${type} failed`);
      ack = internalError();
    }
    const ms = performance.now() - started;
    const outcome = commandOutcome(ack.ok ? 'ok' : ack.error.code);
    this.#answered(type, outcome, ms / 1000);
    // A refusal for going too fast costs its sender nothing: at info, one client could write
    // as many lines as it liked (the metrics count them all).
    const level = outcome === 'RATE_LIMITED' || outcome === 'TOO_MANY_ATTEMPTS' ? 'debug' : 'info';
    const logger = log();
    if (logger.isLevelEnabled(level)) {
      const created = ack.ok ? (ack.value as { workshopId?: unknown } | null)?.workshopId : null;
      const workshopId = session.workshopId ?? (typeof created === 'string' ? created : undefined);
      logger[level](
        {
          type,
          workshopId,
          role,
          outcome,
          ms: Math.round(ms * 10) / 10,
          from: addressTag(session.address),
        },
        `command ${type}: ${outcome}`,
      );
    }
    return ack;
  }

  async #run(session: SessionData, payload: unknown): Promise<Ack<unknown>> {
    if (!this.#access.limits.commands.take(askerKey(session))) return refuse('RATE_LIMITED');
    const envelope = v.safeParse(envelopeSchema, payload);
    if (!envelope.success) {
      const version = (payload as { v?: unknown } | null)?.v;
      if (version !== undefined && version !== PROTOCOL_VERSION) {
        return refuse('UNSUPPORTED_PROTOCOL');
      }
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
    if (command.type === 'createWorkshop') return this.#create(session, command, op);
    const room = this.#roomOf(session);
    if (!room) return refuse('NOT_FOUND');
    return this.#runInRoom(session, room, command, op);
  }

  #roomOf(session: SessionData): WorkshopRoom | undefined {
    return session.workshopId === null ? undefined : this.#rooms.get(session.workshopId);
  }

  #create(
    session: SessionData,
    command: Extract<ClientCommand, { type: 'createWorkshop' }>,
    op: string,
  ): Promise<Ack<unknown>> | Ack<unknown> {
    if (session.workshopId !== null) return refuse('NOT_ALLOWED');
    return this.createFor(session.address, command.createToken, op, (secrets, now) => {
      const result = execute(null, { role: 'nobody' }, { ...command, ...secrets }, { now, newId });
      return result.ok
        ? { ok: true, value: { state: result.value.state, events: result.value.decision.events } }
        : result;
    });
  }

  /**
   * The one way a workshop comes to be, for a visitor at `address`: a createWorkshop command
   * or an import (server/imports.ts). The creation token and the address's budget of creations
   * are checked first; then a facilitator key and a fresh join code are drawn here, `make` gives
   * the workshop (or why not), and it is recorded as one record and added to the rooms.
   */
  createFor(
    address: string,
    createToken: string | undefined,
    op: string,
    make: (secrets: CreationSecrets, now: number) => Result<NewWorkshop>,
  ): Promise<Ack<unknown>> | Ack<unknown> {
    const refused = this.#access.creationRefused(address, createToken);
    if (refused) return { ok: false, error: refused };
    // A retried creation (same op id) gets the first answer, not a second workshop, and does
    // not spend another creation from the address's budget.
    const key = `${address}:${op}`;
    const seen = this.#created.get(key);
    if (seen) return seen;
    const { creations } = this.#access.limits;
    if (!creations.take(address)) {
      const minutes = Math.ceil(creations.retryAfter(address) / 60);
      return refuse(
        'RATE_LIMITED',
        `Too many workshops created from here: try again in ${minutes} min.`,
      );
    }
    const result = this.#createWorkshop(make, op);
    this.#created.set(key, result);
    // The last 1000 answers are kept; one that threw is forgotten, so a retry tries again.
    result.catch(() => this.#created.delete(key));
    if (this.#created.size > 1000) this.#created.delete(this.#created.keys().next().value!);
    return result;
  }

  async #createWorkshop(
    make: (secrets: CreationSecrets, now: number) => Result<NewWorkshop>,
    op: string,
  ): Promise<Ack<unknown>> {
    const key = randomSecret(16);
    const joinCode = this.#rooms.freshJoinCode();
    const now = this.#now();
    const result = make({ joinCode, facilitatorKeyHash: hashSecret(key) }, now);
    if (!result.ok) return result;
    const { state: workshop, events } = result.value;
    const reply = { workshopId: workshop.id, joinCode };
    try {
      await this.#store.append(workshop.id, {
        op,
        actor: 'nobody',
        at: now,
        events,
        reply,
      });
    } catch (error) {
      // Fail-stop, as for any other command whose record could not be written.
      this.#onFatal(error);
      return internalError();
    }
    this.#rooms.add({ state: workshop, acks: [], lastActivityAt: now });
    return { ok: true, value: { workshopId: workshop.id, joinCode, facilitatorKey: key } };
  }

  async #runInRoom(
    session: SessionData,
    room: WorkshopRoom,
    command: Exclude<ClientCommand, { type: 'createWorkshop' }>,
    op: string,
  ): Promise<Ack<unknown>> {
    if (!stillValid(session, room.decided)) {
      // A rejoin elsewhere, a removal, a revoked or rotated link: the session's rights end here.
      if (session.actor.role !== 'participant') {
        return refuse('NOT_ALLOWED', 'This link no longer gives access to the workshop.');
      }
      room.disconnect(session.actor.participantId);
      session.actor = { role: 'nobody' };
    }
    const domainCommand = this.#withSecrets(session, command);
    if ('error' in domainCommand) return { ok: false, error: domainCommand.error };
    const workshopId = room.durable.id;
    const limits = this.#access.limits;
    const failures = rejoinBudgets(limits, session, workshopId);
    if (command.type === 'rejoinWorkshop' && failures.some(([b, key]) => !b.allows(key))) {
      const wait = Math.max(...failures.map(([b, key]) => b.retryAfter(key)));
      return refuse('TOO_MANY_ATTEMPTS', tooManyAttempts(wait));
    }
    // New participants per address: a script must not fill a room to WORKSHOP_FULL. Taken before
    // the join runs (many may arrive at once), given back if it did not let anyone in.
    const { joinsPerAddress } = limits;
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
    const ack = await room.run(session.actor, domainCommand.command, op, sender);
    if (newcomer && !ack.ok) joinsPerAddress.refund(session.address);
    if (!ack.ok) {
      if (ack.error.code === 'UNKNOWN_REJOIN_CODE') {
        for (const [bucket, key] of failures) bucket.take(key);
      }
      return ack;
    }
    const joined = command.type === 'joinWorkshop' || command.type === 'rejoinWorkshop';
    if (joined && session.actor.role === 'nobody') {
      const participantId = ack.value.participantId as ParticipantId;
      session.actor = { role: 'participant', participantId };
      room.connect(participantId);
    }
    if (command.type === 'rotateFacilitatorKey') {
      // The console that rotated holds the new key: it stays; every other holder of the old one goes.
      session.keyHash = hashSecret(command.key);
    }
    // After the ack has gone out, so the sender hears the answer before anyone is let go.
    if (ENDS_SESSIONS.has(command.type)) {
      this.#effects.credentialsChanged(workshopId);
    }
    if (command.type === 'changeJoinCode') this.#effects.joinCodeChanged(workshopId);
    if (command.type === 'deleteWorkshop') this.#effects.deleted(workshopId);
    return ack;
  }

  /** The domain's command: secrets hashed, a new join code drawn here, the device's token added. */
  #withSecrets(
    session: SessionData,
    command: Exclude<ClientCommand, { type: 'createWorkshop' }>,
  ): { command: Command } | { error: Refusal } {
    if (command.type === 'createCoFacilitatorLink' || command.type === 'rotateFacilitatorKey') {
      const { key, ...rest } = command;
      return { command: { ...rest, keyHash: hashSecret(key) } as Command };
    }
    if (command.type === 'changeJoinCode') {
      // Drawn like a new workshop's: unique among every code in use, current or former.
      return { command: { type: 'changeJoinCode', joinCode: this.#rooms.freshJoinCode() } };
    }
    if (command.type === 'joinWorkshop' || command.type === 'rejoinWorkshop') {
      if (!session.tokenHash) {
        return { error: refusal('BAD_REQUEST', 'A device token is required to join.') };
      }
      const { rejoinCode, ...rest } = command;
      return {
        command: {
          ...rest,
          tokenHash: session.tokenHash,
          rejoinCodeHash: hashSecret(normaliseCode(rejoinCode)),
        } as Command,
      };
    }
    return { command: command as Command };
  }
}

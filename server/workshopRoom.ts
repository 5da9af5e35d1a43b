import {
  ERRORS,
  execute,
  type Actor,
  type Command,
  type Context,
  type Workshop,
} from '../src/lib/domain/index';
import type { Ack } from '../src/lib/protocol/ack';
import { AUDIENCES, type Audience } from '../src/lib/protocol/replica';
import { project } from './projection';
import type { WorkshopStore } from './store/types';
import { ReplicaDoc } from './yjs/replicaDoc';

const REMEMBERED_OPS = 2000;

/**
 * One live workshop: its state, its replicas and who is connected. Commands run one at a time;
 * each is acknowledged after the store has it, and only then do the replicas change.
 */
export class WorkshopRoom {
  #state: Workshop;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #connections = new Map<string, number>();
  readonly #acks = new Map<string, Ack>();
  readonly replicas: Record<Audience, ReplicaDoc>;

  constructor(
    state: Workshop,
    private readonly store: WorkshopStore,
    private readonly ctx: () => Context,
  ) {
    this.#state = state;
    this.replicas = { public: new ReplicaDoc(), facilitator: new ReplicaDoc() };
    this.#project();
  }

  get state(): Workshop {
    return this.#state;
  }

  /** Run a command in order; the same op id again gets the first answer back. */
  run(actor: Actor, command: Command, op: string): Promise<Ack> {
    const next = this.#queue.then(() => this.#run(actor, command, op));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run(actor: Actor, command: Command, op: string): Promise<Ack> {
    const key = `${actorKey(actor)}:${op}`;
    const seen = this.#acks.get(key);
    if (seen) return seen;
    const ctx = this.ctx();
    const result = execute(this.#state, actor, command, ctx);
    if (!result.ok) return result;
    const { state, decision } = result.value;
    if (decision.events.length > 0) {
      await this.store.append(this.#state.id, { op, at: ctx.now, events: decision.events });
      this.#state = state;
      this.#project();
    }
    const ack: Ack = { ok: true, value: decision.reply ?? {} };
    this.#acks.set(key, ack);
    if (this.#acks.size > REMEMBERED_OPS) this.#acks.delete(this.#acks.keys().next().value!);
    return ack;
  }

  /** Count a participant's connection (a participant may have several tabs). */
  connect(participantId: string): void {
    this.#connections.set(participantId, (this.#connections.get(participantId) ?? 0) + 1);
    if (this.#connections.get(participantId) === 1) this.#project();
  }

  disconnect(participantId: string): void {
    const count = (this.#connections.get(participantId) ?? 0) - 1;
    if (count > 0) this.#connections.set(participantId, count);
    else {
      this.#connections.delete(participantId);
      this.#project();
    }
  }

  #project(): void {
    const connected = new Set(this.#connections.keys());
    for (const audience of AUDIENCES) {
      this.replicas[audience].write(project(this.#state, audience, connected));
    }
  }

  destroy(): void {
    for (const audience of AUDIENCES) this.replicas[audience].destroy();
  }
}

function actorKey(actor: Actor): string {
  return actor.role === 'participant' ? `p:${actor.participantId}` : actor.role;
}

/** An ack for a failure that happened outside the domain (transport, crash). */
export function internalError(): Ack {
  return { ok: false, error: { code: 'INTERNAL', message: ERRORS.INTERNAL } };
}

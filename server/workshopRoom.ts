import {
  ERRORS,
  execute,
  type Actor,
  type Command,
  type Context,
  type Workshop,
  type WorkshopEvent,
} from '../src/lib/domain/index';
import type { Ack } from '../src/lib/protocol/ack';
import { LiveProjection, type Projection } from './projection';
import { SenderMarks } from './store/marks';
import { REMEMBERED_ACKS, SERVER_OP, type LoadedWorkshop, type WorkshopStore } from './store/types';
import { randomSecret } from './crypto';
import { VisionRoom } from './vision';
import { ReplicaDoc, type SavedReplica } from './yjs/replicaDoc';

/**
 * One live workshop: its state, its replicas and who is connected.
 *
 * Commands are decided one at a time against the latest state (so their order is the log's
 * order), but they do not wait for each other's fsync: all commands decided during one flush
 * share the next (group commit). A command is acknowledged, and the replicas change, only once
 * its record is on disk, so nothing anyone saw can vanish in a crash.
 */
export class WorkshopRoom {
  /** Decided state: includes commands whose records are still being written. */
  #state: Workshop;
  /** Durable state: what the store has on disk; the only state replicas ever show. */
  #durable: Workshop;
  /** Resolves when every record decided so far is on disk. */
  #tail: Promise<void> = Promise.resolve();
  #broken = false;
  #projectScheduled = false;
  readonly #connections = new Map<string, number>();
  /**
   * Who the replicas show as connected: taken from #connections at most once per PRESENCE_MS.
   * Connecting and leaving in a loop (or rejoining from fresh tokens) must not make every screen
   * in the room receive an update at the rate of the loop.
   */
  #shown: ReadonlySet<string> = new Set();
  #presenceTimer: ReturnType<typeof setTimeout> | null = null;
  #presenceChanged = false;
  readonly #acks = new Map<string, Promise<Ack>>();
  /** Per sender and stream, the highest sequenced op decided (pending writes included). */
  readonly #marks: SenderMarks;
  readonly replicas: { public: ReplicaDoc; facilitator: ReplicaDoc };
  /** One private replica per participant who has asked for it and not left. */
  readonly #private = new Map<string, ReplicaDoc>();
  /**
   * Private replicas of participants gone for longer than the grace, put away (a few bytes per
   * note): brought back when asked for, with the same history, so a returning phone syncs.
   */
  readonly #released = new Map<string, SavedReplica>();
  readonly #releaseTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #releaseMs: number;
  readonly #projection = new LiveProjection();
  /** Events made durable since the replicas were last written, and who they showed connected. */
  #unprojected: WorkshopEvent[] = [];
  #projectedShown: ReadonlySet<string> = this.#shown;
  /** When the last command was stored (the retention period counts from there). */
  lastActivityAt: number;
  /** When someone last came, went or sent a command (a room unused for a while is put away). */
  lastUsedAt: number;
  /** Commands decided and not yet on disk. */
  #writing = 0;
  #recorded = 0;
  /** Participants seen during the current session, to record at the next microtask. */
  readonly #attending = new Set<string>();
  #attendScheduled = false;
  readonly #opStream = randomSecret(6);
  #vision: VisionRoom | null = null;

  constructor(
    loaded: LoadedWorkshop,
    private readonly store: WorkshopStore,
    private readonly ctx: () => Context,
    private readonly onFatal: (error: unknown) => void,
    options: { privateReleaseMs?: number } = {},
  ) {
    this.#releaseMs = options.privateReleaseMs ?? PRIVATE_RELEASE_MS;
    this.#state = loaded.state;
    this.#durable = loaded.state;
    this.lastActivityAt = loaded.lastActivityAt;
    this.lastUsedAt = ctx().now;
    for (const [key, reply] of loaded.acks) {
      this.#acks.set(key, Promise.resolve({ ok: true, value: reply }));
    }
    this.#marks = new SenderMarks(loaded.marks ?? []);
    this.replicas = { public: new ReplicaDoc(), facilitator: new ReplicaDoc() };
    this.#projectAll();
  }

  /** The durable state (what replicas show). */
  get durable(): Workshop {
    return this.#durable;
  }

  /** Who the replicas show as connected now. */
  get shown(): ReadonlySet<string> {
    return this.#shown;
  }

  /** The private replicas held now, by participant id. */
  get privateReplicas(): ReadonlyMap<string, ReplicaDoc> {
    return this.#private;
  }

  /** Resolves once every record decided so far is on disk (a graceful stop waits for it). */
  get written(): Promise<void> {
    return this.#tail;
  }

  /** The decided state, pending writes included (for authentication lookups). */
  get decided(): Workshop {
    return this.#state;
  }

  /**
   * Run a command; the same op id from the same sender gets the first answer back. The sender
   * defaults to the actor; visitors who have not joined yet are told apart by their device token.
   * A sequenced op id at or below its stream's high-water mark was applied before, maybe longer
   * ago than the answers remembered: it is answered as done and applied nothing.
   */
  run(
    actor: Actor,
    command: Command,
    op: string,
    sender = actorKey(actor),
    remember = true,
  ): Promise<Ack> {
    const key = `${sender}:${op}`;
    const seen = this.#acks.get(key);
    if (seen) return seen;
    if (this.#broken) return Promise.resolve(internalError());
    if (this.#marks.covers(sender, op)) {
      // The first copy's record may still be on its way to disk.
      return this.#tail.then(() => ({ ok: true, value: { duplicate: 'true' } }) as Ack);
    }

    const ctx = this.ctx();
    const result = execute(this.#state, actor, command, ctx);
    if (!result.ok) return Promise.resolve(result);
    const { state, decision } = result.value;
    const reply = decision.reply ?? {};
    // A session starts: everyone connected now attended it (recorded once this is decided).
    const started =
      state.currentSessionId != null && state.currentSessionId !== this.#state.currentSessionId;
    if (decision.events.length === 0) {
      // Nothing to store, but the answer may rest on records still being written.
      return this.#tail.then(() => ({ ok: true, value: reply }) as Ack);
    }
    this.#state = state;
    this.#marks.note(sender, op);
    if (started) this.#attend(this.#connections.keys());
    const written = this.store.append(
      this.#state.id,
      { op, actor: sender, at: ctx.now, events: decision.events, reply },
      state,
    );
    this.#tail = written.catch(() => undefined);
    this.#writing++;
    this.lastUsedAt = ctx.now;
    void this.#tail.then(() => this.#writing--);
    const ack = written.then(
      (): Ack => {
        this.#durable = state;
        this.#unprojected.push(...decision.events);
        this.lastActivityAt = Math.max(this.lastActivityAt, ctx.now);
        this.#scheduleProject();
        return { ok: true, value: reply };
      },
      (error: unknown): Ack => {
        // The decided state is now ahead of the disk: stop taking commands (fail-stop).
        this.#broken = true;
        this.#acks.delete(key);
        this.onFatal(error);
        return internalError();
      },
    );
    if (!remember) return ack;
    this.#acks.set(key, ack);
    if (this.#acks.size > REMEMBERED_ACKS) this.#acks.delete(this.#acks.keys().next().value!);
    return ack;
  }

  /**
   * A command the server makes (a write accepted in the vision room, a merge of its history):
   * the same decision and group commit as a client's, with an op id of its own, and no answer
   * remembered for a retry (there is none: a refused write closes its connection instead).
   */
  record(actor: Actor, command: Command, sender: string): Promise<Ack> {
    // Unique across restarts: the answers remembered from the log are looked up by op id.
    return this.run(
      actor,
      command,
      `${SERVER_OP}${this.#opStream}-${++this.#recorded}`,
      sender,
      false,
    );
  }

  /** The writable room of the vision statements, opened when its first writer comes. */
  get vision(): VisionRoom {
    this.#vision ??= new VisionRoom(this.#state, {
      decided: () => this.#state,
      record: (actor, command, sender) => this.record(actor, command, sender),
    });
    return this.#vision;
  }

  /** The vision room if a writer has opened it. */
  get openVision(): VisionRoom | null {
    return this.#vision;
  }

  /** Someone came or went (any role): the room counts as used now. */
  touch(now: number): void {
    this.lastUsedAt = Math.max(this.lastUsedAt, now);
  }

  /** True while a write is under way or a replica connection reads any of its replicas. */
  get inUse(): boolean {
    if (this.#writing > 0 || this.#connections.size > 0) return true;
    if (this.#vision?.inUse) return true;
    if (this.replicas.public.watched || this.replicas.facilitator.watched) return true;
    for (const replica of this.#private.values()) if (replica.watched) return true;
    return false;
  }

  /** Count a participant's connection (a participant may have several tabs). */
  connect(participantId: string): void {
    const timer = this.#releaseTimers.get(participantId);
    if (timer) {
      clearTimeout(timer);
      this.#releaseTimers.delete(participantId);
    }
    this.#connections.set(participantId, (this.#connections.get(participantId) ?? 0) + 1);
    if (this.#connections.get(participantId) === 1) {
      this.#presence();
      this.#attend([participantId]);
    }
  }

  disconnect(participantId: string): void {
    const count = (this.#connections.get(participantId) ?? 0) - 1;
    if (count > 0) this.#connections.set(participantId, count);
    else {
      this.#connections.delete(participantId);
      this.#armRelease(participantId);
      this.#presence();
    }
  }

  /**
   * Who was connected while the current session runs joins its attendance: gathered for a
   * moment and recorded in one server command (a room reconnecting at once makes one record).
   */
  #attend(participantIds: Iterable<string>): void {
    const session = this.#state.currentSessionId;
    if (!session) return;
    const attended = new Set(this.#state.sessions?.[session]?.attendance ?? []);
    for (const id of participantIds) if (!attended.has(id)) this.#attending.add(id);
    if (this.#attending.size === 0 || this.#attendScheduled) return;
    this.#attendScheduled = true;
    queueMicrotask(() => {
      this.#attendScheduled = false;
      const participantIds = [...this.#attending];
      this.#attending.clear();
      if (!this.#state.currentSessionId || this.#broken) return;
      void this.record({ role: 'nobody' }, { type: 'recordAttendance', participantIds }, 'server');
    });
  }

  /** Put a private replica away once its participant has had no connection for a while. */
  #armRelease(participantId: string): void {
    if (this.#releaseTimers.has(participantId) || !this.#private.has(participantId)) return;
    const timer = setTimeout(() => {
      this.#releaseTimers.delete(participantId);
      this.#release(participantId);
    }, this.#releaseMs);
    timer.unref();
    this.#releaseTimers.set(participantId, timer);
  }

  #release(participantId: string): void {
    const replica = this.#private.get(participantId);
    if (!replica || this.#connections.has(participantId)) return;
    // A replica connection may outlive the socket: its screen must keep getting updates.
    if (replica.watched) return this.#armRelease(participantId);
    this.#private.delete(participantId);
    if (this.#durable.participants[participantId]?.removedAt === undefined) {
      this.#released.set(participantId, replica.save());
    }
    replica.destroy();
  }

  /** Show who is connected now, then at most once per PRESENCE_MS (the last change always shows). */
  #presence(): void {
    if (this.#presenceTimer) {
      this.#presenceChanged = true;
      return;
    }
    this.#shown = new Set(this.#connections.keys());
    this.#scheduleProject();
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = null;
      if (!this.#presenceChanged) return;
      this.#presenceChanged = false;
      this.#presence();
    }, PRESENCE_MS);
    this.#presenceTimer.unref();
  }

  /** Commands acknowledged together are published together, in one Yjs update per replica. */
  #scheduleProject(): void {
    if (this.#projectScheduled) return;
    this.#projectScheduled = true;
    queueMicrotask(() => {
      this.#projectScheduled = false;
      this.#project();
    });
  }

  /** The private replica of a participant (made on first request), or null if unknown. */
  privateReplica(participantId: string): ReplicaDoc | null {
    if (!Object.hasOwn(this.#durable.participants, participantId)) return null;
    let replica = this.#private.get(participantId);
    if (!replica) {
      const saved = this.#released.get(participantId);
      this.#released.delete(participantId);
      const removed = this.#durable.participants[participantId]!.removedAt !== undefined;
      replica = saved && !removed ? ReplicaDoc.restore(saved) : new ReplicaDoc();
      this.#private.set(participantId, replica);
      // What the other replicas show now: a batch not yet projected reaches it with theirs.
      const view = this.#projection.privateView(
        this.#projection.state!,
        this.#projectedShown,
        participantId,
      );
      if (view) replica.write(view);
      if (!this.#connections.has(participantId)) this.#armRelease(participantId);
    }
    return replica;
  }

  /** Write what changed since the last projection, or everything when a change is not mapped. */
  #project(): void {
    const events = this.#unprojected;
    this.#unprojected = [];
    const patch = this.#projection.patch(
      this.#durable,
      events,
      this.#projectedShown,
      this.#shown,
      new Set(this.#private.keys()),
    );
    this.#projectedShown = this.#shown;
    if (!patch) return this.#projectAll();
    this.replicas.public.patch(patch.public);
    this.replicas.facilitator.patch(patch.facilitator);
    for (const [id, changes] of patch.private) this.#private.get(id)?.patch(changes);
  }

  #projectAll(): void {
    this.#unprojected = [];
    this.#projectedShown = this.#shown;
    this.#write(this.#projection.full(this.#durable, this.#shown, this.#private.keys()));
  }

  #write(views: Projection): void {
    this.replicas.public.write(views.public);
    this.replicas.facilitator.write(views.facilitator);
    for (const [id, view] of views.private) this.#private.get(id)?.write(view);
  }

  /** Where the projection's indexes differ from ones rebuilt from scratch (tests). */
  projectionProblems(): string[] {
    return this.#projection.problems();
  }

  destroy(): void {
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    for (const timer of this.#releaseTimers.values()) clearTimeout(timer);
    this.#vision?.destroy();
    this.replicas.public.destroy();
    this.replicas.facilitator.destroy();
    for (const replica of this.#private.values()) replica.destroy();
  }
}

/** How long a private replica outlives its participant's last connection (a reconnect reuses it). */
export const PRIVATE_RELEASE_MS = 30_000;

/** How often, at most, the replicas show a change of who is connected. */
export const PRESENCE_MS = 1000;

export function actorKey(actor: Actor): string {
  return actor.role === 'participant' ? `p:${actor.participantId}` : actor.role;
}

/** An ack for a failure that happened outside the domain (transport, disk). */
export function internalError(): Ack {
  return { ok: false, error: { code: 'INTERNAL', message: ERRORS.INTERNAL } };
}

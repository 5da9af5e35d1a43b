import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  checkStatementWrite,
  type Actor,
  type Command,
  type ErrorCode,
  type Workshop,
} from '../src/lib/domain/index';
import type { Ack } from '../src/lib/protocol/ack';

const MESSAGE_AWARENESS = 1;

/** A shared type of the document, whatever its events (Yjs types them loosely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs's own type parameter
type Shared = Y.AbstractType<any>;

/** Close code for a write the room refused: the client drops its copy and syncs a fresh one. */
export const REFUSED_WRITE = 4422;

/** How many updates the history keeps before the oldest are merged into one. */
export const VISION_HISTORY_MERGE_AT = 200;

/** Bytes of updates waiting for what they depend on, per writer, before it is cut. */
const STASH_BYTES = 64 * 1024;

/** Longest strings a caret may carry; a caret is a few small fields, not a place to store data. */
const CARET_FIELD_BYTES = 512;

/** What the vision room needs of its workshop's room: the decided state and the command path. */
export interface VisionHost {
  decided(): Workshop;
  /** Run a server-made command through the room's group commit (resolves once it is on disk). */
  record(actor: Actor, command: Command, sender: string): Promise<Ack>;
}

/** One writer's connection, as the transport hands it over. */
export interface VisionLink {
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** What the transport tells the room about a writer's connection. */
export interface VisionConn {
  update(update: Uint8Array): void;
  awareness(update: Uint8Array): void;
  leave(): void;
}

interface Writer {
  /** Its ticket key (vision.f, vision.c.<linkId>, vision.p.<participantId>). */
  key: string;
  actor: Actor;
  sender: string;
  link: VisionLink;
  /** Awareness client ids this connection set. */
  clients: Set<number>;
  /** Updates still waiting for ones they depend on (not yet checked nor recorded). */
  stash: Uint8Array[];
  stashBytes: number;
}

/**
 * The one place clients write to Yjs: the vision statements of a workshop, a Y.Text per
 * statement (named by its id) in one document. The history of accepted updates is kept with the
 * workshop (its `visionHistory`), so this document comes back the same after a restart and a
 * phone that typed offline merges into it without duplicating anything.
 *
 * An update is applied at once to the decided copy (so the next one is checked against it),
 * checked by the domain for every statement it changes (locked, Devenir, length, who), recorded
 * through the room's group commit, and only once it is on disk applied to the document that
 * connections read, which sends it to everyone. A refused update closes its connection with
 * REFUSED_WRITE; the decided copy is rebuilt without it.
 */
export class VisionRoom {
  /** What is on disk: connections sync from it and receive its updates. */
  readonly doc: Y.Doc;
  #decided: Y.Doc;
  /** Updates recorded but not yet on disk, oldest first. */
  #pending: Uint8Array[] = [];
  readonly #awareness: awarenessProtocol.Awareness;
  readonly #writers = new Set<Writer>();
  #merging = false;
  #destroyed = false;

  constructor(
    state: Workshop,
    private readonly host: VisionHost,
  ) {
    this.doc = new Y.Doc();
    for (const update of state.visionHistory ?? []) Y.applyUpdate(this.doc, fromBase64(update));
    this.#decided = this.#copy();
    this.#awareness = new awarenessProtocol.Awareness(new Y.Doc());
    this.#awareness.setLocalState(null);
    this.#awareness.on('update', this.#onAwareness);
  }

  /** Whether a writer is connected. */
  get inUse(): boolean {
    return this.#writers.size > 0;
  }

  /** A writer's connection, let in by its ticket (key) as this actor. */
  join(key: string, actor: Actor, sender: string, link: VisionLink): VisionConn {
    const writer: Writer = {
      key,
      actor,
      sender,
      link,
      clients: new Set(),
      stash: [],
      stashBytes: 0,
    };
    this.#writers.add(writer);
    if (this.#awareness.getStates().size > 0) {
      const ids = [...this.#awareness.getStates().keys()];
      link.send(this.#awarenessMessage(writer, ids));
    }
    return {
      update: (update) => this.#write(writer, update),
      awareness: (update) => this.#setCarets(writer, update),
      leave: () => this.#leave(writer),
    };
  }

  /** Close the connections of the writers whose key starts with `prefix` (rights withdrawn). */
  closeWriters(prefix: string, code: number): void {
    for (const writer of [...this.#writers]) {
      if (writer.key.startsWith(prefix)) writer.link.close(code, 'access withdrawn');
    }
  }

  #leave(writer: Writer): void {
    if (!this.#writers.delete(writer)) return;
    if (writer.clients.size > 0 && !this.#destroyed) {
      awarenessProtocol.removeAwarenessStates(this.#awareness, [...writer.clients], 'left');
    }
  }

  #write(writer: Writer, update: Uint8Array): void {
    if (!this.#writers.has(writer)) return;
    let touched: Set<string>;
    let waiting: boolean;
    try {
      ({ touched, waiting } = this.#applyDecided(update));
    } catch {
      return this.#refuse(writer, 'BAD_REQUEST');
    }
    if (waiting) {
      // It needs updates this room has not seen yet (the client sends them next, in its sync
      // answer): kept aside until they come, neither checked nor recorded before.
      writer.stash.push(update);
      writer.stashBytes += update.byteLength;
      if (writer.stashBytes > STASH_BYTES) this.#refuse(writer, 'BAD_REQUEST');
      return;
    }
    const whole = writer.stash.length > 0 ? Y.mergeUpdates([...writer.stash, update]) : update;
    writer.stash = [];
    writer.stashBytes = 0;
    // Nothing new (a copy of what the room holds, sent again after a reconnect): nothing to record.
    if (touched.size === 0) return;
    const state = this.host.decided();
    const texts: [string, string][] = [];
    for (const name of touched) {
      let text: string;
      try {
        text = this.#decided.getText(name).toString();
      } catch {
        return this.#refuse(writer, 'BAD_REQUEST');
      }
      const allowed = checkStatementWrite(state, writer.actor, name, text);
      if (!allowed.ok) return this.#refuse(writer, allowed.error.code);
      texts.push([name, text]);
    }
    const encoded = toBase64(whole);
    const acks = texts.map(([statementId, text], i) =>
      this.host.record(
        writer.actor,
        // The update goes with the first statement it changed; the others carry their text only.
        { type: 'writeStatement', statementId, update: i === 0 ? encoded : '', text },
        writer.sender,
      ),
    );
    this.#pending.push(whole);
    void Promise.all(acks).then((results) => this.#durable(writer, whole, results));
  }

  /** Apply to the decided copy; which statements' texts changed, and whether parts wait. */
  #applyDecided(update: Uint8Array): { touched: Set<string>; waiting: boolean } {
    const touched = new Set<string>();
    const names = new Map<Shared, string>();
    for (const [name, type] of this.#decided.share) names.set(type, name);
    const collect = (transaction: Y.Transaction) => {
      for (const type of transaction.changed.keys()) {
        let top: Shared = type;
        while (top._item !== null) top = top._item.parent as Shared;
        const name = names.get(top) ?? [...this.#decided.share].find(([, t]) => t === top)?.[0];
        if (name === undefined) throw new Error('an update to a type the room does not name');
        touched.add(name);
      }
    };
    this.#decided.on('afterTransaction', collect);
    try {
      Y.applyUpdate(this.#decided, update);
    } finally {
      this.#decided.off('afterTransaction', collect);
    }
    const store = this.#decided.store;
    return { touched, waiting: store.pendingStructs !== null || store.pendingDs !== null };
  }

  #durable(writer: Writer, update: Uint8Array, results: Ack[]): void {
    if (this.#destroyed) return;
    const index = this.#pending.indexOf(update);
    if (index !== -1) this.#pending.splice(index, 1);
    if (results.some((ack) => !ack.ok)) {
      // The room stopped taking commands (a failed disk write) or the rules changed under it.
      this.#decided = this.#copy();
      writer.link.close(REFUSED_WRITE, 'write refused');
      return;
    }
    Y.applyUpdate(this.doc, update, 'durable');
    this.#mergeHistory();
  }

  /**
   * Once the history holds many updates, the oldest (everything on disk now) are replaced by
   * their merge: the same history in one piece, so a reload applies one update, not thousands.
   */
  #mergeHistory(): void {
    const held = this.host.decided().visionHistory?.length ?? 0;
    if (this.#merging || held - this.#pending.length < VISION_HISTORY_MERGE_AT) return;
    this.#merging = true;
    const count = held - this.#pending.length;
    const update = toBase64(Y.encodeStateAsUpdate(this.doc));
    void this.host
      .record({ role: 'nobody' }, { type: 'mergeVisionHistory', count, update }, 'server')
      .finally(() => {
        this.#merging = false;
      });
  }

  #refuse(writer: Writer, code: ErrorCode): void {
    this.#decided = this.#copy();
    writer.stash = [];
    writer.stashBytes = 0;
    writer.link.close(REFUSED_WRITE, code);
  }

  /** The document on disk plus the updates on their way there. */
  #copy(): Y.Doc {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
    for (const update of this.#pending) Y.applyUpdate(copy, update);
    return copy;
  }

  /**
   * A writer's carets. Only its own client ids (one taken by another writer is dropped), only
   * the fields a caret has, and the name comes from the server, never from the client.
   */
  #setCarets(writer: Writer, update: Uint8Array): void {
    const decoder = decoding.createDecoder(update);
    const encoder = encoding.createEncoder();
    const count = decoding.readVarUint(decoder);
    const kept: [number, number, string][] = [];
    for (let i = 0; i < count && i < 8; i++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const raw = decoding.readVarString(decoder);
      if (!writer.clients.has(client) && this.#owner(client) !== null) continue;
      kept.push([client, clock, JSON.stringify(this.#caret(raw, writer))]);
    }
    encoding.writeVarUint(encoder, kept.length);
    for (const [client, clock, state] of kept) {
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, state);
    }
    awarenessProtocol.applyAwarenessUpdate(this.#awareness, encoding.toUint8Array(encoder), writer);
  }

  #owner(client: number): Writer | null {
    for (const writer of this.#writers) if (writer.clients.has(client)) return writer;
    return null;
  }

  #caret(raw: string, writer: Writer): Record<string, unknown> | null {
    const state = JSON.parse(raw) as unknown;
    if (state === null || typeof state !== 'object') return null;
    const s = state as Record<string, unknown>;
    const small = (v: unknown) =>
      JSON.stringify(v ?? null).length <= CARET_FIELD_BYTES ? v : null;
    return {
      statementId: typeof s.statementId === 'string' ? s.statementId.slice(0, 64) : null,
      anchor: small(s.anchor) ?? null,
      head: small(s.head) ?? null,
      colour: typeof s.colour === 'string' ? s.colour.slice(0, 32) : null,
      name: this.#nameOf(writer),
    };
  }

  /** The name consoles see next to a writer's caret. */
  #nameOf(writer: Writer): string {
    const { actor } = writer;
    const state = this.host.decided();
    if (actor.role === 'participant') return state.participants[actor.participantId]?.name ?? '';
    if (actor.role === 'cofacilitator') return state.coFacilitators[actor.linkId]?.label ?? '';
    return '';
  }

  #onAwareness = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const from = origin as Writer | undefined;
    if (from && this.#writers.has(from)) {
      for (const id of [...changes.added, ...changes.updated]) from.clients.add(id);
      for (const id of changes.removed) from.clients.delete(id);
    }
    const ids = [...changes.added, ...changes.updated, ...changes.removed];
    for (const writer of this.#writers) writer.link.send(this.#awarenessMessage(writer, ids));
  };

  /** Awareness for one writer: consoles see names, phones only colours. */
  #awarenessMessage(writer: Writer, ids: number[]): Uint8Array {
    let update = awarenessProtocol.encodeAwarenessUpdate(this.#awareness, ids);
    const seesNames = writer.actor.role === 'facilitator' || writer.actor.role === 'cofacilitator';
    if (!seesNames) {
      update = awarenessProtocol.modifyAwarenessUpdate(update, (state: unknown) => {
        if (state === null || typeof state !== 'object') return state;
        const rest = { ...(state as Record<string, unknown>) };
        delete rest.name;
        return rest;
      });
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, update);
    return encoding.toUint8Array(encoder);
  }

  destroy(): void {
    this.#destroyed = true;
    this.#awareness.off('update', this.#onAwareness);
    this.#awareness.destroy();
    this.#decided.destroy();
    this.doc.destroy();
    this.#writers.clear();
  }
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

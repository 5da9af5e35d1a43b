import type * as Y from 'yjs';
import {
  NO_CARETS,
  VisionConnection,
  type RemoteCaret,
  type VisionOptions,
  type VisionStatus,
} from './visionConnection';

export type { RemoteCaret, VisionStatus };

/**
 * The writable vision room as screens read it: the document to bind editors to (replaced only
 * after a refused write), whether it is connected, and the other writers' carets.
 */
export class Vision {
  doc = $state.raw<Y.Doc>(null as unknown as Y.Doc);
  status = $state<VisionStatus>('connecting');
  /** A refused write is being undone: the text shown is not to be edited until it is. */
  resyncing = $state(false);
  carets = $state.raw<ReadonlyMap<number, RemoteCaret>>(NO_CARETS);
  /** Counts the document's changes: what is worked out from its text (caret places) reads it. */
  version = $state(0);
  readonly room: string;
  readonly #connection: VisionConnection;
  #watched: Y.Doc | null = null;
  readonly #bump = () => this.version++;

  constructor(
    base: string,
    grant: { room: string; ticket: string },
    needTicket: (code: number) => void,
    options: VisionOptions = {},
  ) {
    this.room = grant.room;
    this.#connection = new VisionConnection(
      base,
      grant.room,
      grant.ticket,
      { needTicket, changed: () => this.#read() },
      options,
    );
    this.#read();
  }

  get colour(): string {
    return this.#connection.colour;
  }

  renew(ticket: string): void {
    this.#connection.renew(ticket);
  }

  /** The network dropped: reconnect now rather than wait for the stale socket to time out. */
  reconnect(): void {
    this.#connection.reconnect();
  }

  /** Where this writer's caret is in a statement (null: nowhere); throttled. */
  setCaret(statementId: string | null, anchor = 0, head = anchor): void {
    this.#connection.setCaret(statementId, anchor, head);
  }

  /** A remote caret's index in the current text (null: what it pointed at is gone). */
  caretIndex(position: Y.RelativePosition): number | null {
    return this.#connection.caretIndex(position);
  }

  destroy(): void {
    this.#watched?.off('update', this.#bump);
    this.#connection.destroy();
  }

  #read(): void {
    const c = this.#connection;
    if (!c) return; // (a change reported while the connection is being made)
    if (this.#watched !== c.doc) {
      this.#watched?.off('update', this.#bump);
      c.doc.on('update', this.#bump);
      this.#watched = c.doc;
      this.doc = c.doc;
    }
    this.status = c.status;
    this.resyncing = c.resyncing;
    this.carets = c.carets;
  }
}

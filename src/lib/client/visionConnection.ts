import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { VisionCaret } from '../protocol/replica';

/** Close codes of the vision room that this client acts on (the server's CLOSE values). */
export const VISION_CLOSE = {
  /** The ticket was refused or has expired: a fresh one, the same document. */
  BAD_TICKET: 4401,
  /** The workshop is gone: nothing to come back to. */
  GONE: 4410,
  /** An update too large to take: like a refused write. */
  TOO_LARGE: 4413,
  /** A write the rules refuse (locked, out of Devenir, too long, removed): resync. */
  REFUSED_WRITE: 4422,
  /** The server is restarting: the provider reconnects by itself, nothing is lost. */
  RESTART: 1012,
} as const;

/** Closes after which this document holds edits the server will never take. */
const RESYNC = new Set<number>([VISION_CLOSE.REFUSED_WRITE, VISION_CLOSE.TOO_LARGE]);

/** At most this many caret updates a second leave this client. */
export const CARETS_PER_SECOND = 4;

/** Colours a writer's caret may take: readable on white, told apart from one another. */
export const CARET_COLOURS = [
  '#c62828',
  '#1565c0',
  '#2e7d32',
  '#6a1b9a',
  '#ef6c00',
  '#00838f',
  '#ad1457',
  '#4e342e',
] as const;

/** No carets: what a room shows before anyone else is in it. */
export const NO_CARETS: ReadonlyMap<number, RemoteCaret> = new Map();

export type VisionStatus = 'connecting' | 'online' | 'offline' | 'gone';

/** Someone else's caret: where it is (relative positions), its colour, a name on consoles. */
export interface RemoteCaret {
  statementId: string;
  anchor: Y.RelativePosition;
  head: Y.RelativePosition;
  colour: string;
  name?: string;
}

/** What the connection tells its owner. */
export interface VisionHooks {
  /** Ask the server for a fresh ticket (a hello); `renew` brings it. */
  needTicket(code: number): void;
  /** The document, the status or the carets changed: read them again. */
  changed(): void;
}

export interface VisionOptions {
  WebSocket?: typeof globalThis.WebSocket;
  /** This writer's caret colour (one of CARET_COLOURS by default, from the doc's client id). */
  colour?: string;
}

/** Untrusted awareness state from another client: a caret, or nothing usable. */
function parseCaret(state: unknown): RemoteCaret | null {
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Record<string, unknown>;
  if (typeof s.statementId !== 'string' || typeof s.colour !== 'string') return null;
  // The colour lands in a style attribute: only a plain hex colour is taken.
  if (!/^#[0-9a-fA-F]{6}$/.test(s.colour)) return null;
  try {
    const anchor = Y.createRelativePositionFromJSON(s.anchor);
    const head = Y.createRelativePositionFromJSON(s.head);
    const name = typeof s.name === 'string' ? s.name.slice(0, 80) : undefined;
    return {
      statementId: s.statementId,
      anchor,
      head,
      colour: s.colour,
      ...(name ? { name } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * The writable vision room: one Y.Doc kept across reconnections and server restarts (what is
 * typed offline merges when back), dropped only when the server refused a write from it.
 */
export class VisionConnection {
  doc = new Y.Doc();
  status: VisionStatus = 'connecting';
  /** After a refused write: a fresh document is syncing; the shown one is not to be edited. */
  resyncing = false;
  /** Other writers' carets by awareness client id. */
  carets: ReadonlyMap<number, RemoteCaret> = NO_CARETS;
  readonly colour: string;
  #provider: WebsocketProvider;
  /** A fresh provider and document syncing after a refused write, shown once synced. */
  #pending: { doc: Y.Doc; provider: WebsocketProvider } | null = null;
  #needsResync = false;
  #ticket: string;
  #destroyed = false;
  #caret: VisionCaret | null = null;
  #caretSentAt = -Infinity;
  #caretTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly base: string,
    readonly room: string,
    ticket: string,
    readonly hooks: VisionHooks,
    readonly options: VisionOptions = {},
  ) {
    this.#ticket = ticket;
    this.colour = options.colour ?? CARET_COLOURS[this.doc.clientID % CARET_COLOURS.length]!;
    this.#provider = this.#connect(this.doc);
  }

  get provider(): WebsocketProvider {
    return this.#provider;
  }

  /** A fresh ticket: reconnect with it (on a fresh document if the last write was refused). */
  renew(ticket: string): void {
    if (this.#destroyed) return;
    this.#ticket = ticket;
    if (this.#needsResync) {
      this.#needsResync = false;
      this.#pending?.provider.awareness.destroy();
      this.#pending?.provider.destroy();
      this.#pending?.doc.destroy();
      const doc = new Y.Doc();
      this.#pending = { doc, provider: this.#connect(doc) };
      return;
    }
    const provider = this.#pending?.provider ?? this.#provider;
    provider.params = { ticket };
    if (!provider.shouldConnect) provider.connect();
  }

  /**
   * The network dropped (the command socket noticed first): stop trusting the open connection
   * and start again, same document. A WebSocket whose network went away can look open for a
   * long time (y-websocket's watchdog waits 30 s); new attempts fail fast until it is back.
   */
  reconnect(): void {
    if (this.#destroyed) return;
    const provider = this.#pending?.provider ?? this.#provider;
    // Stopped after a refusal: the fresh ticket (renew) starts it again.
    if (!provider.shouldConnect) return;
    provider.disconnect();
    provider.connect();
    if (provider === this.#provider && this.status !== 'gone') this.#setStatus('offline');
  }

  /**
   * Where this writer's caret is (indexes in the statement's text), or null when it writes
   * nowhere. Sent at most CARETS_PER_SECOND times a second: the last position always goes.
   */
  setCaret(statementId: string | null, anchor = 0, head = anchor): void {
    if (statementId === null) this.#caret = null;
    else {
      const text = this.doc.getText(statementId);
      const position = (index: number) =>
        Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index));
      this.#caret = {
        statementId,
        anchor: position(anchor),
        head: position(head),
        colour: this.colour,
      };
    }
    this.#scheduleCaret();
  }

  /** The index in a statement's text a remote caret points at (null: that text is gone). */
  caretIndex(position: Y.RelativePosition): number | null {
    return Y.createAbsolutePositionFromRelativePosition(position, this.doc)?.index ?? null;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    if (this.#caretTimer) clearTimeout(this.#caretTimer);
    for (const { provider, doc } of [
      { provider: this.#provider, doc: this.doc },
      ...(this.#pending ? [this.#pending] : []),
    ]) {
      provider.awareness.destroy();
      provider.destroy();
      doc.destroy();
    }
    this.#pending = null;
  }

  #scheduleCaret(): void {
    if (this.#caretTimer) return;
    const gap = 1000 / CARETS_PER_SECOND;
    const wait = this.#caretSentAt + gap - Date.now();
    if (wait <= 0) return this.#sendCaret();
    this.#caretTimer = setTimeout(() => {
      this.#caretTimer = null;
      this.#sendCaret();
    }, wait);
  }

  #sendCaret(): void {
    if (this.#destroyed) return;
    this.#caretSentAt = Date.now();
    this.#provider.awareness.setLocalState(this.#caret);
  }

  #connect(doc: Y.Doc): WebsocketProvider {
    const awareness = new Awareness(doc);
    // Nobody's caret until this writer is in a statement.
    awareness.setLocalState(null);
    const provider = new WebsocketProvider(this.base, this.room, doc, {
      params: { ticket: this.#ticket },
      disableBc: true,
      awareness,
      WebSocketPolyfill: this.options.WebSocket,
    });
    // A restart is a pause, not a lost connection: no warning while the provider reconnects
    // (what is typed meanwhile stays in the document and goes once back).
    let restart = false;
    provider.on('connection-close', (event) => {
      restart = event?.code === VISION_CLOSE.RESTART;
    });
    provider.on('status', ({ status }) => {
      if (provider !== this.#provider || this.status === 'gone') return;
      if (status === 'disconnected') this.#setStatus(restart ? 'connecting' : 'offline');
    });
    provider.on('sync', (synced: boolean) => {
      if (!synced) return;
      if (this.#pending?.provider === provider) this.#promote();
      if (provider === this.#provider) this.#setStatus('online');
    });
    awareness.on('change', () => {
      if (provider === this.#provider) this.#readCarets();
    });
    // The stock client stops after a 44xx close; what happens next depends on the code.
    provider.on('closed', ({ code }) => this.#closed(provider, code));
    return provider;
  }

  #closed(provider: WebsocketProvider, code: number): void {
    if (this.#destroyed) return;
    if (code === VISION_CLOSE.GONE) {
      this.#setStatus('gone');
      return;
    }
    if (RESYNC.has(code)) {
      // This document holds edits the server will not take: they go, with the document.
      this.#needsResync = true;
      if (provider === this.#provider) this.resyncing = true;
      this.#setStatus('offline');
    }
    this.hooks.needTicket(code);
  }

  /** The fresh document has the server's state: show it, drop the refused one. */
  #promote(): void {
    const pending = this.#pending!;
    this.#pending = null;
    const old = { provider: this.#provider, doc: this.doc };
    this.#provider = pending.provider;
    this.doc = pending.doc;
    this.resyncing = false;
    this.#caretSentAt = -Infinity;
    old.provider.awareness.destroy();
    old.provider.destroy();
    old.doc.destroy();
    this.carets = NO_CARETS;
    this.#setStatus('online');
  }

  #readCarets(): void {
    const carets = new Map<number, RemoteCaret>();
    for (const [clientId, state] of this.#provider.awareness.getStates()) {
      if (clientId === this.doc.clientID) continue;
      const caret = parseCaret(state);
      if (caret) carets.set(clientId, caret);
    }
    this.carets = carets;
    this.hooks.changed();
  }

  #setStatus(status: VisionStatus): void {
    this.status = status;
    this.hooks.changed();
  }
}

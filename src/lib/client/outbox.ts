import type { DomainError } from '../domain/errors';
import type { ClientCommand } from '../protocol/commands';
import { sequencedOp } from '../protocol/opIds';
import { newStreamId } from './opId';

/** A command waiting on this device, or one the server refused (kept so its text is not lost). */
export interface OutboxEntry {
  op: string;
  cmd: ClientCommand;
  at: number;
  status: 'waiting' | 'rejected';
  error?: DomainError;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * The phone's outbox: commands are kept in storage that survives a reload until the server
 * acknowledges them, then sent in order with their op ids (so a resend applies once).
 *
 * Op ids are sequenced (`${stream}-${seq}`, see protocol/opIds.ts): the server remembers the
 * highest seq it applied per stream, so a resend is recognised however long the phone was away.
 * Each instance starts its own stream: two tabs never interleave one stream, and entries stored
 * by an earlier page keep their op ids (and their stream's order).
 *
 * Two tabs of the same phone share the storage: every change re-reads it and changes only its
 * own entry, so one tab never writes over what the other queued (a tab that sends an entry the
 * other already delivered gets the first answer back: same op id).
 */
export class Outbox {
  #entries: OutboxEntry[];
  readonly #stream = newStreamId();
  #seq = 0;

  constructor(
    private readonly key: string,
    private readonly storage: Storage,
    private readonly onChange: (entries: readonly OutboxEntry[]) => void = () => {},
  ) {
    this.#entries = Outbox.#read(storage, key);
  }

  static #read(storage: Storage, key: string): OutboxEntry[] {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? (parsed as OutboxEntry[]) : [];
    } catch {
      return [];
    }
  }

  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /** The oldest command still to send. */
  next(): OutboxEntry | undefined {
    return this.#entries.find((e) => e.status === 'waiting');
  }

  add(cmd: ClientCommand, now = Date.now()): OutboxEntry {
    const op = sequencedOp(this.#stream, ++this.#seq);
    const entry: OutboxEntry = { op, cmd, at: now, status: 'waiting' };
    this.#change((entries) => [...entries, entry]);
    return entry;
  }

  /** The server has it: forget it. */
  done(op: string): void {
    this.#change((entries) => entries.filter((e) => e.op !== op));
  }

  /** The server refused it: keep the text, with the reason, until the person dismisses it. */
  reject(op: string, error: DomainError): void {
    this.#change((entries) =>
      entries.map((e) => (e.op === op ? { ...e, status: 'rejected' as const, error } : e)),
    );
  }

  /** Another tab changed the storage: show (and send) what it holds now. */
  refresh(): void {
    this.#entries = Outbox.#read(this.storage, this.key);
    this.onChange(this.#entries);
  }

  dismiss(op: string): void {
    this.done(op);
  }

  /** Forget everything waiting (the workshop is gone: there is nowhere to send it). */
  clear(): void {
    this.#entries = [];
    this.#save();
  }

  /** Apply a change to what the storage holds now (another tab may have written since). */
  #change(fn: (entries: OutboxEntry[]) => OutboxEntry[]): void {
    this.#entries = fn(Outbox.#read(this.storage, this.key));
    this.#save();
  }

  #save(): void {
    if (this.#entries.length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(this.#entries));
    this.onChange(this.#entries);
  }
}

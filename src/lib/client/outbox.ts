import type { DomainError } from '../domain/errors';
import type { ClientCommand } from '../protocol/commands';
import { newOpId } from './opId';

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
 */
export class Outbox {
  #entries: OutboxEntry[];

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
    const entry: OutboxEntry = { op: newOpId(), cmd, at: now, status: 'waiting' };
    this.#entries = [...this.#entries, entry];
    this.#save();
    return entry;
  }

  /** The server has it: forget it. */
  done(op: string): void {
    this.#entries = this.#entries.filter((e) => e.op !== op);
    this.#save();
  }

  /** The server refused it: keep the text, with the reason, until the person dismisses it. */
  reject(op: string, error: DomainError): void {
    this.#entries = this.#entries.map((e) =>
      e.op === op ? { ...e, status: 'rejected' as const, error } : e,
    );
    this.#save();
  }

  dismiss(op: string): void {
    this.done(op);
  }

  /** Forget everything waiting (the workshop is gone: there is nowhere to send it). */
  clear(): void {
    this.#entries = [];
    this.#save();
  }

  #save(): void {
    if (this.#entries.length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(this.#entries));
    this.onChange(this.#entries);
  }
}

import type { DomainError } from '../domain/errors';

/** The answer to every command: the value, or an error with a code and a human message. */
export type Ack<T = Record<string, string>> =
  { ok: true; value: T } | { ok: false; error: DomainError };

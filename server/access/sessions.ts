import type { SessionData } from './session';

/** An open session as the transport holds it: who it is, and how to let it go. */
export interface OpenSession {
  readonly data: SessionData;
  /** Close it; with `gone`, tell the client why first (the workshop was deleted or expired). */
  end(gone?: { code: string; message: string }): void;
}

/**
 * Every open session, by workshop: a rejoin elsewhere, a removal or a deletion looks only at the
 * sessions of its workshop, never at the whole process's.
 */
export class OpenSessions {
  readonly #byWorkshop = new Map<string, Set<OpenSession>>();

  add(session: OpenSession): void {
    const key = session.data.workshopId ?? '';
    let open = this.#byWorkshop.get(key);
    if (!open) this.#byWorkshop.set(key, (open = new Set()));
    open.add(session);
  }

  delete(session: OpenSession): void {
    const key = session.data.workshopId ?? '';
    const open = this.#byWorkshop.get(key);
    open?.delete(session);
    if (open?.size === 0) this.#byWorkshop.delete(key);
  }

  /** The sessions of one workshop now (a copy: ending one while iterating is fine). */
  of(workshopId: string): OpenSession[] {
    return [...(this.#byWorkshop.get(workshopId) ?? [])];
  }

  /** Every open session (the metrics count them by role). */
  *all(): Generator<OpenSession> {
    for (const open of this.#byWorkshop.values()) yield* open;
  }

  /** How many sessions are open (tests). */
  get size(): number {
    let total = 0;
    for (const open of this.#byWorkshop.values()) total += open.size;
    return total;
  }
}

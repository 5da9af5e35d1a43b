import type { LoadedWorkshop, WorkshopStore } from './store/types';
import { randomJoinCode } from './crypto';
import type { WorkshopRoom } from './workshopRoom';

/** The rooms a join code leads to, as the handshake and the join page ask for them. */
export interface RoomLookup {
  get(workshopId: string): WorkshopRoom | undefined;
  byCode(code: string): { room: WorkshopRoom; current: boolean } | undefined;
  /** Load a workshop put away while nobody used it (resolves at once when it is loaded). */
  wake(workshopId: string): Promise<WorkshopRoom | undefined>;
  /** The same, for the workshop a join code (current or former) leads to. */
  wakeByCode(code: string): Promise<void>;
}

/** What stays in memory of a workshop put away: enough to find it and to expire it. */
interface Asleep {
  codes: string[];
  lastActivityAt: number;
}

/**
 * The workshops of this process and the join codes that lead to them. A workshop nobody uses is
 * put away (its room, replicas and state leave memory; its codes and last activity stay) and
 * loaded again from the store when someone comes back. It knows nothing of transports or
 * sessions: a later step that runs several processes, each owning some workshops, replaces
 * this map (and the code index) with a lookup in a shared engine.
 */
export class RoomRegistry implements RoomLookup {
  readonly #rooms = new Map<string, WorkshopRoom>();
  readonly #asleep = new Map<string, Asleep>();
  /** Loads and put-aways under way, so that a wake never races a sleep of the same workshop. */
  readonly #moving = new Map<string, Promise<unknown>>();
  /** Current and former join codes → workshop id (a former code lets in only people who joined). */
  readonly #byCode = new Map<string, string>();

  constructor(
    private readonly store: Pick<WorkshopStore, 'load' | 'release'>,
    private readonly open: (loaded: LoadedWorkshop) => WorkshopRoom,
  ) {}

  /** Open a room for a loaded (or just created) workshop and index its join codes. */
  add(loaded: LoadedWorkshop): WorkshopRoom {
    const room = this.open(loaded);
    this.#rooms.set(loaded.state.id, room);
    this.#asleep.delete(loaded.state.id);
    this.#index(room.decided.id, codesOf(room));
    return room;
  }

  /** A loaded room (see wake for one put away). */
  get(workshopId: string): WorkshopRoom | undefined {
    return this.#rooms.get(workshopId);
  }

  has(workshopId: string): boolean {
    return this.#rooms.has(workshopId);
  }

  /** Loaded rooms. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Workshops put away now. */
  get asleep(): number {
    return this.#asleep.size;
  }

  keys() {
    return this.#rooms.keys();
  }

  values() {
    return this.#rooms.values();
  }

  /** Every workshop, loaded or not, with when its last command was stored. */
  *activity(): Generator<[string, number]> {
    for (const [id, room] of this.#rooms) yield [id, room.lastActivityAt];
    for (const [id, asleep] of this.#asleep) yield [id, asleep.lastActivityAt];
  }

  /**
   * The workshop a join code leads to, current or former: a former code lets in only people who
   * joined (the handshake checks their token), never a visitor or a projector.
   */
  byCode(code: string): { room: WorkshopRoom; current: boolean } | undefined {
    const id = this.#byCode.get(code);
    const room = id === undefined ? undefined : this.#rooms.get(id);
    return room ? { room, current: room.decided.joinCode === code } : undefined;
  }

  async wake(workshopId: string): Promise<WorkshopRoom | undefined> {
    for (;;) {
      const moving = this.#moving.get(workshopId);
      if (!moving) break;
      await moving.catch(() => undefined);
    }
    const room = this.#rooms.get(workshopId);
    if (room || !this.#asleep.has(workshopId)) return room;
    const loading = this.store.load(workshopId).then((loaded) => {
      // Erased meanwhile (the retention period, a deletion): nothing to bring back.
      if (!loaded || !this.#asleep.has(workshopId)) return undefined;
      return this.add(loaded);
    });
    this.#moving.set(workshopId, loading);
    try {
      return await loading;
    } finally {
      this.#moving.delete(workshopId);
    }
  }

  async wakeByCode(code: string): Promise<void> {
    const id = this.#byCode.get(code);
    if (id !== undefined) await this.wake(id);
  }

  /**
   * Put a room away: the caller has checked nobody uses it (no session, no replica connection,
   * no write under way). Its records stay in the store; `wake` loads them again.
   */
  async sleep(workshopId: string): Promise<void> {
    const room = this.#rooms.get(workshopId);
    if (!room || this.#moving.has(workshopId)) return;
    this.#rooms.delete(workshopId);
    this.#asleep.set(workshopId, { codes: codesOf(room), lastActivityAt: room.lastActivityAt });
    room.destroy();
    const releasing = this.store.release(workshopId);
    this.#moving.set(workshopId, releasing);
    try {
      await releasing;
    } finally {
      this.#moving.delete(workshopId);
    }
  }

  /** After a new join code: it leads here too (the former ones keep leading here). */
  codeChanged(workshopId: string): void {
    const room = this.#rooms.get(workshopId);
    if (room) this.#index(workshopId, codesOf(room));
  }

  /** A join code no workshop has or had (current and former codes are all taken). */
  freshJoinCode(): string {
    let code = randomJoinCode();
    while (this.#byCode.has(code)) code = randomJoinCode();
    return code;
  }

  /**
   * Forget a workshop, loaded or put away, and every code of it. Returns its room, if it was
   * loaded, for the caller to destroy; true when only a put-away entry went.
   */
  remove(workshopId: string): WorkshopRoom | boolean {
    const room = this.#rooms.get(workshopId);
    const asleep = this.#asleep.get(workshopId);
    this.#rooms.delete(workshopId);
    this.#asleep.delete(workshopId);
    const codes = room ? codesOf(room) : (asleep?.codes ?? []);
    for (const code of codes) this.#byCode.delete(code);
    return room ?? asleep !== undefined;
  }

  /** Destroy every room (the process is stopping). */
  clear(): void {
    for (const room of this.#rooms.values()) room.destroy();
    this.#rooms.clear();
    this.#asleep.clear();
    this.#byCode.clear();
  }

  #index(workshopId: string, codes: string[]): void {
    for (const code of codes) this.#byCode.set(code, workshopId);
  }
}

function codesOf(room: WorkshopRoom): string[] {
  return [...(room.decided.formerJoinCodes ?? []), room.decided.joinCode];
}

import type { LoadedWorkshop } from './store/types';
import { randomJoinCode } from './crypto';
import type { WorkshopRoom } from './workshopRoom';

/** The rooms a join code leads to, as the handshake and the join page ask for them. */
export interface RoomLookup {
  get(workshopId: string): WorkshopRoom | undefined;
  byCode(code: string): { room: WorkshopRoom; current: boolean } | undefined;
}

/**
 * The live workshops of this process and the join codes that lead to them. It knows nothing of
 * transports or sessions: a later step that runs several processes, each owning some
 * workshops, replaces this one map (and the code index) with a lookup in a shared engine.
 */
export class RoomRegistry implements RoomLookup {
  readonly #rooms = new Map<string, WorkshopRoom>();
  /** Current and former join codes → workshop id (a former code lets in only people who joined). */
  readonly #byCode = new Map<string, string>();

  constructor(private readonly open: (loaded: LoadedWorkshop) => WorkshopRoom) {}

  /** Open a room for a loaded (or just created) workshop and index its join codes. */
  add(loaded: LoadedWorkshop): WorkshopRoom {
    const room = this.open(loaded);
    this.#rooms.set(loaded.state.id, room);
    this.#index(room);
    return room;
  }

  get(workshopId: string): WorkshopRoom | undefined {
    return this.#rooms.get(workshopId);
  }

  has(workshopId: string): boolean {
    return this.#rooms.has(workshopId);
  }

  get size(): number {
    return this.#rooms.size;
  }

  keys() {
    return this.#rooms.keys();
  }

  values() {
    return this.#rooms.values();
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

  /** After a new join code: it leads here too (the former ones keep leading here). */
  codeChanged(workshopId: string): void {
    const room = this.#rooms.get(workshopId);
    if (room) this.#index(room);
  }

  /** A join code no workshop has or had (current and former codes are all taken). */
  freshJoinCode(): string {
    let code = randomJoinCode();
    while (this.#byCode.has(code)) code = randomJoinCode();
    return code;
  }

  /** Forget a room and every code of it; the caller destroys it. */
  remove(workshopId: string): WorkshopRoom | undefined {
    const room = this.#rooms.get(workshopId);
    if (!room) return undefined;
    this.#rooms.delete(workshopId);
    for (const code of codesOf(room)) this.#byCode.delete(code);
    return room;
  }

  /** Destroy every room (the process is stopping). */
  clear(): void {
    for (const room of this.#rooms.values()) room.destroy();
    this.#rooms.clear();
    this.#byCode.clear();
  }

  #index(room: WorkshopRoom): void {
    for (const code of codesOf(room)) this.#byCode.set(code, room.decided.id);
  }
}

function codesOf(room: WorkshopRoom): string[] {
  return [...(room.decided.formerJoinCodes ?? []), room.decided.joinCode];
}

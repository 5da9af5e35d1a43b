import * as Y from 'yjs';
import { MAPS } from '../../src/lib/protocol/replica';
import type { AudienceView, ReplicaPatch } from '../projection';

/** Typed origin of every server write to a replica: the only writer there is. */
export const PROJECTION_ORIGIN = { kind: 'projection' } as const;

/** A replica put away: its history. */
export interface SavedReplica {
  update: Uint8Array;
}

/**
 * A server-side replica: a Y.Doc that mirrors an audience view. Each key of each map holds a
 * plain JSON value; only keys whose JSON changed are written, all in one transaction, so a
 * change reaches clients as one small update. Values are compared as JSON would see them,
 * without keeping their JSON: a string per key would cost as much again as the replica.
 */
export class ReplicaDoc {
  readonly doc = new Y.Doc({ gc: true });
  /** Per map and key: the last value given (same JSON as the one the doc holds). */
  readonly #shadow = new Map<string, Map<string, unknown>>();

  constructor() {
    // Yjs makes every doc wait for a provider's 'load' and 'sync' (whenLoaded, whenSynced).
    // A server replica has no provider and nothing awaits them: their listeners and promises
    // would cost each replica, so each phone, about 0.9 KB.
    this.doc._observers.delete('load');
    this.doc._observers.delete('sync');
  }

  /**
   * A replica brought back from `save`: the same history, so a screen that still holds the old
   * document syncs onto it as if it had never gone (a new document would be merged into the old
   * one on that screen, and either value of a key could win). Later writes come under the new
   * doc's own client id: reusing the old one makes Yjs pick another anyway, with a warning.
   */
  static restore(saved: SavedReplica): ReplicaDoc {
    const replica = new ReplicaDoc();
    Y.applyUpdate(replica.doc, saved.update, PROJECTION_ORIGIN);
    for (const mapName of Object.values(MAPS)) {
      // Only the maps the saved history holds: the others stay unmade (see #shadowOf).
      if (!replica.doc.share.has(mapName)) continue;
      const shadow = replica.#shadowOf(mapName);
      for (const [key, value] of replica.doc.getMap(mapName).entries()) shadow.set(key, value);
    }
    return replica;
  }

  /** Its whole history, small enough to keep while nobody reads it. */
  save(): SavedReplica {
    return { update: Y.encodeStateAsUpdate(this.doc) };
  }

  /** Whether a replica connection still reads it (the Yjs endpoint listens while one is open). */
  get watched(): boolean {
    return (this.doc._observers.get('update')?.size ?? 0) > 0;
  }

  write(view: AudienceView): void {
    this.doc.transact(() => {
      for (const mapName of Object.values(MAPS)) {
        const entries = view[mapName] as Record<string, unknown>;
        if (!this.#shadow.has(mapName) && isEmpty(entries)) continue;
        const map = this.doc.getMap(mapName);
        const shadow = this.#shadowOf(mapName);
        for (const [key, value] of Object.entries(entries)) put(map, shadow, key, value);
        for (const key of [...shadow.keys()]) {
          if (!Object.hasOwn(entries, key)) {
            map.delete(key);
            shadow.delete(key);
          }
        }
      }
    }, PROJECTION_ORIGIN);
  }

  /** Write only the keys given (undefined: delete the key), in one transaction. */
  patch(patch: ReplicaPatch): void {
    this.doc.transact(() => {
      for (const mapName of Object.values(MAPS)) {
        const changes = patch[mapName];
        if (changes.size === 0) continue;
        if (!this.#shadow.has(mapName) && [...changes.values()].every((v) => v === undefined)) {
          continue; // only deletions, from a map never written: nothing to delete
        }
        const map = this.doc.getMap(mapName);
        const shadow = this.#shadowOf(mapName);
        for (const [key, value] of changes) {
          if (value === undefined) {
            if (shadow.has(key)) {
              map.delete(key);
              shadow.delete(key);
            }
            continue;
          }
          put(map, shadow, key, value);
        }
      }
    }, PROJECTION_ORIGIN);
  }

  /**
   * A map and its shadow are made on the first write to it. A private replica uses two of the
   * six maps; the four empty ones cost about 3 KB a phone (a Y.Map with its event handlers,
   * and a shadow), and an empty Y.Map encodes to nothing, so clients see the same document.
   */
  #shadowOf(mapName: string): Map<string, unknown> {
    let shadow = this.#shadow.get(mapName);
    if (!shadow) this.#shadow.set(mapName, (shadow = new Map()));
    return shadow;
  }

  destroy(): void {
    this.doc.destroy();
  }
}

function isEmpty(entries: Record<string, unknown>): boolean {
  for (const _ in entries) return false;
  return true;
}

/** Write `value` under `key` unless its JSON is the last one's; remember it either way. */
function put(map: Y.Map<unknown>, shadow: Map<string, unknown>, key: string, value: unknown): void {
  const last = shadow.get(key);
  if (last === value) return;
  if (!shadow.has(key) || !sameJson(last, value)) map.set(key, value);
  shadow.set(key, value);
}

/**
 * Whether two plain JSON values would give the same JSON, but for the order of object keys (a
 * key holding undefined counts as absent, as in JSON.stringify). Views hold nothing else:
 * no dates, maps, functions or non-finite numbers.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    const v = x[key];
    if (v === undefined) continue;
    defined++;
    if (!Object.hasOwn(y, key) || !sameJson(v, y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) defined--;
  return defined === 0;
}

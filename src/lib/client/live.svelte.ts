import { io, type Socket } from 'socket.io-client';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { DomainError } from '../domain/errors';
import type { Ack } from '../protocol/ack';
import type { ClientCommand, Handshake } from '../protocol/commands';
import type { Audience, ReplicaSnapshot, RoomGrant, Welcome } from '../protocol/replica';
import { YJS_PATH } from '../protocol/replica';
import { PROTOCOL_VERSION } from '../protocol/version';
import { newOpId } from './opId';
import { EMPTY_SNAPSHOT, readSnapshot } from './snapshot';

export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'refused';

const ACK_TIMEOUT_MS = 8000;
const ATTEMPTS = 4;

/** One read-only replica: a Y.Doc kept in sync by the y-websocket client. */
class Replica {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  snapshot = $state.raw<ReplicaSnapshot>(EMPTY_SNAPSHOT);

  constructor(
    base: string,
    readonly grant: RoomGrant,
    onRefused: () => void,
  ) {
    this.provider = new WebsocketProvider(base, grant.room, this.doc, {
      params: { ticket: grant.ticket },
      disableBc: true,
    });
    // Presence is a count the server publishes; nobody needs this client's awareness.
    this.provider.awareness.setLocalState(null);
    this.doc.on('update', () => (this.snapshot = readSnapshot(this.doc)));
    this.provider.on('closed', () => onRefused());
  }

  /** A fresh ticket for the next reconnection of the same room. */
  renew(ticket: string): void {
    this.provider.params = { ticket };
  }

  destroy(): void {
    this.provider.awareness.destroy();
    this.provider.destroy();
    this.doc.destroy();
  }
}

/**
 * A live connection to a workshop: commands over socket.io, state from read-only replicas.
 * On every (re)connection it says hello; a new server epoch means fresh replicas, never a merge.
 */
export class LiveWorkshop {
  status = $state<ConnectionStatus>('connecting');
  welcome = $state.raw<Welcome | null>(null);
  refusal = $state.raw<DomainError | null>(null);
  #replicas = $state.raw<Partial<Record<Audience, Replica>>>({});
  readonly #socket: Socket;
  readonly #base: string;
  #helloTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(auth: Omit<Handshake, 'v'> | Record<string, never>, origin = location.origin) {
    this.#base = origin.replace(/^http/, 'ws') + YJS_PATH;
    this.#socket = io(origin, {
      path: '/socket.io',
      auth: { v: PROTOCOL_VERSION, ...auth },
      transports: ['websocket', 'polling'],
    });
    this.#socket.on('connect', () => {
      this.status = 'online';
      this.refusal = null;
      void this.#hello();
    });
    this.#socket.on('disconnect', () => (this.status = 'offline'));
    this.#socket.on('connect_error', (error: Error & { data?: DomainError }) => {
      if (error.data?.code) {
        this.status = 'refused';
        this.refusal = error.data;
        this.#socket.disconnect();
      } else {
        this.status = 'offline';
      }
    });
  }

  /** The replica of one audience (the public one unless asked otherwise). */
  snapshot(audience: Audience = 'public'): ReplicaSnapshot {
    return this.#replicas[audience]?.snapshot ?? EMPTY_SNAPSHOT;
  }

  get synced(): boolean {
    return Object.keys(this.#replicas).length > 0;
  }

  async #hello(): Promise<void> {
    try {
      const ack = (await this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('hello')) as Ack<Welcome>;
      if (!ack.ok) return;
      this.welcome = ack.value;
      this.#useRooms(ack.value.rooms);
    } catch {
      this.#scheduleHello();
    }
  }

  #scheduleHello(): void {
    if (this.#helloTimer || !this.#socket.connected) return;
    this.#helloTimer = setTimeout(() => {
      this.#helloTimer = null;
      void this.#hello();
    }, 1000);
  }

  #useRooms(grants: RoomGrant[]): void {
    const next: Partial<Record<Audience, Replica>> = {};
    for (const grant of grants) {
      const current = this.#replicas[grant.audience];
      if (current && current.grant.room === grant.room) {
        current.renew(grant.ticket);
        next[grant.audience] = current;
      } else {
        current?.destroy();
        // A refused room (stale epoch, expired ticket) is re-granted through a new hello.
        next[grant.audience] = new Replica(this.#base, grant, () => this.#refreshRoom(grant));
      }
    }
    for (const [audience, replica] of Object.entries(this.#replicas)) {
      if (!next[audience as Audience]) replica.destroy();
    }
    this.#replicas = next;
  }

  #refreshRoom(grant: RoomGrant): void {
    const current = this.#replicas[grant.audience];
    if (current?.grant.room === grant.room) {
      current.destroy();
      const rest = { ...this.#replicas };
      delete rest[grant.audience];
      this.#replicas = rest;
    }
    this.#scheduleHello();
  }

  /** Send a command; retried with the same op id until acknowledged, so it applies once. */
  async send(cmd: ClientCommand): Promise<Ack<Record<string, string>>> {
    const envelope = { v: PROTOCOL_VERSION, op: newOpId(), cmd };
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = (await this.#socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('cmd', envelope)) as Ack<Record<string, string>>;
        if (ack.ok && cmd.type === 'joinWorkshop') void this.#hello();
        return ack;
      } catch {
        if (attempt >= ATTEMPTS) {
          return {
            ok: false,
            error: { code: 'INTERNAL', message: 'No answer from the server.' },
          };
        }
      }
    }
  }

  close(): void {
    if (this.#helloTimer) clearTimeout(this.#helloTimer);
    this.#socket.disconnect();
    for (const replica of Object.values(this.#replicas)) replica.destroy();
    this.#replicas = {};
  }
}

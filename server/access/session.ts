import * as v from 'valibot';
import type { Actor, ErrorCode, Workshop } from '../../src/lib/domain/index';
import { handshakeSchema } from '../../src/lib/protocol/commands';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { hashSecret, normaliseJoinCode } from '../crypto';
import type { RoomLookup } from '../registry';

/** Who a socket is, established at the handshake and re-checked before every command. */
export interface SessionData {
  workshopId: string | null;
  actor: Actor;
  /** Hash of the device token a participant presented: the key to join or rejoin. */
  tokenHash: string | null;
  /** Hash of the facilitator or co-facilitator secret presented. */
  keyHash: string | null;
  /** Where the client connects from, for rate limits: its address, and address + device. */
  address: string;
  device: string;
}

export interface ClientOrigin {
  address: string;
  device: string;
}

const nobody = (
  client: ClientOrigin,
  workshopId: string | null,
  tokenHash: string | null = null,
): SessionData => ({ workshopId, actor: { role: 'nobody' }, tokenHash, keyHash: null, ...client });

/** The facilitator role a key hash grants in a workshop, if any. */
function facilitatorActor(state: Workshop, keyHash: string): Actor | null {
  if (state.facilitatorKeyHash === keyHash) return { role: 'facilitator' };
  const link = Object.values(state.coFacilitators).find(
    (l) => l.keyHash === keyHash && l.revokedAt === null,
  );
  return link ? { role: 'cofacilitator', linkId: link.id } : null;
}

/** Handshake: the role comes from the `auth` payload, never from a URL. */
export function authenticate(
  rooms: RoomLookup,
  auth: unknown,
  client: ClientOrigin,
): SessionData | ErrorCode {
  const parsed = v.safeParse(handshakeSchema, auth);
  if (!parsed.success) {
    const version = (auth as { v?: unknown } | null)?.v;
    return version !== undefined && version !== PROTOCOL_VERSION
      ? 'UNSUPPORTED_PROTOCOL'
      : 'BAD_REQUEST';
  }
  const hs = parsed.output;
  if ('key' in hs) {
    const room = rooms.get(hs.workshopId);
    const keyHash = hashSecret(hs.key);
    const actor = room ? facilitatorActor(room.durable, keyHash) : null;
    if (!room || !actor) return 'NOT_FOUND';
    return { workshopId: room.durable.id, actor, tokenHash: null, keyHash, ...client };
  }
  if ('code' in hs) {
    const found = rooms.byCode(normaliseJoinCode(hs.code));
    if (!found) return 'NOT_FOUND';
    const { room, current } = found;
    const workshopId = room.durable.id;
    // A former code: only someone who joined, on their own device, still gets in with it.
    if (!current && (hs.as === 'projector' || !hs.token)) return 'NOT_FOUND';
    if (hs.as === 'projector') {
      return { ...nobody(client, workshopId), actor: { role: 'projector' } };
    }
    const tokenHash = hs.token ? hashSecret(hs.token) : null;
    const participant = tokenHash
      ? Object.values(room.durable.participants).find((p) => p.tokenHash === tokenHash)
      : undefined;
    if (!participant) return current ? nobody(client, workshopId, tokenHash) : 'NOT_FOUND';
    return {
      workshopId,
      actor: { role: 'participant', participantId: participant.id },
      tokenHash,
      keyHash: null,
      ...client,
    };
  }
  return nobody(client, null);
}

/**
 * Whether the credentials a session presented still hold: a rotated or revoked link, a removed
 * participant or a rejoin on another device ends the session's rights at once.
 */
export function stillValid(session: SessionData, state: Workshop): boolean {
  const { actor } = session;
  if (actor.role === 'facilitator' || actor.role === 'cofacilitator') {
    const now = session.keyHash ? facilitatorActor(state, session.keyHash) : null;
    return now !== null && now.role === actor.role;
  }
  if (actor.role === 'participant') {
    const p = state.participants[actor.participantId];
    return p !== undefined && p.removedAt === undefined && p.tokenHash === session.tokenHash;
  }
  return true;
}

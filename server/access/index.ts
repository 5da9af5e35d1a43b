import { timingSafeEqual } from 'node:crypto';
import {
  ERRORS,
  type Actor,
  type ErrorCode,
  type Language,
  type ParticipantId,
  type Sector,
} from '../../src/lib/domain/index';
import type { Ack } from '../../src/lib/protocol/ack';
import {
  audienceKey,
  roomName,
  visionRoomName,
  type Audience,
  type AudienceKey,
  type Welcome,
} from '../../src/lib/protocol/replica';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { hashSecret, normaliseJoinCode } from '../crypto';
import { RATE_LIMITS, TokenBuckets, type LimitName, type RateLimit } from '../rateLimit';
import type { RoomLookup } from '../registry';
import { addressKey, clientAddress, proxyHops } from '../transport/clientAddress';
import { CONNECTIONS_PER_ADDRESS, ConnectionCounts } from '../transport/connections';
import { askerKey, slowDown, tooManyAttempts } from './limits';
import { authenticate, type SessionData } from './session';
import { TicketBook, type TicketKey } from './tickets';

export type { SessionData } from './session';
export { stillValid } from './session';

/** Why a request is turned away: a code for the client, a message for the person. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

export function refusal(code: ErrorCode, message: string = ERRORS[code]): Refusal {
  return { code, message };
}

export interface AccessOptions {
  /** Changes at every start, so clients never merge a rebuilt replica into an old one. */
  epoch: string;
  origin?: string | null;
  createToken?: string | null;
  /** How many reverse proxies in front append to X-Forwarded-For (`true` is 1). */
  trustProxy?: boolean | number;
  limits?: Partial<Record<LimitName, RateLimit>>;
  ticketTtlMs?: number;
  connectionsPerAddress?: number;
  now?: () => number;
}

/** What the join page shows before any socket: the public view's first lines, nothing more. */
export interface JoinPageWorkshop {
  title: string;
  language: Language;
  sectors: Sector[];
  joiningOpen: boolean;
}

/**
 * found: the current join code; notFound: no workshop has this code now (unknown, former or
 * deleted: a former code lets in only a device that joined, which the socket checks, not the
 * page); unknown: the page cannot tell (no realtime in this process, or this address has spent
 * its budget of failed codes), so the phone asks over the socket as before.
 */
export type JoinPageData =
  { status: 'found'; workshop: JoinPageWorkshop } | { status: 'notFound' } | { status: 'unknown' };

const CODE = /^[A-Z0-9]{1,12}$/;

function audiencesFor(session: SessionData): Audience[] {
  const { role } = session.actor;
  if (role === 'facilitator' || role === 'cofacilitator') return ['facilitator', 'public'];
  if (role === 'participant') return ['public', 'private'];
  return ['public'];
}

/**
 * Who may come in and how often: handshakes, replica tickets, the budgets of every limit, the
 * connections per address, the origin and the creation token. It looks workshops up through a
 * narrow interface and keeps no socket: every map it holds is process-wide state a later step
 * could keep in a shared engine.
 */
export class Access {
  readonly epoch: string;
  readonly tickets: TicketBook;
  /** Rate limits, by what they count (see RATE_LIMITS). */
  readonly limits: Record<LimitName, TokenBuckets>;
  /** Open connections per client address. */
  readonly connections: ConnectionCounts;
  readonly origin: string | null;
  readonly createToken: string | null;
  /** Trusted proxy hops in front (0: none). */
  readonly trustProxy: number;
  readonly now: () => number;

  constructor(
    private readonly rooms: RoomLookup,
    options: AccessOptions,
  ) {
    this.epoch = options.epoch;
    this.origin = options.origin ?? null;
    this.createToken = options.createToken ?? null;
    this.trustProxy = proxyHops(options.trustProxy);
    this.now = options.now ?? Date.now;
    const limits = { ...RATE_LIMITS, ...options.limits };
    this.limits = Object.fromEntries(
      (Object.keys(RATE_LIMITS) as LimitName[]).map((name) => [
        name,
        new TokenBuckets(limits[name].capacity, limits[name].perSecond, this.now),
      ]),
    ) as Record<LimitName, TokenBuckets>;
    this.connections = new ConnectionCounts(
      options.connectionsPerAddress ?? CONNECTIONS_PER_ADDRESS,
    );
    this.tickets = new TicketBook(options.ticketTtlMs ?? 60_000);
  }

  /** The address a request comes from, as limits count it (see clientAddress, addressKey). */
  addressOf(remoteAddress: string, forwardedFor: string | string[] | undefined): string {
    return addressKey(clientAddress(remoteAddress, forwardedFor, this.trustProxy));
  }

  /** True when a browser's Origin header is acceptable (any, when ORIGIN is not set). */
  originAllowed(origin: string | undefined): boolean {
    if (!this.origin || origin === undefined) return true;
    return origin === this.origin;
  }

  /**
   * The handshake: who the client is, from its `auth` payload, unless it has been guessing join
   * codes. Failed attempts are counted per address and per device. Facilitator keys (128 random
   * bits) cannot be guessed, so consoles are never throttled: a stranger at the venue cannot
   * lock the facilitator out.
   */
  async admit(auth: unknown, address: string): Promise<SessionData | Refusal> {
    const fields = auth as Record<string, unknown> | undefined;
    const token = typeof fields?.token === 'string' ? fields.token.slice(0, 64) : '';
    const client = { address, device: `${address}|${token}` };
    const { failuresPerAddress, failuresPerDevice } = this.limits;
    const guessable = typeof fields?.code === 'string';
    if (
      guessable &&
      (!failuresPerAddress.allows(client.address) || !failuresPerDevice.allows(client.device))
    ) {
      const wait = Math.max(
        failuresPerAddress.retryAfter(client.address),
        failuresPerDevice.retryAfter(client.device),
      );
      return refusal('TOO_MANY_ATTEMPTS', tooManyAttempts(wait));
    }
    // A workshop put away while nobody used it is loaded again for whoever comes back.
    if (typeof fields?.workshopId === 'string' && fields.workshopId.length <= 64) {
      await this.rooms.wake(fields.workshopId);
    } else if (guessable && (fields.code as string).length <= 32) {
      await this.rooms.wakeByCode(normaliseJoinCode(fields.code as string));
    }
    const session = authenticate(this.rooms, auth, client);
    if (typeof session !== 'string') return session;
    if (session === 'NOT_FOUND' && guessable) {
      failuresPerAddress.take(client.address);
      failuresPerDevice.take(client.device);
    }
    return refusal(session);
  }

  /**
   * What a client needs to read its replicas: a ticket per room its role may read. Each hello
   * grants tickets, so a client asking in a loop is told to wait; visitors, known by a token
   * they make up, also share their address's budget.
   */
  hello(session: SessionData): Ack<Welcome> {
    const { hellos, visitorHellosPerAddress } = this.limits;
    const budgets: (readonly [TokenBuckets, string])[] = [[hellos, askerKey(session)]];
    if (session.actor.role === 'nobody' && session.tokenHash !== null) {
      budgets.push([visitorHellosPerAddress, session.address]);
    }
    if (budgets.some(([bucket, key]) => !bucket.allows(key))) {
      const wait = Math.max(...budgets.map(([bucket, key]) => bucket.retryAfter(key)));
      const { code, message } = refusal('RATE_LIMITED', slowDown('Too many hellos', wait));
      return { ok: false, error: { code, message } };
    }
    for (const [bucket, key] of budgets) bucket.take(key);
    const { workshopId, actor } = session;
    const participantId = actor.role === 'participant' ? actor.participantId : undefined;
    return {
      ok: true,
      value: {
        protocol: PROTOCOL_VERSION,
        role: actor.role,
        workshopId,
        participantId: participantId ?? null,
        epoch: this.epoch,
        serverTime: Date.now(),
        vision: workshopId ? this.#visionGrant(session, workshopId) : null,
        rooms: workshopId
          ? audiencesFor(session).map((audience) => {
              const key = audienceKey(audience, participantId);
              return {
                audience,
                room: roomName(workshopId, key, this.epoch),
                ticket: this.tickets.grant(workshopId, key),
              };
            })
          : [],
      },
    };
  }

  /** A ticket to write in the vision room, for those who may: its key names the writer. */
  #visionGrant(session: SessionData, workshopId: string): Welcome['vision'] {
    const key = visionKey(session);
    if (key === null) return null;
    return { room: visionRoomName(workshopId), ticket: this.tickets.grant(workshopId, key) };
  }

  /** Whether a replica connection's ticket lets it read this workshop's audience now. */
  ticketAllows(ticket: string, workshopId: string, audience: AudienceKey): boolean {
    return this.tickets.check(ticket, workshopId, audience);
  }

  /**
   * When creating needs a token: refused while the address is guessing, or without the right
   * token (a wrong one counts as a failed attempt). Null: go ahead.
   */
  creationRefused(address: string, given: string | undefined): Refusal | null {
    if (this.createToken === null) return null;
    const { failuresPerAddress } = this.limits;
    if (!failuresPerAddress.allows(address)) {
      return refusal('TOO_MANY_ATTEMPTS', tooManyAttempts(failuresPerAddress.retryAfter(address)));
    }
    if (tokenMatches(given, this.createToken)) return null;
    if (given !== undefined) failuresPerAddress.take(address);
    return refusal('CREATE_TOKEN_REQUIRED');
  }

  /**
   * The join page's view of a code. A code that leads nowhere costs the asker's address one
   * failed attempt, from the same budget as an unknown code over the socket: the page must not
   * be a faster way to guess codes than the socket is.
   */
  async joinPage(rawCode: string, address: string): Promise<JoinPageData> {
    const code = rawCode.toUpperCase();
    const failures = this.limits.failuresPerAddress;
    if (!failures.allows(address)) return { status: 'unknown' };
    if (CODE.test(code)) await this.rooms.wakeByCode(code);
    const found = CODE.test(code) ? this.rooms.byCode(code) : undefined;
    const state = found?.room.decided;
    if (!found?.current || !state || state.deletedAt !== undefined) {
      failures.take(address);
      return { status: 'notFound' };
    }
    return {
      status: 'found',
      workshop: {
        title: state.title,
        language: state.language,
        sectors: state.sectors.map((s) => ({ id: s.id, label: s.label })),
        joiningOpen: state.joiningOpen,
      },
    };
  }
}

/** The ticket key of a writer in the vision room (null: this role never writes there). */
export function visionKey(session: SessionData): TicketKey | null {
  const { actor } = session;
  if (actor.role === 'facilitator') return 'vision.f';
  if (actor.role === 'cofacilitator') return `vision.c.${actor.linkId}`;
  if (actor.role === 'participant') return `vision.p.${actor.participantId}`;
  return null;
}

/** The actor a vision ticket key stands for (see visionKey). */
export function visionActor(key: TicketKey): Actor | null {
  if (key === 'vision.f') return { role: 'facilitator' };
  if (key.startsWith('vision.c.')) return { role: 'cofacilitator', linkId: key.slice(9) };
  if (key.startsWith('vision.p.')) {
    return { role: 'participant', participantId: key.slice(9) as ParticipantId };
  }
  return null;
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(hashSecret(given), 'hex');
  const b = Buffer.from(hashSecret(expected), 'hex');
  return timingSafeEqual(a, b);
}

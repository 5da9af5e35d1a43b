import type { Realtime } from '../../../server/realtime';
import { addressKey, clientAddress } from '../../../server/transport/clientAddress';
import type { Language, Sector } from '$lib/domain/model';

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

/**
 * The instance server/app.ts (or the vite dev wiring) registered. Read through the global key
 * rather than by importing server/realtime.ts, which would bundle the whole server (socket.io,
 * Yjs, the store) a second time into the pages' build.
 */
function sharedRealtime(): Realtime | undefined {
  return (globalThis as Record<symbol, Realtime | undefined>)[Symbol.for('cocrea.realtime')];
}

const CODE = /^[A-Z0-9]{1,12}$/;

/**
 * The join page's view of a code. A code that leads nowhere costs the asker's address one
 * failed attempt, from the same budget as an unknown code over the socket: the page must not be
 * a faster way to guess codes than the socket is.
 */
export function joinPageData(
  rawCode: string,
  remoteAddress: string,
  forwardedFor: string | null,
): JoinPageData {
  const realtime = sharedRealtime();
  if (!realtime) return { status: 'unknown' };
  const code = rawCode.toUpperCase();
  const address = addressKey(
    clientAddress(remoteAddress, forwardedFor ?? undefined, realtime.trustProxy),
  );
  const failures = realtime.limits.failuresPerAddress;
  if (!failures.allows(address)) return { status: 'unknown' };
  const found = CODE.test(code) ? realtime.roomByCode(code) : undefined;
  const state = found?.room.latest;
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

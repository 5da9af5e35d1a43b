import type { JoinPageData, JoinPageWorkshop } from '../../../server/access/index';
import type { Realtime } from '../../../server/realtime';

export type { JoinPageData, JoinPageWorkshop };

/**
 * The instance server/app.ts (or the vite dev wiring) registered. Read through the global key
 * rather than by importing server/realtime.ts, which would bundle the whole server (socket.io,
 * Yjs, the store) a second time into the pages' build.
 */
function sharedRealtime(): Realtime | undefined {
  return (globalThis as Record<symbol, Realtime | undefined>)[Symbol.for('cocrea.realtime')];
}

/**
 * The join page's view of a code (see Access.joinPage); `unknown` when this process has no
 * realtime side (the phone then asks over the socket).
 */
export async function joinPageData(
  rawCode: string,
  remoteAddress: string,
  forwardedFor: string | null,
): Promise<JoinPageData> {
  const realtime = sharedRealtime();
  if (!realtime) return { status: 'unknown' };
  const { access } = realtime;
  return access.joinPage(rawCode, access.addressOf(remoteAddress, forwardedFor ?? undefined));
}

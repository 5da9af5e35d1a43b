import { isIP } from 'node:net';

/**
 * The address a client connects from, for rate limits. With no trusted proxy, the socket's own.
 * Behind `hops` trusted proxies that each append the address they saw to X-Forwarded-For, the
 * entry `hops` from the right is what the outermost one (the one the client talked to) saw:
 * everything to its left came from the client and may be made up. Fewer entries than hops: the
 * leftmost (the proxies in front did not all append); an entry that is not an IP address: the
 * socket's.
 */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string {
  if (hops <= 0 || forwardedFor === undefined) return socketAddress;
  const list = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const entries = list.split(',');
  const entry = entries.length >= hops ? entries[entries.length - hops] : entries[0];
  return (entry !== undefined && plainIp(entry.trim())) || socketAddress;
}

/** The IP address in an entry (some proxies add a port: `1.2.3.4:5678`, `[2001:db8::1]:443`). */
function plainIp(entry: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  const ip = bracketed?.[1] ?? withPort?.[1] ?? entry;
  return isIP(ip) === 0 ? null : ip;
}

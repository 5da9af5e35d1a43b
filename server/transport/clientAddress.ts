import { isIP } from 'node:net';

/** Trusted proxy hops as TRUST_PROXY gives them: `true` is 1; anything but a positive integer, 0. */
export function proxyHops(trustProxy: boolean | number | undefined): number {
  const hops = Number(trustProxy ?? 0);
  return Number.isInteger(hops) && hops > 0 ? hops : 0;
}

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

/**
 * What an address is counted as, for limits. An IPv6 host is usually given a whole /64 and may
 * use any address in it (privacy extensions pick new ones by themselves): each address counted
 * apart would bring one machine a fresh budget per address, for guessing join codes, creating
 * workshops, joining or holding connections. So an IPv6 address counts as its /64; an IPv4
 * address written as IPv6 (`::ffff:1.2.3.4`) as that IPv4 address; anything else as itself.
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!.toLowerCase();
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const gap = bare.indexOf('::');
  const head = groups(gap === -1 ? bare : bare.slice(0, gap));
  // Only the first four groups matter; the compressed zeros come right after `head`.
  const first = [...head, '0', '0', '0', '0'].slice(0, 4);
  return `${first.map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/** Whether an address is this machine (IPv4 127/8, IPv6 ::1, IPv4 127/8 written as IPv6). */
export function isLoopback(address: string): boolean {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.exec(address);
  if (v4) return v4[1] === '127';
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

import { describe, expect, it } from 'vitest';
import {
  addressKey,
  clientAddress,
  isLoopback,
  proxyHops,
} from '../../../server/transport/clientAddress';

const SOCKET = '10.0.0.9';

describe('the client address behind trusted proxies', () => {
  it('[CF5] the trusted hops, one rule for the limits and the health answers: true is 1, a positive integer itself, anything else none', () => {
    expect(proxyHops(true)).toBe(1);
    expect(proxyHops(2)).toBe(2);
    for (const none of [false, undefined, 0, -1, 1.5, Number.NaN]) expect(proxyHops(none)).toBe(0);
  });

  it('[CF5] without a trusted proxy, X-Forwarded-For is ignored', () => {
    expect(clientAddress(SOCKET, '1.2.3.4', 0)).toBe(SOCKET);
    expect(clientAddress(SOCKET, undefined, 1)).toBe(SOCKET);
  });

  it('[CF5] behind N proxies, the entry N from the right: what the nearest trusted proxy saw', () => {
    expect(clientAddress(SOCKET, '203.0.113.7', 1)).toBe('203.0.113.7');
    // the client wrote its own entry first; the proxy appended the real one
    expect(clientAddress(SOCKET, '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress(SOCKET, '6.6.6.6, 203.0.113.7, 198.51.100.2', 2)).toBe('203.0.113.7');
    // several header lines are one list
    expect(clientAddress(SOCKET, ['6.6.6.6', '203.0.113.7'], 1)).toBe('203.0.113.7');
    expect(clientAddress(SOCKET, ' 2001:db8::1 ', 1)).toBe('2001:db8::1');
  });

  it('[CF5] fewer entries than proxies: the leftmost; an entry that is no address: the socket’s', () => {
    expect(clientAddress(SOCKET, '203.0.113.7', 3)).toBe('203.0.113.7');
    for (const bad of [
      '',
      ',,,',
      'unknown',
      '[',
      '"><script>',
      '6.6.6.6, nope',
      'x'.repeat(9000),
    ]) {
      expect(clientAddress(SOCKET, bad, 1), bad).toBe(SOCKET);
    }
    // some proxies add the port
    expect(clientAddress(SOCKET, '203.0.113.7:5123', 1)).toBe('203.0.113.7');
    expect(clientAddress(SOCKET, '[2001:db8::1]:443', 1)).toBe('2001:db8::1');
  });
});

describe('what an address counts as, for limits', () => {
  it('[X40] an IPv6 address counts as its /64; IPv4, written plainly or as IPv6, as itself', () => {
    const key = addressKey('2001:db8:1:2:3:4:5:6');
    expect(key).toBe('2001:db8:1:2::/64');
    for (const same of [
      '2001:db8:1:2::1',
      '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff',
      '2001:db8:1:2:a:b:1.2.3.4',
      '2001:db8:1:2::7%eth0',
    ]) {
      expect(addressKey(same), same).toBe(key);
    }
    expect(addressKey('2001:db8:1:3::1')).not.toBe(key);
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('')).toBe('');
  });

  it('[OP24] loopback, which the health limits never count: 127/8 however written, and ::1; nothing else', () => {
    for (const local of [
      '127.0.0.1',
      '127.0.0.2',
      '127.255.10.1',
      '::ffff:127.0.0.1',
      '::FFFF:127.9.9.9',
      '::1',
      '0:0:0:0:0:0:0:1',
    ]) {
      expect(isLoopback(local), local).toBe(true);
    }
    for (const other of [
      '128.0.0.1',
      '10.127.0.1',
      '1127.0.0.1',
      '::ffff:10.0.0.1',
      '::2',
      '::',
      '2001:db8::1',
      'localhost',
      '',
    ]) {
      expect(isLoopback(other), other).toBe(false);
    }
  });
});

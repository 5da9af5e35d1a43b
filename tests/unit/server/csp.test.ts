import { describe, expect, it } from 'vitest';
import { webSocketHost, withWebSocketOrigin } from '../../../src/lib/server/csp';

const POLICY = "default-src 'self'; connect-src 'self'; frame-ancestors 'none'";

describe('the WebSocket origin in the Content-Security-Policy', () => {
  it('[H5] connect-src names ws: and wss: on the host of ORIGIN, else of the Host header', () => {
    expect(webSocketHost('https://cocrea.example.org', 'evil.example')).toBe('cocrea.example.org');
    expect(webSocketHost('http://localhost:3000/', null)).toBe('localhost:3000');
    expect(webSocketHost(null, '127.0.0.1:41234')).toBe('127.0.0.1:41234');
    expect(webSocketHost(undefined, '[::1]:3000')).toBe('[::1]:3000');
    expect(webSocketHost(null, 'Cocrea.Example.ORG')).toBe('cocrea.example.org');
    expect(withWebSocketOrigin(POLICY, 'cocrea.example.org')).toBe(
      "default-src 'self'; connect-src 'self' ws://cocrea.example.org wss://cocrea.example.org; frame-ancestors 'none'",
    );
  });

  it('[H6] a Host header that is not a plain host[:port] is never written into the policy', () => {
    for (const bad of [
      "evil.example; script-src 'unsafe-inline'",
      'evil.example wss://attacker.example',
      'a b',
      '',
      'evil.example:99999999',
      'under_score.example',
      '-dash.example',
      'x'.repeat(300),
      'host\r\nSet-Cookie: a=b',
      '[::1',
      'évil.example',
    ]) {
      expect(webSocketHost(null, bad), bad).toBeNull();
    }
    expect(webSocketHost(null, null)).toBeNull();
    expect(webSocketHost('not a url', 'fine.example')).toBeNull();
    expect(withWebSocketOrigin(POLICY, null)).toBe(POLICY);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config';

describe('configuration from the environment', () => {
  it('[CF1] the defaults are the README’s: port 3000, ./data, nothing restricted, workshops kept', () => {
    expect(configFromEnv({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      origin: null,
      createToken: null,
      trustProxy: 0,
      retentionDays: null,
      compactBytes: 4 * 1024 * 1024,
      compactRecords: 500,
    });
  });

  it('[CF2] RETENTION_DAYS takes a whole number of days; anything else stops the start with a clear message', () => {
    expect(configFromEnv({ RETENTION_DAYS: '180' }).retentionDays).toBe(180);
    expect(configFromEnv({ RETENTION_DAYS: '' }).retentionDays).toBeNull();
    for (const bad of ['0', '-3', '1.5', 'six mois']) {
      expect(() => configFromEnv({ RETENTION_DAYS: bad }), bad).toThrow(
        `RETENTION_DAYS must be a whole number of days (1 or more), not "${bad}"`,
      );
    }
  });

  it('[CF3] PORT must be a port number; ORIGIN loses a trailing slash', () => {
    expect(() => configFromEnv({ PORT: 'http' })).toThrow('PORT must be a port number');
    expect(configFromEnv({ ORIGIN: 'https://cocrea.example.org/' }).origin).toBe(
      'https://cocrea.example.org',
    );
  });

  it('[CF4] TRUST_PROXY is the number of proxies in front: unset, 0 or false for none, true for one', () => {
    expect(configFromEnv({ TRUST_PROXY: '' }).trustProxy).toBe(0);
    expect(configFromEnv({ TRUST_PROXY: '0' }).trustProxy).toBe(0);
    expect(configFromEnv({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(configFromEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(configFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(configFromEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    for (const bad of ['yes', '-1', '1.5', ' 1', 'loopback']) {
      expect(() => configFromEnv({ TRUST_PROXY: bad }), bad).toThrow(
        `TRUST_PROXY must be the number of proxies in front (0, 1, 2…) or true, not "${bad}"`,
      );
    }
  });
});

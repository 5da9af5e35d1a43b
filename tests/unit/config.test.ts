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
      logLevel: 'info',
      metricsToken: null,
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

  it('[OP40] LOG_LEVEL is a level name (any case), info by default; METRICS_TOKEN is a long secret or nothing', () => {
    expect(configFromEnv({ LOG_LEVEL: '' }).logLevel).toBe('info');
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      expect(configFromEnv({ LOG_LEVEL: level }).logLevel).toBe(level);
    }
    expect(configFromEnv({ LOG_LEVEL: ' WARN ' }).logLevel).toBe('warn');
    for (const bad of ['verbose', '30', 'info,debug']) {
      expect(() => configFromEnv({ LOG_LEVEL: bad }), bad).toThrow(
        `LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, not "${bad}"`,
      );
    }
    expect(configFromEnv({ METRICS_TOKEN: '' }).metricsToken).toBeNull();
    const token = 'k7Hq2vX9pLm4Rt8Wz3Ny';
    expect(configFromEnv({ METRICS_TOKEN: token }).metricsToken).toBe(token);
    for (const bad of ['short', 'sixteen chars ok but spaced']) {
      let message = '';
      try {
        configFromEnv({ METRICS_TOKEN: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe('METRICS_TOKEN must be at least 16 characters, without spaces');
      // The refusal never repeats the secret it refuses.
      expect(message).not.toContain(bad);
    }
  });
});

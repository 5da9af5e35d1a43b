import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../server/config';

describe('the compaction threshold from the environment', () => {
  it('[D19] COMPACT_BYTES sets it (4 MB when unset); anything but a whole number of bytes stops the start with a clear message', () => {
    expect(configFromEnv({}).compactBytes).toBe(4 * 1024 * 1024);
    expect(configFromEnv({ COMPACT_BYTES: '' }).compactBytes).toBe(4 * 1024 * 1024);
    expect(configFromEnv({ COMPACT_BYTES: '65536' }).compactBytes).toBe(65536);
    expect(configFromEnv({ COMPACT_BYTES: '1' }).compactBytes).toBe(1);
    for (const bad of ['0', '-1', '1.5', '4 MB', 'beaucoup']) {
      expect(() => configFromEnv({ COMPACT_BYTES: bad }), bad).toThrow(
        `COMPACT_BYTES must be a whole number of bytes (1 or more), not "${bad}"`,
      );
    }
  });
});

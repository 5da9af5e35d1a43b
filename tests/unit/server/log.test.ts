import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addressTag,
  createLogger,
  errorFields,
  log,
  parseLogLevel,
  useLogger,
  type LogLevel,
} from '../../../server/log';

/** A logger writing into an array of parsed lines. */
function capture(level: LogLevel) {
  const raw: string[] = [];
  const logger = createLogger(level, { write: (chunk: string) => void raw.push(chunk) });
  return {
    logger,
    raw,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('the log', () => {
  it('[OP41] each line is one JSON object with level (its name), an ISO time, msg and the fields beside it', () => {
    const { logger, raw, lines } = capture('info');
    logger.info({ type: 'addNote', workshopId: 'w1', ms: 3.2 }, 'command addNote: ok');
    expect(raw).toHaveLength(1);
    expect(raw[0]!.endsWith('\n')).toBe(true);
    expect(raw[0]!.trimEnd()).not.toContain('\n');
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'command addNote: ok',
      type: 'addNote',
      workshopId: 'w1',
      ms: 3.2,
      pid: process.pid,
    });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it('[OP42] the level filters: below it nothing is written, silent writes nothing at all', () => {
    const warn = capture('warn');
    warn.logger.info('no');
    warn.logger.debug('no');
    warn.logger.warn('yes');
    warn.logger.error('yes too');
    expect(warn.lines().map((l) => l.level)).toEqual(['warn', 'error']);
    const silent = capture('silent');
    silent.logger.fatal('nothing');
    expect(silent.raw).toEqual([]);
    const trace = capture('trace');
    trace.logger.trace('all');
    expect(trace.lines()[0]!.level).toBe('trace');
    expect(parseLogLevel(undefined)).toBe('info');
    expect(() => parseLogLevel('loud')).toThrow('LOG_LEVEL must be one of');
  });

  it('[OP43] an error keeps its type, message, code and stack; whatever else it carries stays out', () => {
    const { logger, lines } = capture('info');
    const error = Object.assign(new Error('disk full'), {
      code: 'ENOSPC',
      data: { text: 'a note nobody may read', key: 'FacilitatorKeyFacilitatorKey' },
      payload: { cmd: { type: 'addNote', text: 'secret words' } },
    });
    logger.error({ err: error }, 'a write to disk failed');
    const [line] = lines();
    const err = line!.err as Record<string, unknown>;
    expect(err.type).toBe('Error');
    expect(err.message).toBe('disk full');
    expect(err.code).toBe('ENOSPC');
    expect(String(err.stack)).toContain('log.test.ts');
    const text = JSON.stringify(line);
    expect(text).not.toContain('a note nobody may read');
    expect(text).not.toContain('FacilitatorKey');
    expect(text).not.toContain('secret words');
    expect(errorFields('plain')).toEqual({ type: 'string', message: 'plain' });
  });

  it('[OP44] fields named like a secret or a text are redacted if they ever reach a line', () => {
    const { logger, lines } = capture('trace');
    logger.info(
      {
        key: 'KeyK1xx',
        joinCode: 'ABCD-2345',
        text: 'a note',
        name: 'Awa Diallo',
        ticket: 'TicketT1xx',
        nested: { rejoinCode: 'RejoinR1xx', token: 'TokenT2xx', address: '203.0.113.9' },
      },
      'careless',
    );
    const text = JSON.stringify(lines()[0]);
    for (const secret of [
      'KeyK1xx',
      'ABCD-2345',
      'a note',
      'Awa Diallo',
      'TicketT1xx',
      'RejoinR1xx',
      'TokenT2xx',
      '203.0.113',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('[OP45] an address shows as 8 hex digits of a keyed hash: the same for one address, others differ', () => {
    const tag = addressTag('203.0.113.9');
    expect(tag).toMatch(/^[0-9a-f]{8}$/);
    expect(addressTag('203.0.113.9')).toBe(tag);
    expect(addressTag('203.0.113.10')).not.toBe(tag);
    // Not a plain hash anyone could recompute from the address.
    expect(tag).not.toBe(createHash('sha256').update('203.0.113.9').digest('hex').slice(0, 8));
  });

  it('[OP46] the process logger is silent until one is installed; useLogger swaps it and gives the old one back', () => {
    const before = log();
    expect(before.level).toBe('silent');
    const { logger, lines } = capture('info');
    const previous = useLogger(logger);
    try {
      expect(previous).toBe(before);
      log().info('through the process logger');
      expect(lines().map((l) => l.msg)).toEqual(['through the process logger']);
    } finally {
      useLogger(previous);
    }
    expect(log()).toBe(before);
  });
});

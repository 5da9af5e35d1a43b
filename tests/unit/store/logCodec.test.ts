import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord } from '../../../server/store/logCodec';

describe('the log codec', () => {
  const records = [{ seq: 1, text: 'Obstacles: le temps' }, { seq: 2, emoji: '🤝' }, { seq: 3 }];
  const whole = Buffer.concat(records.map(encodeRecord));

  it('[D1] frames round-trip: what is encoded decodes to the same records', () => {
    const decoded = decodeRecords(whole);
    expect(decoded.records).toEqual(records);
    expect(decoded.validBytes).toBe(whole.length);
    expect(decoded.torn).toBe(false);
  });

  it('[D2] a torn last record (cut anywhere inside it) is dropped, the rest kept', () => {
    const lastStart = whole.length - encodeRecord(records[2]).length;
    for (let cut = lastStart + 1; cut < whole.length; cut++) {
      const decoded = decodeRecords(whole.subarray(0, cut));
      expect(decoded.records).toEqual(records.slice(0, 2));
      expect(decoded.validBytes).toBe(lastStart);
      expect(decoded.torn).toBe(true);
    }
  });

  it('[D3] a record whose checksum does not match ends the readable log', () => {
    const corrupt = Buffer.from(whole);
    const secondPayload = encodeRecord(records[0]).length + 8;
    corrupt[secondPayload + 2] = corrupt[secondPayload + 2]! ^ 0xff;
    const decoded = decodeRecords(corrupt);
    expect(decoded.records).toEqual([records[0]]);
    expect(decoded.torn).toBe(true);
  });

  it('[D4] an empty log decodes to nothing, and an absurd length is refused', () => {
    expect(decodeRecords(Buffer.alloc(0))).toEqual({ records: [], validBytes: 0, torn: false });
    const header = Buffer.alloc(8);
    header.writeUInt32LE(0xffffffff, 0);
    expect(decodeRecords(header).records).toEqual([]);
    expect(decodeRecords(header).torn).toBe(true);
  });
});

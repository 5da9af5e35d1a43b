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

  it('[D3] a bad checksum with valid-looking bytes after it is damage: its offset is reported, nothing after it is dropped quietly', () => {
    const corrupt = Buffer.from(whole);
    const second = encodeRecord(records[0]).length;
    corrupt[second + 8 + 2] = corrupt[second + 8 + 2]! ^ 0xff;
    const decoded = decodeRecords(corrupt);
    expect(decoded.records).toEqual([records[0]]);
    expect(decoded.torn).toBe(false);
    expect(decoded.damagedAt).toBe(second);
    // the same bad checksum on the last record is a tear: its frame runs to the end of the file
    const lastStart = whole.length - encodeRecord(records[2]).length;
    const tornLast = Buffer.from(whole);
    tornLast[lastStart + 9] = tornLast[lastStart + 9]! ^ 0xff;
    expect(decodeRecords(tornLast)).toMatchObject({ torn: true, damagedAt: null });
  });

  it('[D4] an empty log decodes to nothing; an absurd length is a tear at the end, damage before it', () => {
    expect(decodeRecords(Buffer.alloc(0))).toEqual({
      records: [],
      validBytes: 0,
      torn: false,
      damagedAt: null,
    });
    const header = Buffer.alloc(8);
    header.writeUInt32LE(0xffffffff, 0);
    expect(decodeRecords(header).records).toEqual([]);
    expect(decodeRecords(header).torn).toBe(true);
    const followed = decodeRecords(Buffer.concat([header, whole]));
    expect(followed).toMatchObject({ records: [], torn: false, damagedAt: 0 });
  });

  it('[D21] a tail of zero bytes (blocks a crash left unfilled) is a tear, however long', () => {
    for (const zeros of [1, 8, 9, 4096]) {
      const decoded = decodeRecords(Buffer.concat([whole, Buffer.alloc(zeros)]));
      expect(decoded.records, `${zeros} zeros`).toEqual(records);
      expect(decoded).toMatchObject({ validBytes: whole.length, torn: true, damagedAt: null });
    }
    // zeros then one non-zero byte: not what a crash leaves
    const decoded = decodeRecords(Buffer.concat([whole, Buffer.alloc(64), Buffer.from([1])]));
    expect(decoded).toMatchObject({ torn: false, damagedAt: whole.length });
  });
});

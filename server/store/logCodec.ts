import { crc32 } from 'node:zlib';

/*
 * The log's framing: each record is [length u32 LE][crc32 u32 LE][payload: UTF-8 JSON].
 * A crash can tear only the last record (appends are sequential); a record whose header or
 * payload is incomplete, or whose checksum does not match, ends the readable log.
 */
const HEADER = 8;
/** A record larger than this is corrupt by definition (commands are a few KB at most). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export function encodeRecord(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const frame = Buffer.allocUnsafe(HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, HEADER);
  return frame;
}

export interface DecodedLog {
  records: unknown[];
  /** Bytes of whole, valid records from the start: the log is cut back to this. */
  validBytes: number;
  /** True when bytes after the last valid record were dropped (a torn write). */
  torn: boolean;
}

export function decodeRecords(buffer: Buffer): DecodedLog {
  const records: unknown[] = [];
  let offset = 0;
  while (offset + HEADER <= buffer.length) {
    const length = buffer.readUInt32LE(offset);
    const checksum = buffer.readUInt32LE(offset + 4);
    if (length > MAX_RECORD_BYTES || offset + HEADER + length > buffer.length) break;
    const payload = buffer.subarray(offset + HEADER, offset + HEADER + length);
    if (crc32(payload) !== checksum) break;
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      break;
    }
    records.push(value);
    offset += HEADER + length;
  }
  return { records, validBytes: offset, torn: offset !== buffer.length };
}

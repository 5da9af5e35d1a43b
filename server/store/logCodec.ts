import { crc32 } from 'node:zlib';

/*
 * The log's framing: each record is [length u32 LE][crc32 u32 LE][payload: UTF-8 JSON].
 * Appends are sequential, so a crash can only tear what was being written last: the frame runs
 * past the end of the file, or the file was extended with blocks never filled (zeros). A bad
 * record followed by anything else is damage, not a tear, and is never dropped quietly.
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
  /** Where a bad record sits that valid-looking bytes follow (null: none). */
  damagedAt: number | null;
}

export function decodeRecords(buffer: Buffer): DecodedLog {
  const records: unknown[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const value = readRecord(buffer, offset);
    if (value === BAD) {
      const tear = runsPastEnd(buffer, offset) || isZero(buffer.subarray(offset));
      return { records, validBytes: offset, torn: tear, damagedAt: tear ? null : offset };
    }
    records.push(value.record);
    offset = value.next;
  }
  return { records, validBytes: offset, torn: false, damagedAt: null };
}

const BAD = Symbol('bad record');

function readRecord(
  buffer: Buffer,
  offset: number,
): typeof BAD | { record: unknown; next: number } {
  if (offset + HEADER > buffer.length) return BAD;
  const length = buffer.readUInt32LE(offset);
  const next = offset + HEADER + length;
  if (length > MAX_RECORD_BYTES || next > buffer.length) return BAD;
  const payload = buffer.subarray(offset + HEADER, next);
  if (crc32(payload) !== buffer.readUInt32LE(offset + 4)) return BAD;
  try {
    return { record: JSON.parse(payload.toString('utf8')), next };
  } catch {
    return BAD;
  }
}

/**
 * The frame at `offset` claims to end at or past the end of the file: what a crash in the middle
 * of the last write leaves. An absurd length says nothing of where the frame ends, so it counts
 * only when nothing follows its header.
 */
function runsPastEnd(buffer: Buffer, offset: number): boolean {
  const end = offset + HEADER;
  if (end >= buffer.length) return true;
  const length = buffer.readUInt32LE(offset);
  return length <= MAX_RECORD_BYTES && end + length >= buffer.length;
}

function isZero(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0) return false;
  return true;
}

/** A log damaged before its end: starting anyway would drop acknowledged records quietly. */
export class DamagedLogError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
  ) {
    super(
      `the log ${file} is damaged at byte ${offset} and acknowledged records follow it: ` +
        'restore it from a backup, or move it aside to start without it ' +
        '(its workshop then comes back as of its last snapshot)',
    );
    this.name = 'DamagedLogError';
  }
}

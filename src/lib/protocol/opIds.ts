/*
 * Op ids of commands sent in order (the phone's outbox): `${stream}-${seq}`, where the stream is
 * 16 random lowercase hex characters made once per outbox and seq counts up from 1. The server
 * keeps, per sender and stream, the highest seq it applied, so a resend is recognised however
 * long ago the first copy came. Any other op id (random) is remembered only as a recent answer.
 */
const SEQUENCED = /^([0-9a-f]{16})-([1-9][0-9]{0,14})$/;

/** The op id of the `seq`th command of a stream. */
export function sequencedOp(stream: string, seq: number): string {
  const op = `${stream}-${seq}`;
  if (!SEQUENCED.test(op)) throw new Error(`not a sequenced op id: ${op}`);
  return op;
}

/** The stream and seq of a sequenced op id, or null for any other op id. */
export function parseSequencedOp(op: string): { stream: string; seq: number } | null {
  const match = SEQUENCED.exec(op);
  return match ? { stream: match[1]!, seq: Number(match[2]) } : null;
}

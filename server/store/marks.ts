import { parseSequencedOp } from '../../src/lib/protocol/opIds';

/** One high-water mark: the highest seq applied from one stream of one sender. */
export type Mark = [sender: string, stream: string, seq: number];

/** How many streams (outboxes: a page load each) are remembered per sender. */
export const STREAMS_PER_SENDER = 32;

/**
 * How the room names a visitor who has not joined yet: by the hash of its device token. Visitors
 * send only joins and rejoins, never from an outbox, and every fresh device token is a new
 * sender: their marks are not kept, or someone rejoining from fresh tokens in a loop would grow
 * the marks (and every snapshot) without bound.
 */
export const VISITOR_SENDER = 't:';

/**
 * High-water marks of sequenced op ids (see src/lib/protocol/opIds.ts). A stream's commands
 * arrive in order, so a sequenced op at or below its stream's mark was applied before, however
 * long ago. Per sender, the streams used least recently are forgotten first.
 */
export class SenderMarks {
  readonly #bySender = new Map<string, Map<string, number>>();

  constructor(marks: Iterable<Mark> = []) {
    for (const [sender, stream, seq] of marks) this.#raise(sender, stream, seq);
  }

  /** True when `op` is sequenced and its stream has already had this seq or a later one applied. */
  covers(sender: string, op: string): boolean {
    const parsed = parseSequencedOp(op);
    if (!parsed) return false;
    const mark = this.#bySender.get(sender)?.get(parsed.stream);
    return mark !== undefined && parsed.seq <= mark;
  }

  /** A command with this op id was applied (random op ids are not tracked). */
  note(sender: string, op: string): void {
    const parsed = parseSequencedOp(op);
    if (parsed) this.#raise(sender, parsed.stream, parsed.seq);
  }

  #raise(sender: string, stream: string, seq: number): void {
    if (sender.startsWith(VISITOR_SENDER)) return;
    let streams = this.#bySender.get(sender);
    if (!streams) {
      streams = new Map();
      this.#bySender.set(sender, streams);
    }
    const mark = Math.max(seq, streams.get(stream) ?? 0);
    // Re-inserted, so the map's order is least recently used first.
    streams.delete(stream);
    streams.set(stream, mark);
    if (streams.size > STREAMS_PER_SENDER) streams.delete(streams.keys().next().value!);
  }

  /** Every mark, each sender's least recently used stream first (for a snapshot). */
  list(): Mark[] {
    const marks: Mark[] = [];
    for (const [sender, streams] of this.#bySender) {
      for (const [stream, seq] of streams) marks.push([sender, stream, seq]);
    }
    return marks;
  }
}

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  commandOutcome,
  commandType,
  COMMAND_TYPES,
  Metrics,
  ReplicaSizes,
  type Audience,
} from '../../../server/metrics';

function docWith(entries: Record<string, unknown>): Y.Doc {
  const doc = new Y.Doc();
  const map = doc.getMap('m');
  for (const [key, value] of Object.entries(entries)) map.set(key, value);
  return doc;
}

describe('metrics, pure parts', () => {
  it('[OP53] label values come from fixed lists: a known command type or other, ok or a known error code or other', () => {
    expect(COMMAND_TYPES.has('addNote')).toBe(true);
    expect(COMMAND_TYPES.has('createWorkshop')).toBe(true);
    // Server-only commands never come from a client.
    expect(COMMAND_TYPES.has('setResearchSalt')).toBe(false);
    expect(commandType({ v: 1, op: 'x', cmd: { type: 'addNote' } })).toBe('addNote');
    for (const payload of [
      null,
      'addNote',
      { cmd: null },
      { cmd: { type: 42 } },
      { cmd: { type: 'Awa Diallo' } },
      { cmd: { type: '__proto__' } },
      { cmd: { type: 'toString' } },
    ]) {
      expect(commandType(payload), JSON.stringify(payload)).toBe('other');
    }
    expect(commandOutcome('ok')).toBe('ok');
    expect(commandOutcome('NOT_ALLOWED')).toBe('NOT_ALLOWED');
    expect(commandOutcome('RATE_LIMITED')).toBe('RATE_LIMITED');
    expect(commandOutcome('SOMETHING_ELSE')).toBe('other');
    expect(commandOutcome('constructor')).toBe('other');
  });

  it('[OP54] replica bytes are the encoded sizes, by audience; a doc is encoded again only once written to (or once its size is old)', async () => {
    let clock = 0;
    const sizes = new ReplicaSizes(60_000, () => clock);
    const pub = docWith({ a: 'x'.repeat(500) });
    const phones = [docWith({ me: 'p1' }), docWith({ me: 'p2' })];
    const docs = (): Array<['public' | 'private', Y.Doc]> => [
      ['public', pub],
      ...phones.map((doc) => ['private', doc] as ['private', Y.Doc]),
    ];
    const size = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc).byteLength;
    const first = await sizes.measure(docs());
    expect(first).toEqual({
      public: size(pub),
      facilitator: 0,
      private: size(phones[0]!) + size(phones[1]!),
      vision: 0,
    });
    expect(sizes.encodes).toBe(3);
    // Nothing written: nothing encoded.
    expect(await sizes.measure(docs())).toEqual(first);
    expect(sizes.encodes).toBe(3);
    // One phone's replica written: that one only.
    phones[1]!.getMap('m').set('more', 'y'.repeat(100));
    const second = await sizes.measure(docs());
    expect(sizes.encodes).toBe(4);
    expect(second.private).toBe(size(phones[0]!) + size(phones[1]!));
    expect(second.private).toBeGreaterThan(first.private);
    // A deletion leaves the state vector as it was: seen once the size is old.
    pub.getMap('m').delete('a');
    expect((await sizes.measure(docs())).public).toBe(first.public);
    clock += 60_000;
    expect((await sizes.measure(docs())).public).toBe(size(pub));
    expect(size(pub)).toBeLessThan(first.public);
  });

  it('[OP55] measuring many replicas yields to the event loop instead of holding it', async () => {
    const sizes = new ReplicaSizes();
    const docs = Array.from({ length: 400 }, (_, i) =>
      docWith(Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`k${k}`, `v${i}-${k}`]))),
    );
    let ticks = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      ticks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const bytes = await sizes.measure(docs.map((doc) => ['private', doc] as ['private', Y.Doc]));
    running = false;
    expect(bytes.private).toBeGreaterThan(400 * 50 * 4);
    // Tens of milliseconds of work, in slices of about 5: other work ran between them (measured
    // in one go, not one turn of the event loop would have passed).
    expect(ticks).toBeGreaterThanOrEqual(2);
  });

  it('[OP54] scrapes at once share one measure of the replicas; the next scrape measures again', async () => {
    const doc = docWith({ a: 'x'.repeat(100) });
    let walks = 0;
    const metrics = new Metrics(
      {
        sessionRoles: () => [],
        replicaConnections: () => ({ public: 0, facilitator: 0, private: 0, vision: 0 }),
        workshops: () => ({ loaded: 1, asleep: 0 }),
        *replicaDocs(): Generator<[Audience, Y.Doc]> {
          walks++;
          yield ['public', doc];
        },
      },
      { token: null },
    );
    try {
      const texts = await Promise.all([1, 2, 3].map(() => metrics.registry.metrics()));
      expect(walks).toBe(1);
      for (const text of texts) {
        expect(text).toMatch(/cocrea_replica_bytes\{audience="public"\} [1-9]\d*/);
      }
      await metrics.registry.metrics();
      expect(walks).toBe(2);
    } finally {
      metrics.close();
    }
  });
});

/**
 * Model-based test of the projection a live room keeps: long random command sequences (the same
 * steps as the domain's model-based test), sent to a WorkshopRoom in batches that share one
 * flush, with connections coming and going and private replicas opened along the way. After every
 * batch each replica the room holds (room, console, every private one) must hold exactly what a
 * full projection of the durable state gives, so whatever the room writes incrementally can never
 * drift from the rules the full projection (and the privacy tests on it) check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { project, type AudienceView } from '../../server/projection';
import type { LogRecord, WorkshopStore } from '../../server/store/types';
import { WorkshopRoom } from '../../server/workshopRoom';
import type { ReplicaDoc } from '../../server/yjs/replicaDoc';
import { execute, type Workshop } from '../../src/lib/domain/index';
import { MAPS } from '../../src/lib/protocol/replica';
import { actorFor, commandFor, step, type Step } from './commandSteps';
import { createCommand, testContext } from './helpers';

/** A store that keeps nothing and is always on disk at once. */
function memoryStore(): WorkshopStore & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    loadAll: () => Promise.resolve([]),
    append: (_id, record) => {
      records.push(record);
      return Promise.resolve();
    },
    erase: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

function docJson(replica: ReplicaDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.values(MAPS)) out[name] = replica.doc.getMap(name).toJSON();
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

function viewJson(view: AudienceView): Record<string, unknown> {
  return JSON.parse(JSON.stringify(view)) as Record<string, unknown>;
}

/** Every replica of the room against a full projection of its durable state. */
function expectMatchesFull(room: WorkshopRoom, where: () => string): void {
  const state = room.state;
  const held = [...room.privateReplicas.keys()];
  const full = project(state, room.shown, held);
  expect(docJson(room.replicas.public), `public${where()}`).toEqual(viewJson(full.public));
  expect(docJson(room.replicas.facilitator), `facilitator${where()}`).toEqual(
    viewJson(full.facilitator),
  );
  for (const id of held) {
    // A removed participant's replica is no longer written (nobody may open it any more).
    if (state.participants[id]?.removedAt !== undefined) continue;
    expect(docJson(room.privateReplicas.get(id)!), `private ${id}${where()}`).toEqual(
      viewJson(full.private.get(id)!),
    );
  }
}

/** What happens around commands: a phone connects, leaves, or opens its private replica. */
interface Around {
  kind: 'connect' | 'disconnect' | 'open' | 'none';
  who: number;
}
const around: fc.Arbitrary<Around> = fc.record({
  kind: fc.constantFrom('connect', 'disconnect', 'open', 'none', 'none', 'none'),
  who: fc.nat(99),
});

/** A batch: the commands of one flush, then something around them. */
const batch = fc.record({
  steps: fc.array(step, { minLength: 1, maxLength: 3 }),
  around,
});

async function runBatches(batches: { steps: Step[]; around: Around }[]): Promise<void> {
  const ctx = testContext();
  const created = execute(
    null,
    { role: 'nobody' },
    createCommand({ sectors: ['A', 'B', 'C'] }),
    ctx,
  );
  if (!created.ok) throw new Error('the workshop could not be created');
  let state: Workshop = created.value.state;
  // Four people and a few notes to start from, so that random steps soon meet notes and themes.
  for (let i = 0; i < 4; i++) {
    const joined = execute(
      state,
      { role: 'nobody' },
      {
        type: 'joinWorkshop',
        name: `P${i}`,
        sector: i === 3 ? null : state.sectors[i % 2]!.id,
        tokenHash: `device-${i}`,
        rejoinCodeHash: `rejoin-device-${i}`,
      },
      ctx,
    );
    if (!joined.ok) throw new Error('join refused');
    state = joined.value.state;
  }
  const store = memoryStore();
  const room = new WorkshopRoom(
    { state, acks: [], lastActivityAt: ctx.now },
    store,
    () => ctx,
    (error) => {
      throw error;
    },
  );
  const connected = new Map<string, number>();
  const trail: string[] = [];
  const where = () => `\nafter:\n${trail.slice(-12).join('\n')}`;
  expectMatchesFull(room, where);
  let op = 0;
  try {
    for (const b of batches) {
      const acks: Promise<unknown>[] = [];
      for (const s of b.steps) {
        ctx.advance(1000);
        // Decided against the latest state, as the transport does.
        const actor = actorFor(room.latest, s);
        const command = commandFor(room.latest, s);
        trail.push(`${actor.role} ${JSON.stringify(command)}`);
        acks.push(room.run(actor, command, `op-${++op}`));
      }
      await Promise.all(acks);
      const ids = Object.keys(room.state.participants);
      const id = ids[b.around.who % Math.max(ids.length, 1)];
      if (id !== undefined) {
        if (b.around.kind === 'connect') {
          room.connect(id);
          connected.set(id, (connected.get(id) ?? 0) + 1);
          trail.push(`connect ${id}`);
        } else if (b.around.kind === 'disconnect' && connected.has(id)) {
          room.disconnect(id);
          const n = connected.get(id)! - 1;
          if (n > 0) connected.set(id, n);
          else connected.delete(id);
          trail.push(`disconnect ${id}`);
        } else if (b.around.kind === 'open') {
          room.privateReplica(id);
          trail.push(`open ${id}`);
        }
      }
      // Let the scheduled projection run.
      await new Promise((resolve) => setImmediate(resolve));
      expectMatchesFull(room, where);
    }
  } finally {
    room.destroy();
  }
}

describe('incremental projection (model-based)', () => {
  it('[P1] after every batch of random commands, connections and private replicas opened, every replica a room holds equals a full projection of its durable state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 20, maxLength: 60 }), async (batches) => {
        await runBatches(batches);
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});

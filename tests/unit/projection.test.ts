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
import { execute, type Command, type Workshop } from '../../src/lib/domain/index';
import { MAPS } from '../../src/lib/protocol/replica';
import { actorFor, commandFor, decisionStep, step, type Step } from './commandSteps';
import {
  boardOf,
  createCommand,
  join,
  newWorkshop,
  participantActor,
  postNote,
  run,
  testContext,
} from './helpers';

/** A store that keeps nothing and is always on disk at once. */
function memoryStore(): WorkshopStore & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    loadAll: () => Promise.resolve([]),
    load: () => Promise.resolve(null),
    release: () => Promise.resolve(),
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
  expect(room.projectionProblems(), `indexes${where()}`).toEqual([]);
  const state = room.durable;
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

/** Batches of Décision steps only, so that runs reach the votes, their reveal and priorities. */
const decisionBatch = fc.record({
  steps: fc.array(decisionStep, { minLength: 1, maxLength: 3 }),
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
    const board = state.boards[state.stages.define.boardIds[0]!]!;
    const wrote = execute(
      state,
      participantActor(joined.value.decision.reply!.participantId!),
      { type: 'addNote', boardId: board.id, columnId: board.columns[0]!.id, text: `Note ${i}` },
      ctx,
    );
    if (!wrote.ok) throw new Error('note refused');
    state = wrote.value.state;
  }
  // A theme holding every note, so that its sector figures show (and move when groups do).
  const themed = execute(
    state,
    { role: 'facilitator' },
    {
      type: 'createTheme',
      boardId: state.stages.define.boardIds[0]!,
      title: 'Thème',
      noteIds: Object.keys(state.notes),
    } as Command,
    ctx,
  );
  if (!themed.ok) throw new Error('theme refused');
  state = themed.value.state;
  // Three vision statements, one already written, so that random steps soon write, move, lock
  // and delete them.
  for (const title of ['Dans trois ans', 'Chaque personne', 'Notre équipe']) {
    const added = execute(state, { role: 'facilitator' }, { type: 'addStatement', title }, ctx);
    if (!added.ok) throw new Error('statement refused');
    state = added.value.state;
  }
  const written = execute(
    state,
    { role: 'facilitator' },
    {
      type: 'writeStatement',
      statementId: state.statementOrder![0]!,
      update: 'AQ',
      text: 'Un texte',
    },
    ctx,
  );
  if (!written.ok) throw new Error('write refused');
  state = written.value.state;
  const store = memoryStore();
  // Private replicas are put away as soon as their participant has no connection, and brought
  // back when opened again: what they hold then must be what a full projection gives too.
  const room = new WorkshopRoom(
    { state, acks: [], lastActivityAt: ctx.now },
    store,
    () => ctx,
    (error) => {
      throw error;
    },
    { privateReleaseMs: 0 },
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
        const actor = actorFor(room.decided, s);
        const command = commandFor(room.decided, s);
        trail.push(`${actor.role} ${JSON.stringify(command)}`);
        acks.push(room.run(actor, command, `op-${++op}`));
      }
      await Promise.all(acks);
      const ids = Object.keys(room.durable.participants);
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
      // Let the scheduled projection run, and the releases due.
      await new Promise((resolve) => setTimeout(resolve, 0));
      expectMatchesFull(room, where);
    }
  } finally {
    room.destroy();
  }
}

describe('incremental projection (model-based)', () => {
  it('[P1][V11] after every batch of random commands (vision statements added, moved, locked, deleted and written included), connections and private replicas opened, every replica a room holds (private ones put away and brought back included) equals a full projection of its durable state, and the indexes of the incremental projection equal ones rebuilt from that state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 20, maxLength: 60 }), async (batches) => {
        await runBatches(batches);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('[P1][DC45] the same after every batch of random Décision commands (candidates, votes cast, peeked, revealed, cancelled, rankings, priorities), ballots in their own private replicas', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(decisionBatch, { minLength: 20, maxLength: 60 }),
        async (batches) => {
          await runBatches(batches);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

/** A room over a workshop state, with a store that keeps nothing. */
function liveRoom(state: Workshop, ctx = testContext()): WorkshopRoom {
  return new WorkshopRoom(
    { state, acks: [], lastActivityAt: ctx.now },
    memoryStore(),
    () => ctx,
    (e) => {
      throw e;
    },
  );
}

function themeOf(replica: ReplicaDoc, id: string): { sectors: unknown[]; count: number } {
  return replica.doc.getMap('themes').get(id) as { sectors: unknown[]; count: number };
}

describe('incremental projection: what a batch may change far from it', () => {
  it('[P2] a join that hides a group takes its figures out of every theme and board at once, as a full projection does', async () => {
    // Two clinicians, one community worker, one who prefers not to say: all four merge into
    // "other", and a theme holding a note of each shows "other 4".
    const s = newWorkshop({ sectors: ['Clinique', 'Communautaire'] });
    const [clinic, community] = s.state.sectors.map((x) => x.id);
    const people = [
      join(s, 'C1', { sector: clinic! }),
      join(s, 'C2', { sector: clinic! }),
      join(s, 'O1', { sector: community! }),
      join(s, 'N1', { sector: null }),
    ];
    const noteIds = people.map((p) => postNote(s, p, 'define', `Note ${p.participantId}`));
    const themeId = run(s, { role: 'facilitator' }, {
      type: 'createTheme',
      boardId: boardOf(s.state, 'define').id,
      title: 'Thème',
      noteIds,
    } as Command).reply!.themeId!;
    const room = liveRoom(s.state, s.ctx);
    try {
      expect(themeOf(room.replicas.public, themeId).sectors).toEqual([
        { sector: 'other', people: 4 },
      ]);
      // A third clinician: the clinic shows as itself, "other" falls to two and shows nowhere.
      const ack = await room.run(
        { role: 'nobody' },
        {
          type: 'joinWorkshop',
          name: 'C3',
          sector: clinic!,
          tokenHash: 'device-c3',
          rejoinCodeHash: 'rejoin-c3',
        } as Command,
        'join-c3',
      );
      expect(ack.ok).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(themeOf(room.replicas.public, themeId).sectors).toEqual([]);
      expect(themeOf(room.replicas.facilitator, themeId).sectors).toEqual([]);
      expectMatchesFull(room, () => '');
    } finally {
      room.destroy();
    }
  });

  it("[P3] a lone newcomer whose group cannot be shown withdraws every board's sector counts from the console at once", async () => {
    const s = newWorkshop({ sectors: ['Clinique', 'Communautaire'] });
    const [clinic, community] = s.state.sectors.map((x) => x.id);
    const clinicians = ['C1', 'C2', 'C3'].map((name) => join(s, name, { sector: clinic! }));
    for (const p of clinicians) postNote(s, p, 'define', `Note ${p.participantId}`);
    const boardId = boardOf(s.state, 'define').id;
    const room = liveRoom(s.state, s.ctx);
    const board = () =>
      room.replicas.facilitator.doc.getMap('boards').get(boardId) as { sectorCounts?: unknown };
    try {
      expect(board().sectorCounts).toBeDefined();
      const ack = await room.run(
        { role: 'nobody' },
        {
          type: 'joinWorkshop',
          name: 'O1',
          sector: community!,
          tokenHash: 'device-o1',
          rejoinCodeHash: 'rejoin-o1',
        } as Command,
        'join-o1',
      );
      expect(ack.ok).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(board().sectorCounts).toBeUndefined();
      expectMatchesFull(room, () => '');
    } finally {
      room.destroy();
    }
  });
});

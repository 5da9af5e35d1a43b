/**
 * Cost of projecting a large workshop, measured inside one process (not a test: figures only).
 * Run: npx esbuild tests/bench/projection.ts --bundle --platform=node --format=esm \
 *        --packages=external --outfile=/tmp/projection-bench.mjs && node /tmp/projection-bench.mjs
 * For each size (notes / themes, with 500 participants all connected, each with a private
 * replica): a full `project()`, `execute(addNote)` alone, and one addNote through a live room up
 * to its replicas written (median of many).
 */
import { project } from '../../server/projection';
import type { WorkshopStore } from '../../server/store/types';
import { WorkshopRoom } from '../../server/workshopRoom';
import {
  execute,
  type Actor,
  type Command,
  type Context,
  type Workshop,
} from '../../src/lib/domain/index';

const PARTICIPANTS = 500;

function context(): Context {
  let n = 0;
  const ctx = { now: 1_700_000_000_000, newId: () => `id${++n}` };
  return ctx;
}

function must(state: Workshop | null, actor: Actor, command: Command, ctx: Context) {
  const r = execute(state, actor, command, ctx);
  if (!r.ok) throw new Error(`${command.type}: ${r.error.code}`);
  return r.value;
}

function build(notes: number, themes: number, ctx: Context): { state: Workshop; pids: string[] } {
  let state = must(
    null,
    { role: 'nobody' },
    {
      type: 'createWorkshop',
      title: 'Bench',
      question: 'Q',
      language: 'fr',
      sectors: ['A', 'B', 'C', 'D'],
      facilitatorKeyHash: 'k',
      joinCode: 'BENCH1',
    } as unknown as Command,
    ctx,
  ).state;
  const pids: string[] = [];
  for (let i = 0; i < PARTICIPANTS; i++) {
    const v = must(
      state,
      { role: 'nobody' },
      {
        type: 'joinWorkshop',
        name: `P${i}`,
        sector: i % 9 === 0 ? null : state.sectors[i % 4]!.id,
        tokenHash: `t${i}`,
        rejoinCodeHash: `r${i}`,
      } as Command,
      ctx,
    );
    state = v.state;
    pids.push(v.decision.reply!.participantId!);
  }
  // Notes spread over the boards of the first stages, written directly (a state, not a log).
  const boards = Object.values(state.boards).filter((b) => b.columns.length > 0);
  const noteMap = { ...state.notes };
  for (let i = 0; i < notes; i++) {
    const board = boards[i % boards.length]!;
    const author = pids[i % pids.length]!;
    noteMap[`n${i}`] = {
      id: `n${i}`,
      boardId: board.id,
      columnId: board.columns[i % board.columns.length]!.id,
      text: `Note ${i} with a few words in it`,
      author: { kind: 'participant', id: author },
      createdAt: ctx.now,
      updatedAt: ctx.now,
      group: state.sectors[pids.indexOf(author) % 4]!.id,
    } as unknown as Workshop['notes'][string];
  }
  state = { ...state, notes: noteMap };
  for (let t = 0; t < themes; t++) {
    const board = boards[t % boards.length]!;
    const members = Object.values(state.notes)
      .filter((n) => n.boardId === board.id && n.themeId === undefined)
      .slice(0, 40)
      .map((n) => n.id);
    state = must(
      state,
      { role: 'facilitator' },
      { type: 'createTheme', boardId: board.id, title: `T${t}`, noteIds: members } as Command,
      ctx,
    ).state;
  }
  return { state, pids };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const store: WorkshopStore = {
  loadAll: () => Promise.resolve([]),
  append: () => Promise.resolve(),
  load: () => Promise.resolve(null),
  release: () => Promise.resolve(),
  erase: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

async function measure(notes: number, themes: number) {
  const ctx = context();
  const { state, pids } = build(notes, themes, ctx);
  const connected = new Set(pids);
  const board = Object.values(state.boards).find((b) => b.columns.length > 0)!;
  const add = (i: number): Command =>
    ({
      type: 'addNote',
      boardId: board.id,
      columnId: board.columns[0]!.id,
      text: `new ${i}`,
    }) as Command;
  const projectMs: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    project(state, connected, pids);
    projectMs.push(performance.now() - t);
  }
  const executeMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    must(state, { role: 'participant', participantId: pids[i]! } as Actor, add(i), ctx);
    executeMs.push(performance.now() - t);
  }
  const room = new WorkshopRoom(
    { state, acks: [], lastActivityAt: ctx.now },
    store,
    () => ctx,
    (e) => {
      throw e;
    },
  );
  const openMs: number[] = [];
  for (const id of pids) {
    room.connect(id);
    const t = performance.now();
    room.privateReplica(id);
    openMs.push(performance.now() - t);
  }
  await new Promise((r) => setTimeout(r, 10));
  const roomMs: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    await room.run({ role: 'participant', participantId: pids[i]! } as Actor, add(i), `op${i}`);
    await new Promise((r) => setImmediate(r));
    roomMs.push(performance.now() - t);
  }
  room.destroy();
  const heap = process.memoryUsage().heapUsed;
  return {
    notes,
    themes,
    participants: PARTICIPANTS,
    projectMs: +median(projectMs).toFixed(2),
    executeAddNoteMs: +median(executeMs).toFixed(3),
    roomAddNoteWithReplicaWritesMs: +median(roomMs).toFixed(2),
    openPrivateReplicaMs: +median(openMs).toFixed(2),
    heapMB: +(heap / 1e6).toFixed(0),
  };
}

for (const [n, t] of [
  [1000, 20],
  [4900, 0],
  [4900, 60],
] as const) {
  console.log(JSON.stringify(await measure(n, t)));
}

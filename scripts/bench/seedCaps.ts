// Fills a stored workshop to the caps, written straight into its log with the store API (the
// bench bundles this with esbuild and runs it while the server is stopped). Commands go through
// the domain's `execute`, as the server would decide them, so the log is one a server could
// have written; only the rate limits and the round trips are skipped.
// Usage: node seed.mjs <dataDir> <workshopId> <notes> <themes>
import { newId } from '../../server/crypto';
import { DurableStore } from '../../server/store/durable';
import {
  execute,
  type Actor,
  type Command,
  type NoteId,
  type ParticipantId,
  type Workshop,
} from '../../src/lib/domain/index';
import type { LogRecord } from '../../server/store/types';
import { actorKey } from '../../server/workshopRoom';

const [dataDir, workshopId, notesArg, themesArg] = process.argv.slice(2);
const store = await DurableStore.open(dataDir!);
const loaded = (await store.loadAll()).find((w) => w.state.id === workshopId);
if (!loaded) throw new Error(`workshop ${workshopId} not found in ${dataDir}`);
let state: Workshop = loaded.state;
// One record per command, as the server writes them (a log it could have written).
const records: LogRecord[] = [];
let events = 0;
const ctx = () => ({ now: Date.now(), newId });
function run(actor: Actor, command: Command): void {
  const result = execute(state, actor, command, ctx());
  if (!result.ok) throw new Error(`${command.type}: ${result.error.code}`);
  state = result.value.state;
  const { decision } = result.value;
  events += decision.events.length;
  records.push({
    op: `bench-seed-${records.length + 1}`,
    actor: actorKey(actor),
    at: Date.now(),
    events: decision.events,
    reply: decision.reply ?? {},
  });
}

const boardId = state.stages.define.boardIds[0]!;
const columns = state.boards[boardId]!.columns;
const people = Object.keys(state.participants);
const before = new Set(Object.keys(state.notes));
for (let n = 0; n < Number(notesArg); n++) {
  const participantId = people[n % people.length] as ParticipantId;
  run(
    { role: 'participant', participantId },
    {
      type: 'addNote',
      boardId: boardId as never,
      columnId: columns[n % columns.length]!.id,
      text: `Seeded note ${n}: ce qui nous donne de l'énergie dans ce projet`,
    },
  );
}
const seeded = Object.keys(state.notes).filter((id) => !before.has(id)) as NoteId[];
const themes = Number(themesArg);
const perTheme = Math.floor(seeded.length / 2 / Math.max(1, themes));
for (let t = 0; t < themes; t++) {
  run(
    { role: 'facilitator' },
    {
      type: 'createTheme',
      boardId: boardId as never,
      title: `Thème ${t + 1}`,
      noteIds: seeded.slice(t * perTheme, (t + 1) * perTheme),
    },
  );
}
for (const record of records) await store.append(state.id, record);
await store.close();
console.log(
  JSON.stringify({
    notes: Object.keys(state.notes).length,
    themes: Object.keys(state.themes ?? {}).length,
    participants: people.length,
    records: records.length,
    events,
  }),
);

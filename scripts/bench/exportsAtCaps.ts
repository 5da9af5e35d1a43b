// What each export costs on a workshop at the caps: 500 participants in 5 sectors, 5,000 notes,
// 60 themes (linked), 20 vision statements, 30 candidates, a dot vote and a ranking of 10 by
// everyone, priorities, four sessions. The server makes a file on its event loop, so the time
// here is how long one download holds up the room. Built in memory with the domain's `execute`
// (as the server decides); the bench bundles this with esbuild and runs it (no server).
import { createHmac } from 'node:crypto';
import { newId } from '../../server/crypto';
import {
  execute,
  type Actor,
  type Command,
  type ParticipantId,
  type Workshop,
} from '../../src/lib/domain/index';
import {
  importWorkshop,
  notesCsv,
  prioritiesCsv,
  workshopJson,
  workshopMarkdown,
} from '../../src/lib/export/index';
import { workshopReport } from '../../src/lib/export/report';
import { researchExport } from '../../src/lib/export/research';

const PARTICIPANTS = 500;
const NOTES = 5000;
const THEMES = 60;
const STATEMENTS = 20;
const CANDIDATES = 30;
const SHORTLIST = 10;

let state: Workshop | null = null;
let clock = Date.UTC(2026, 2, 4, 9);
const ctx = () => ({ now: (clock += 1000), newId });
function run(actor: Actor, command: Command): Record<string, string> {
  const result = execute(state, actor, command, ctx());
  if (!result.ok) throw new Error(`${command.type}: ${result.error.code}`);
  state = result.value.state;
  return (result.value.decision.reply ?? {}) as Record<string, string>;
}
const nobody: Actor = { role: 'nobody' };
const facilitator: Actor = { role: 'facilitator' };
const as = (id: string): Actor => ({ role: 'participant', participantId: id as ParticipantId });

const built = performance.now();
run(nobody, {
  type: 'createWorkshop',
  title: 'Atelier aux limites',
  question: 'Comment mieux collaborer entre nos équipes ?',
  language: 'fr',
  sectors: ['Clinique', 'Santé publique', 'Communautaire', 'Patients partenaires', 'Autre'],
  joinCode: 'CAPS01',
  facilitatorKeyHash: 'bench',
});
const sectors = state!.sectors.map((s) => s.id);
const people: string[] = [];
for (let p = 0; p < PARTICIPANTS; p++) {
  people.push(
    run(nobody, {
      type: 'joinWorkshop',
      name: `Personne ${p}`,
      sector: sectors[p % sectors.length]!,
      tokenHash: `device-${p}`,
      rejoinCodeHash: `rejoin-${p}`,
    }).participantId!,
  );
}
const sessionIds: string[] = [];
for (let s = 0; s < 4; s++) {
  sessionIds.push(
    run(facilitator, { type: 'startSession', label: `Atelier ${s + 1}`, date: `2026-0${s + 3}-04` })
      .sessionId!,
  );
  run(nobody, {
    type: 'recordAttendance',
    participantIds: people.filter((_, i) => (i + s) % 7 !== 0),
  });
  if (s < 3) run(facilitator, { type: 'endSession' });
}
run(facilitator, { type: 'setStage', stage: 'discover' });
const board = state!.stages.discover.boardIds[0]!;
const columns = state!.boards[board]!.columns;
const notes: string[] = [];
for (let n = 0; n < NOTES; n++) {
  notes.push(
    run(as(people[n % PARTICIPANTS]!), {
      type: 'addNote',
      boardId: board as never,
      columnId: columns[n % columns.length]!.id,
      text: `Note ${n} : ce qui nous aide, ce qui nous freine, et pourquoi « ça marche » ici`,
    }).noteId!,
  );
}
const themes: string[] = [];
const perTheme = Math.floor(NOTES / THEMES);
for (let t = 0; t < THEMES; t++) {
  themes.push(
    run(facilitator, {
      type: 'createTheme',
      boardId: board as never,
      title: `Thème ${t + 1}`,
      noteIds: notes.slice(t * perTheme, (t + 1) * perTheme) as never,
    }).themeId!,
  );
}
for (let t = 0; t + 1 < THEMES; t += 2) {
  run(facilitator, {
    type: 'linkThemes',
    themeId: themes[t]!,
    answerId: themes[t + 1]!,
    linked: true,
  });
}
for (let s = 0; s < STATEMENTS; s++)
  run(facilitator, { type: 'addStatement', title: `Énoncé ${s + 1}` });
run(facilitator, { type: 'setStage', stage: 'decide' });
const candidates: string[] = [];
for (let c = 0; c < CANDIDATES; c++) {
  candidates.push(
    run(facilitator, {
      type: 'addCandidate',
      title: '',
      description: `Pourquoi : ${c}`,
      sources: [{ kind: 'theme', id: themes[c]! }],
    }).candidateId!,
  );
}
run(facilitator, { type: 'openDotVote', budget: 10, cap: 2 });
for (let p = 0; p < PARTICIPANTS; p++) {
  for (let k = 0; k < 5; k++) {
    const candidateId = candidates[(p * 7 + k * 5) % CANDIDATES]!;
    run(as(people[p]!), { type: 'castDots', candidateId, dots: 1 + (k % 2) });
  }
}
run(facilitator, { type: 'closeDotVote' });
run(facilitator, { type: 'revealDotVote' });
run(facilitator, { type: 'setShortlist', size: SHORTLIST });
run(facilitator, { type: 'openRanking' });
const items = state!.ranking!.items;
for (let p = 0; p < PARTICIPANTS; p++) {
  const order = items.map((_, i) => items[(i + p) % items.length]!).slice(0, 3 + (p % 7));
  run(as(people[p]!), { type: 'submitRanking', order });
}
run(facilitator, { type: 'closeRanking' });
run(facilitator, { type: 'revealRanking' });
run(facilitator, { type: 'adoptPriorities' });
run(facilitator, {
  type: 'setReportDetails',
  presenters: 'Équipe de coordination',
  keyMessages: ['Se parler tôt', 'Un seul dossier partagé'],
});
run(nobody, { type: 'setResearchSalt', salt: 'bench-salt-0123456789abcdef' });
const buildMs = performance.now() - built;

const ws = state!;
const keyedHash = (id: string) => createHmac('sha256', 'bench-salt').update(id).digest('hex');
const exports: Record<string, () => string> = {
  'priorities.csv': () => prioritiesCsv(ws, { separator: ';' }),
  'notes.csv': () => notesCsv(ws, { separator: ';' }),
  'workshop.md': () => workshopMarkdown(ws),
  'workshop.json': () => JSON.stringify(workshopJson(ws), null, 2),
  'report.html': () => workshopReport(ws, { language: 'fr', paper: 'a4' }),
  'research.json': () => JSON.stringify(researchExport(ws, { keyedHash }), null, 2),
};
const RUNS = 5;
const figures: Record<string, { ms: { median: number; max: number }; kb: number }> = {};
for (const [name, make] of Object.entries(exports)) {
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    size = make().length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  figures[name] = {
    ms: { median: Math.round(times[RUNS >> 1]!), max: Math.round(times[RUNS - 1]!) },
    kb: Math.round(Buffer.byteLength(make()) / 1024),
  };
  void size;
}
// The import of that JSON (POST /import checks it whole on the event loop).
const text = exports['workshop.json']!();
const importTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  const imported = importWorkshop(JSON.parse(text), { now: Date.now(), newId });
  if (!imported.ok) throw new Error(`import: ${imported.error.message}`);
  importTimes.push(performance.now() - start);
}
importTimes.sort((a, b) => a - b);
figures['import of workshop.json'] = {
  ms: { median: Math.round(importTimes[RUNS >> 1]!), max: Math.round(importTimes[RUNS - 1]!) },
  kb: Math.round(Buffer.byteLength(text) / 1024),
};
console.log(
  JSON.stringify({
    workshop: {
      participants: Object.keys(ws.participants).length,
      notes: Object.keys(ws.notes).length,
      themes: Object.keys(ws.themes ?? {}).length,
      candidates: (ws.candidateOrder ?? []).length,
      rankingBallots: Object.keys(ws.rankings ?? {}).length,
      priorities: (ws.priorityOrder ?? []).length,
      builtInMs: Math.round(buildMs),
    },
    exports: figures,
  }),
);

/**
 * A workshop like the one the seeds describe, built through the real server by real clients
 * (for the report's integration and e2e tests): 13 participants in 3 sectors (5, 5 and 3), two
 * sessions, 4 themes on Découverte's board (two barriers, two enablers, linked), a vision
 * statement written in the vision room, 5 candidates, a closed and revealed dot vote, a ranking
 * of 4, priorities with owners and next steps, and the report's details.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import type { ClientCommand } from '../../src/lib/protocol/commands';
import { connect, createWorkshop, hello, joinAs, openReplica, send, VisionWriter } from './helpers';

/**
 * Send a command as a real client does: a command refused for going too fast (the server's
 * default limits, as the built server has) is sent again, with the same op id, a moment later.
 */
export async function sendPatiently(
  socket: Socket,
  cmd: ClientCommand,
): Promise<Record<string, string>> {
  const op = `op-report-${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    const ack = await send(socket, cmd, op);
    if (ack.ok) return ack.value;
    if (ack.error.code !== 'RATE_LIMITED' || attempt > 40) {
      throw new Error(`${cmd.type} refused: ${ack.error.code} ${ack.error.message}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Names no report may print (participants are never named). */
export const PEOPLE = [
  ['Aline Arsenault', 0],
  ['Bernard Bélanger', 0],
  ['Carole Cloutier', 0],
  ['Denis Dubé', 0],
  ['Élise Émond', 0],
  ['Félix Fortin', 1],
  ['Gisèle Gagnon', 1],
  ['Hélène Hébert', 1],
  ['Irène Isabelle', 1],
  ['Jacques Jodoin', 1],
  ['Karine Kirouac', 2],
  ['Louis Lacasse', 2],
  ['Mélanie Morin', 2],
] as const;

export const SEED = {
  title: 'Institutions et approches de proximité',
  question: 'Comment rejoindre les familles en contexte de défavorisation, ensemble ?',
  objectives:
    'Partager nos repères d’efficacité.\nNommer ce qui freine et ce qui aide l’approche de proximité.',
  barriers: ['Manque de temps des équipes', 'Reddition de comptes traditionnelle'],
  enablers: ['Concertations déjà en place', 'Intervenants au profil de proximité'],
  statementTitle: 'Dans trois ans…',
  statementText:
    'Chaque famille trouve sa porte d’entrée.\nLes organismes et le CIUSSS travaillent en complémentarité.',
  candidates: [
    'Un cadre de référence commun',
    'Une communauté de pratique',
    'Des heures dédiées à la collaboration',
    'Consulter les parents',
    'Évaluer les effets',
  ],
  presenters: 'Marie-France B., cheffe de service, CIUSSS',
  facilitators: 'Olivier T.',
  noteTakers: 'Maggie S.-G.',
  otherInfo: ['2009-2011 : rapport de recherche sur les effets du travail de proximité'],
  keyMessages: ['Oser innover', 'Travailler en complémentarité', 'Partir des besoins des familles'],
  owner: 'Comité de concertation',
  nextStep: 'Rédiger une première version du cadre',
  horizon: 'printemps 2027',
} as const;

export interface SeedWorkshop {
  workshopId: string;
  joinCode: string;
  facilitatorKey: string;
  console_: Socket;
  phones: { socket: Socket; token: string; participantId: string }[];
}

/** Build the seed-like workshop on the server at `url` (in-process or the built one). */
export async function seedLikeWorkshop(url: string): Promise<SeedWorkshop> {
  const created = await createWorkshop(url, { title: SEED.title, question: SEED.question });
  const console_ = await connect(url, {
    workshopId: created.workshopId,
    key: created.facilitatorKey,
  });
  const welcome = await hello(console_);
  const replica = openReplica(url, welcome, 'facilitator');
  const first = await replica.waitFor((s) => s.workshop !== null);
  const sectors = first.workshop!.sectors.map((x) => x.id);
  const run = (cmd: ClientCommand) => sendPatiently(console_, cmd);
  await run({ type: 'setObjectives', objectives: SEED.objectives });

  const phones: Awaited<ReturnType<typeof joinAs>>[] = [];
  for (const [name, sector] of PEOPLE) {
    phones.push(await joinAs(url, created.joinCode, name, sectors[sector]!));
  }

  // Session 1, everyone there; session 2, two of the 13 away.
  await run({ type: 'startSession', label: 'Atelier 1', date: '2026-09-10' });
  await replica.waitFor((s) => s.workshop?.sessions.at(-1)?.attendance === 13);

  await run({ type: 'setStage', stage: 'discover' });
  const discover = first.workshop!.stages.discover.boardIds[0]!;
  const [obstacles, leviers] = first.boards[discover]!.columns.map((c) => c.id);
  const note = async (who: number, column: string, text: string) =>
    (
      await sendPatiently(phones[who]!.socket, {
        type: 'addNote',
        boardId: discover,
        columnId: column,
        text,
      })
    ).noteId!;
  const noteIds: string[][] = [[], [], [], []];
  for (let i = 0; i < 13; i++) {
    const theme = i % 4;
    const column = theme < 2 ? obstacles! : leviers!;
    const text = `${[...SEED.barriers, ...SEED.enablers][theme]} (${i + 1})`;
    noteIds[theme]!.push(await note(i, column, text));
  }
  const themeIds: string[] = [];
  for (const [i, title] of [...SEED.barriers, ...SEED.enablers].entries()) {
    const { themeId } = await run({
      type: 'createTheme',
      boardId: discover,
      title,
      noteIds: noteIds[i]!,
    });
    themeIds.push(themeId!);
  }
  await run({ type: 'linkThemes', themeId: themeIds[0]!, answerId: themeIds[3]!, linked: true });
  await run({ type: 'linkThemes', themeId: themeIds[1]!, answerId: themeIds[2]!, linked: true });
  await run({ type: 'endSession' });

  for (const phone of phones.slice(0, 2)) phone.socket.disconnect();
  await run({ type: 'startSession', label: 'Atelier 2', date: '2026-11-05' });
  await replica.waitFor((s) => s.workshop?.sessions.at(-1)?.attendance === 11);
  const present = phones.slice(2);

  await run({ type: 'setStage', stage: 'dream' });
  const { statementId } = await run({ type: 'addStatement', title: SEED.statementTitle });
  const writer = new VisionWriter(url, welcome.vision!);
  await writer.synced();
  writer.text(statementId!).insert(0, SEED.statementText);
  await replica.waitFor((s) => s.statements[statementId!]?.text === SEED.statementText);
  writer.destroy();

  await run({ type: 'setStage', stage: 'decide' });
  const candidateIds: string[] = [];
  for (const [i, title] of SEED.candidates.entries()) {
    const sources = i < 4 ? [{ kind: 'theme' as const, id: themeIds[i]! }] : [];
    const { candidateId } = await run({ type: 'addCandidate', title, description: '', sources });
    candidateIds.push(candidateId!);
  }
  await run({ type: 'openDotVote', budget: 3, cap: 2 });
  // Eleven voters: 2 dots on one, 1 on another; totals 12, 9, 6, 4, 2 (no tie at the cut of 4).
  const plan: [number, number][] = [
    [0, 1],
    [0, 1],
    [0, 2],
    [0, 2],
    [1, 0],
    [1, 0],
    [2, 3],
    [2, 3],
    [1, 4],
    [3, 4],
    [0, 1],
  ];
  for (const [i, [two, one]] of plan.entries()) {
    const socket = present[i]!.socket;
    await sendPatiently(socket, { type: 'castDots', candidateId: candidateIds[two]!, dots: 2 });
    await sendPatiently(socket, { type: 'castDots', candidateId: candidateIds[one]!, dots: 1 });
  }
  await run({ type: 'closeDotVote' });
  await run({ type: 'revealDotVote' });
  await run({ type: 'setShortlist', size: 4 });
  await run({ type: 'openRanking' });
  const [a, b, c, d] = candidateIds;
  const orders = [
    [a, b, c, d],
    [a, c, b, d],
    [b, a, c, d],
    [a, b, d, c],
    [c, a, b, d],
    [a, b, c, d],
    [b, a, d, c],
    [a, d, b, c],
    [a, b, c],
    [c, b, a, d],
    [a, c],
  ];
  for (const [i, order] of orders.entries()) {
    await sendPatiently(present[i]!.socket, { type: 'submitRanking', order: order as string[] });
  }
  await run({ type: 'closeRanking' });
  await run({ type: 'revealRanking' });
  await run({ type: 'adoptPriorities' });
  const views = (s: { decision: Record<string, unknown> }) =>
    Object.entries(s.decision)
      .filter(([key]) => key.startsWith('priority:'))
      .map(([, view]) => view as { id: string; rank: number });
  const adopted = views(await replica.waitFor((s) => views(s).length === 4));
  await run({
    type: 'editPriority',
    priorityId: adopted.find((p) => p.rank === 1)!.id,
    owner: SEED.owner,
    nextStep: SEED.nextStep,
    horizon: SEED.horizon,
    status: 'committed',
  });
  await run({
    type: 'setReportDetails',
    presenters: SEED.presenters,
    facilitators: SEED.facilitators,
    noteTakers: SEED.noteTakers,
    otherInfo: [...SEED.otherInfo],
    keyMessages: [...SEED.keyMessages],
  });
  await run({ type: 'endSession' });
  replica.destroy();
  return { ...created, console_, phones };
}

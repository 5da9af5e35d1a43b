/**
 * The whole workshop as one Markdown document, readable as plain text and rendered alike. User
 * text never makes Markdown of its own: see `escapeMarkdown`.
 */
import { reportOf } from '../domain/commands/report';
import { STAGES, type Note, type Workshop } from '../domain/model';
import {
  boardsInOrder,
  decisionFigures,
  discoverLinks,
  exportSessions,
  formatNumber,
  groupLabel,
  sessionName,
  notesByTheme,
  themesOf,
  visibleNotesOf,
} from './common';
import { WORDS } from './words';

/**
 * User text as literal Markdown text on one line: white space (line breaks included) collapses
 * to single spaces, characters with a meaning anywhere in a line (\ ` * _ [ ] < > & | ~) are
 * escaped with a backslash (CommonMark lets any ASCII punctuation be escaped), and so is what
 * would start a block at the beginning of the text (# + - = > and "1." / "1)"), since the text
 * may follow "- " or stand at the start of a line. `<` and `&` escaped means no HTML and no
 * entity; `[` `]` escaped means no link, whatever follows; `|` escaped keeps table cells whole.
 */
export function escapeMarkdown(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const inline = line.replace(/[\\`*_[\]<>&|~]/g, (c) => `\\${c}`);
  return inline.replace(/^([#+\-=>])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Multi-line text (a vision statement) as a block quote, each line escaped on its own. */
function quote(text: string): string {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map(escapeMarkdown)
    .filter((l) => l !== '');
  return lines.map((l) => `> ${l}`).join('\n>\n');
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function workshopMarkdown(state: Workshop): string {
  const language = state.language;
  const words = WORDS[language];
  const md = words.md;
  const e = escapeMarkdown;
  const out: string[] = [];
  const push = (...blocks: string[]) => out.push(...blocks);

  push(`# ${e(state.title)}`);
  if (state.question.trim()) push(`**${md.question}**${md.colon}${e(state.question)}`);
  if (state.objectives?.trim()) push(`## ${md.objectives}`, quote(state.objectives));

  const sessions = exportSessions(state);
  push(
    `## ${md.sessions}`,
    sessions
      .map((x) => `- ${e(sessionName(language, sessions, x.id))}${md.colon}${x.date}`)
      .join('\n'),
  );
  const report = reportOf(state);
  const people = (['presenters', 'facilitators', 'noteTakers'] as const)
    .filter((field) => report[field] !== '')
    .map((field) => `- **${md[field]}**${md.colon}${e(report[field])}`);
  if (people.length > 0) push(people.join('\n'));

  const boards = boardsInOrder(state);
  const themeTitle = (id: string) => state.themes?.[id]?.title;
  const visibleNotes = visibleNotesOf(state);
  for (const stage of STAGES) {
    const stageBoards = boards.filter((b) => b.stage === stage);
    push(`## ${words.stage[stage]}`);
    const prompt = state.stages[stage].prompt;
    if (prompt.trim()) push(quote(prompt));
    for (const board of stageBoards) {
      push(`### ${e(board.title)}`);
      const inTheme = notesByTheme(visibleNotes(board.id));
      const list = (items: readonly Note[]) =>
        items.length === 0 ? md.empty : items.map((note) => `- ${e(note.text)}`).join('\n');
      for (const theme of themesOf(state, board.id)) {
        push(`#### ${e(theme.title)}`, list(inTheme(theme.id)));
        const answers = theme.answeredBy.map(themeTitle).filter((t) => t !== undefined);
        if (answers.length > 0) push(`*${md.answeredBy}*${md.colon}${answers.map(e).join(' ; ')}`);
      }
      const loose = inTheme(undefined);
      if (loose.length > 0) push(`#### ${md.unthemed}`, list(loose));
    }
    if (stage === 'discover') {
      const links = discoverLinks(state)
        .flatMap((l) => l.enablers.map((a) => `- ${e(l.barrier)} → ${e(a)}`))
        .sort();
      if (links.length > 0) push(`### ${md.links}`, links.join('\n'));
    }
    if (stage === 'dream') {
      const statements = (state.statementOrder ?? [])
        .map((id) => state.statements?.[id])
        .filter((x) => x !== undefined);
      if (statements.length > 0) {
        push(`### ${md.statements}`);
        for (const st of statements) {
          push(`#### ${e(st.title)}`, st.text.trim() ? quote(st.text) : md.empty);
        }
      }
    }
    if (stage === 'decide') pushDecision(state, push);
  }
  // What the people running the workshop wrote for the report, last, as in a workshop's notes.
  for (const field of ['otherInfo', 'keyMessages'] as const) {
    const items = report[field].map(e).filter((x) => x !== '');
    if (items.length > 0) push(`## ${md[field]}`, items.map((x) => `- ${x}`).join('\n'));
  }
  return out.join('\n\n') + '\n';
}

function pushDecision(state: Workshop, push: (...blocks: string[]) => void): void {
  const language = state.language;
  const words = WORDS[language];
  const md = words.md;
  const e = escapeMarkdown;
  const n = (value: number | null | undefined) =>
    value === null || value === undefined ? '' : formatNumber(value, language, 2);
  const title = (id: string) => e(state.candidates?.[id]?.title ?? '');
  const { dots, ranking, dotsPending, rankingPending } = decisionFigures(state);
  const order = state.candidateOrder ?? [];
  if (order.length > 0) {
    push(`### ${md.candidates}`, order.map((id) => `- ${title(id)}`).join('\n'));
  }
  if (dots) {
    push(
      `### ${md.dotVote}`,
      table(
        [md.candidate, words.priorities.dots],
        order.map((id) => [title(id), String(dots[id] ?? 0)]),
      ),
    );
  }
  if (dotsPending) push(`### ${md.dotVote}`, md.notRevealed);
  if (rankingPending) push(`### ${md.ranking}`, md.notRevealed);
  if (ranking && ranking.ballots > 0) {
    push(
      `### ${md.ranking}`,
      md.ballots(ranking.ballots),
      table(
        [
          '#',
          md.candidate,
          words.priorities.borda,
          words.priorities.meanRank,
          words.priorities.approval,
        ],
        ranking.items.map((i) => [
          String(i.place),
          title(i.id),
          n(i.borda),
          n(i.meanRank),
          String(i.approval),
        ]),
      ),
    );
    if (ranking.agreement !== null && ranking.agreementLevel !== null) {
      push(
        `**${md.agreement}**${md.colon}W = ${n(ranking.agreement)} (${md.agreementLevel[ranking.agreementLevel]})`,
      );
    }
    const groups = ranking.support.groups;
    if (ranking.support.withheld) push(`**${md.support}**${md.colon}${md.supportWithheld}`);
    else if (groups.length > 0) {
      push(
        `**${md.support}**`,
        table(
          [md.candidate, ...groups.map((g) => e(groupLabel(state, g.group)))],
          ranking.items.map((i) => [title(i.id), ...groups.map((g) => n(g.borda[i.id]))]),
        ),
      );
    }
  }
  const priorities = (state.priorityOrder ?? [])
    .map((id) => state.priorities?.[id])
    .filter((p) => p !== undefined);
  if (priorities.length > 0) {
    push(`### ${md.priorities}`);
    for (const p of priorities) {
      push(`#### ${p.rank}\\. ${e(p.title)}`);
      if (p.description.trim()) push(quote(p.description));
      const field = (label: string, value: string) =>
        `- **${label}**${md.colon}${value ? e(value) : '—'}`;
      push(
        [
          field(md.owner, p.owner),
          field(md.nextStep, p.nextStep),
          field(md.horizon, p.horizon),
          `- **${md.status}**${md.colon}${words.status[p.status]}`,
          field(md.sources, p.sources.map((x) => x.title).join(' ; ')),
        ].join('\n'),
      );
    }
  }
}

/**
 * The workshop report: one standalone HTML document, styled for print (A4 or Letter), in the
 * shape of published workshop notes: title and question, the sessions and who attended them,
 * who presented, facilitated and took notes, the objectives, Découverte's themes with their
 * barriers, enablers and the links between them, the vision statements, Décision's results as
 * charts and figures, the priorities, other relevant information and the key messages to share.
 *
 * Découverte opens a page (after the summary: title, sessions, people, objectives); the rest
 * flows, each card, chart and table row kept whole.
 *
 * Pure: the same state and options give the same bytes. No script, no external resource (the
 * server serves it under a policy that allows inline styles only). Every piece of user text goes
 * through `escapeHtml`.
 */
import { type Language, type Note, type Workshop, type WorkshopSession } from '../domain/model';
import {
  attendanceByGroup,
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
import { barChart } from './reportCharts';
import { escapeHtml } from './reportHtml';
import { REPORT_WORDS, type ReportWords } from './reportWords';
import { WORDS } from './words';

export { escapeHtml } from './reportHtml';

export const PAPERS = ['a4', 'letter'] as const;
export type Paper = (typeof PAPERS)[number];

export interface ReportOptions {
  /** The report's language; the workshop's by default. */
  language?: Language;
  /** The page size printed to; A4 by default. Margins fit both. */
  paper?: Paper;
}

/** "26 novembre 2026" / "November 26, 2026" from a YYYY-MM-DD day. */
function longDate(day: string, language: Language): string {
  const at = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(at.getTime())) return day;
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(at);
}

const e = escapeHtml;

/** Text that may hold line breaks: escaped, the breaks kept by the `.lines` style. */
const lines = (text: string) => `<span class="lines">${e(text.trim())}</span>`;

function list(items: string[], empty: string): string {
  const kept = items.map((x) => x.trim()).filter((x) => x !== '');
  if (kept.length === 0) return `<p class="empty">${e(empty)}</p>`;
  return `<ul>${kept.map((x) => `<li>${lines(x)}</li>`).join('')}</ul>`;
}

function section(id: string, title: string, body: string, className = ''): string {
  const cls = className ? ` class="${className}"` : '';
  return `<section id="${id}"${cls} aria-labelledby="${id}-title"><h2 id="${id}-title">${e(title)}</h2>${body}</section>`;
}

export function workshopReport(state: Workshop, options: ReportOptions = {}): string {
  const language = options.language ?? state.language;
  const paper = options.paper ?? 'a4';
  const w = REPORT_WORDS[language];
  const sessions = exportSessions(state);
  const dates = [...new Set(sessions.map((s) => s.date))].sort();
  const span =
    dates.length === 0
      ? ''
      : dates.length === 1
        ? longDate(dates[0]!, language)
        : `${longDate(dates[0]!, language)} – ${longDate(dates.at(-1)!, language)}`;

  const header =
    `<header class="cover"><p class="kicker">${e(w.kicker)}</p><h1>${e(state.title)}</h1>` +
    (state.question.trim()
      ? `<p class="question"><strong>${e(w.question)}${e(w.colon)}</strong>${lines(state.question)}</p>`
      : '') +
    (span ? `<p class="span">${e(span)}</p>` : '') +
    `</header>`;

  const body = [
    header,
    sessionsSection(state, language, w, sessions),
    peopleSection(state, w),
    section(
      'objectives',
      w.objectives,
      state.objectives?.trim()
        ? `<p>${lines(state.objectives)}</p>`
        : `<p class="empty">${e(w.noObjectives)}</p>`,
    ),
    discoverSection(state, language, w),
    visionSection(state, language, w),
    decisionSection(state, language, w),
    prioritiesSection(state, language, w),
    section('other-info', w.otherInfo, list(state.report?.otherInfo ?? [], w.notFilled)),
    section(
      'key-messages',
      w.keyMessages,
      `<div class="messages">${list(state.report?.keyMessages ?? [], w.notFilled)}</div>`,
    ),
    `<footer><p>${e(w.footer)}</p></footer>`,
  ].join('\n');

  return [
    '<!doctype html>',
    `<html lang="${language}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(state.title)}</title>`,
    `<style>${styles(paper)}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function sessionsSection(
  state: Workshop,
  language: Language,
  w: ReportWords,
  sessions: WorkshopSession[],
): string {
  const rows = sessions.map((session) => {
    const a = attendanceByGroup(state, session);
    const detail =
      a.total === 0
        ? e(w.attendanceNone)
        : a.withheld
          ? `<span class="note">${e(w.attendanceWithheld)}</span>`
          : a.groups
              .map(
                (g) =>
                  `<span class="group">${e(groupLabel(state, g.group, language))}${e(w.colon)}${g.count}</span>`,
              )
              .join(' · ');
    return (
      `<tr><td class="session">${e(sessionName(language, sessions, session.id))}</td>` +
      `<td class="nowrap">${e(longDate(session.date, language))}</td>` +
      `<td class="num">${a.total}</td><td>${detail}</td></tr>`
    );
  });
  return section(
    'sessions',
    w.sessions,
    `<table class="sessions"><thead><tr><th scope="col">${e(w.session)}</th><th scope="col">${e(w.date)}</th>` +
      `<th scope="col" class="num">${e(w.attended)}</th><th scope="col">${e(w.byGroup)}</th></tr></thead>` +
      `<tbody>${rows.join('')}</tbody></table><p class="rule">${e(w.attendanceRule)}</p>`,
  );
}

function peopleSection(state: Workshop, w: ReportWords): string {
  const report = state.report;
  const line = (label: string, value: string | undefined) =>
    `<dt>${e(label)}${e(w.colon.trimEnd())}</dt>` +
    (value?.trim() ? `<dd>${lines(value)}</dd>` : `<dd class="empty">${e(w.notFilled)}</dd>`);
  return section(
    'people',
    w.people,
    `<dl class="people">${line(w.presenters, report?.presenters)}${line(
      w.facilitators,
      report?.facilitators,
    )}${line(w.noteTakers, report?.noteTakers)}</dl>`,
  );
}

function discoverSection(state: Workshop, language: Language, w: ReportWords): string {
  const stageName = WORDS[language].stage.discover;
  const boards = boardsInOrder(state).filter((b) => b.stage === 'discover');
  const parts: string[] = [];
  const prompt = state.stages.discover.prompt.trim();
  if (prompt) parts.push(`<p class="prompt">${lines(prompt)}</p>`);
  const themeTitle = (id: string) => state.themes?.[id]?.title;
  const visibleNotes = visibleNotesOf(state);
  for (const board of boards) {
    const inTheme = notesByTheme(visibleNotes(board.id));
    const byColumn = (items: readonly Note[]) =>
      board.columns
        .map((column) => {
          const inColumn = items.filter((n) => n.columnId === column.id);
          if (inColumn.length === 0) return '';
          return (
            `<div class="column"><h5>${e(column.title)}</h5><ul>` +
            inColumn.map((n) => `<li>${lines(n.text)}</li>`).join('') +
            `</ul></div>`
          );
        })
        .join('');
    const themes = themesOf(state, board.id);
    const cards = themes.map((theme) => {
      const members = inTheme(theme.id);
      const answers = theme.answeredBy.map(themeTitle).filter((t) => t !== undefined);
      return (
        `<article class="theme"><h4>${e(theme.title)} <span class="count">${e(w.notes(members.length))}</span></h4>` +
        byColumn(members) +
        (answers.length > 0
          ? `<p class="lifts"><strong>${e(w.lifts)}${e(w.colon)}</strong>${answers.map(e).join(' ; ')}</p>`
          : '') +
        `</article>`
      );
    });
    const loose = inTheme(undefined);
    if (loose.length > 0) {
      cards.push(
        `<article class="theme loose"><h4>${e(w.unthemed)} <span class="count">${e(w.notes(loose.length))}</span></h4>${byColumn(loose)}</article>`,
      );
    }
    parts.push(
      `<div class="board"><h3>${e(board.title)}</h3>` +
        (cards.length > 0 ? cards.join('') : `<p class="empty">${e(w.noThemes)}</p>`) +
        `</div>`,
    );
  }
  const links = discoverLinks(state);
  parts.push(
    `<div class="links"><h3>${e(w.links)}</h3>` +
      (links.length === 0
        ? `<p class="empty">${e(w.noLinks)}</p>`
        : `<p class="explain">${e(w.linksExplain)}</p><table class="links"><thead><tr><th scope="col">${e(w.barrier)}</th><th scope="col" class="arrow" aria-hidden="true"></th><th scope="col">${e(w.enabler)}</th></tr></thead><tbody>` +
          links
            .map(
              (l) =>
                `<tr><td>${e(l.barrier)}</td><td class="arrow" aria-hidden="true">→</td><td>${l.enablers.map(e).join('<br>')}</td></tr>`,
            )
            .join('') +
          `</tbody></table>`) +
      `</div>`,
  );
  return section('discover', w.discover(stageName), parts.join(''), 'stage');
}

function visionSection(state: Workshop, language: Language, w: ReportWords): string {
  const statements = (state.statementOrder ?? [])
    .map((id) => state.statements?.[id])
    .filter((x) => x !== undefined);
  const body =
    statements.length === 0
      ? `<p class="empty">${e(w.noStatements)}</p>`
      : statements
          .map(
            (st) =>
              `<article class="statement"><h3>${e(st.title)}</h3>` +
              (st.text.trim()
                ? `<blockquote>${lines(st.text)}</blockquote>`
                : `<p class="empty">${e(w.emptyStatement)}</p>`) +
              `</article>`,
          )
          .join('');
  return section('vision', w.vision(WORDS[language].stage.dream), body);
}

function decisionSection(state: Workshop, language: Language, w: ReportWords): string {
  const n2 = (value: number | null) => (value === null ? '—' : formatNumber(value, language, 2));
  const title = (id: string) => state.candidates?.[id]?.title ?? '';
  const order = state.candidateOrder ?? [];
  const { dots, ranking } = decisionFigures(state);
  const parts: string[] = [];

  parts.push(
    `<h3>${e(w.candidates)}</h3>` +
      (order.length === 0
        ? `<p class="empty">${e(w.noCandidates)}</p>`
        : `<ol class="candidates">${order.map((id) => `<li>${e(title(id))}</li>`).join('')}</ol>`),
  );

  let dotsBody: string;
  if (dots) {
    const bars = order
      .map((id, i) => ({ id, i, value: dots[id] ?? 0 }))
      .sort((a, b) => b.value - a.value || a.i - b.i)
      .map((x) => ({ label: title(x.id), value: x.value, valueText: w.dotsValue(x.value) }));
    const total = bars.reduce((acc, b) => acc + b.value, 0);
    dotsBody = figure(barChart(w.dotsChart, bars), w.dotsCaption(total));
  } else {
    dotsBody = `<p class="empty">${e(state.dotVote ? w.dotsHidden : w.noDotVote)}</p>`;
  }
  parts.push(`<div class="block"><h3>${e(w.dotVote)}</h3>${dotsBody}</div>`);

  if (ranking && ranking.ballots > 0) {
    const bars = ranking.items.map((i) => ({
      label: `${i.place}. ${title(i.id)}`,
      value: i.borda,
      valueText: w.bordaValue(n2(i.borda)),
    }));
    const table =
      `<table class="ranking"><thead><tr><th scope="col" class="num">${e(w.place)}</th><th scope="col">${e(w.candidate)}</th>` +
      `<th scope="col" class="num">${e(w.borda)}</th><th scope="col" class="num">${e(w.meanRank)}</th><th scope="col" class="num">${e(w.approval)}</th></tr></thead><tbody>` +
      ranking.items
        .map(
          (i) =>
            `<tr><td class="num">${i.place}</td><td>${e(title(i.id))}</td><td class="num">${n2(i.borda)}</td>` +
            `<td class="num">${n2(i.meanRank)}</td><td class="num">${i.approval}</td></tr>`,
        )
        .join('') +
      `</tbody></table>`;
    parts.push(
      `<div class="block"><h3>${e(w.ranking)}</h3>${figure(barChart(w.rankingChart, bars), w.rankingCaption(ranking.ballots))}${table}</div>`,
    );

    const agreement =
      ranking.agreement !== null && ranking.agreementLevel !== null
        ? `<p class="figure-line"><strong>${e(w.agreementLine(n2(ranking.agreement), w.agreementLevel[ranking.agreementLevel]))}</strong></p>` +
          `<p class="explain">${e(w.agreementScale)}</p>`
        : `<p class="empty">${e(w.agreementUnknown)}</p>`;
    parts.push(`<div class="block agreement"><h3>${e(w.agreement)}</h3>${agreement}</div>`);

    const support = ranking.support;
    let supportBody: string;
    if (support.withheld || support.groups.length === 0) {
      supportBody = `<p class="note">${e(w.supportWithheld)}</p>`;
    } else {
      const carried = (id: string) => {
        const group = support.carriedBy[id];
        return group === undefined ? '' : e(groupLabel(state, group, language));
      };
      supportBody =
        `<p class="explain">${e(w.supportExplain)}</p><table class="support"><thead><tr><th scope="col">${e(w.candidate)}</th>` +
        support.groups
          .map(
            (g) =>
              `<th scope="col" class="num">${e(groupLabel(state, g.group, language))}<br><span class="sub">${e(w.voters(g.voters))}</span></th>`,
          )
          .join('') +
        `<th scope="col">${e(w.carriedBy)}</th></tr></thead><tbody>` +
        ranking.items
          .map(
            (i) =>
              `<tr><td>${e(title(i.id))}</td>` +
              support.groups.map((g) => `<td class="num">${n2(g.borda[i.id] ?? 0)}</td>`).join('') +
              `<td>${carried(i.id)}</td></tr>`,
          )
          .join('') +
        `</tbody></table>`;
    }
    parts.push(`<div class="block"><h3>${e(w.support)}</h3>${supportBody}</div>`);
  } else {
    const why = !state.ranking ? w.noRanking : ranking ? w.noBallots : w.rankingHidden;
    parts.push(`<div class="block"><h3>${e(w.ranking)}</h3><p class="empty">${e(why)}</p></div>`);
  }
  return section('decision', w.decision(WORDS[language].stage.decide), parts.join(''));
}

function figure(svg: string, caption: string): string {
  return `<figure class="chart">${svg}<figcaption>${e(caption)}</figcaption></figure>`;
}

function prioritiesSection(state: Workshop, language: Language, w: ReportWords): string {
  const priorities = (state.priorityOrder ?? [])
    .map((id) => state.priorities?.[id])
    .filter((p) => p !== undefined);
  if (priorities.length === 0) {
    return section('priorities', w.priorities, `<p class="empty">${e(w.noPriorities)}</p>`);
  }
  const field = (label: string, value: string) =>
    `<dt>${e(label)}</dt><dd>${value.trim() ? lines(value) : '—'}</dd>`;
  const cards = priorities.map(
    (p, index) =>
      `<article class="priority"><h3><span class="rank">${index + 1}.</span> ${e(p.title)}</h3>` +
      (p.description.trim() ? `<p>${lines(p.description)}</p>` : '') +
      `<dl>${field(w.owner, p.owner)}${field(w.nextStep, p.nextStep)}${field(w.horizon, p.horizon)}` +
      `<dt>${e(w.status)}</dt><dd>${e(WORDS[language].status[p.status])}</dd>` +
      field(w.sources, p.sources.map((x) => x.title).join(' ; ')) +
      `</dl></article>`,
  );
  return section('priorities', w.priorities, cards.join(''));
}

/** Print first: black text, grey only for rules, page size from the paper chosen. */
function styles(paper: Paper): string {
  const size = paper === 'letter' ? 'letter' : 'A4';
  return `
@page { size: ${size} portrait; margin: 18mm 16mm 20mm 16mm;
  @bottom-right { content: counter(page) " / " counter(pages); font: 8.5pt Arial, "Liberation Sans", Helvetica, sans-serif; color: #333; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #111; background: #fff; font: 10.5pt/1.45 Arial, "Liberation Sans", Helvetica, sans-serif; }
main { max-width: 180mm; margin: 0 auto; padding: 12mm 0; }
@media print { main { max-width: none; padding: 0 0.6mm; } }
h1, h2, h3, h4, h5 { line-height: 1.25; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 22pt; margin: 0 0 3mm; }
h2 { font-size: 15pt; margin: 8mm 0 3mm; padding-bottom: 1.5mm; border-bottom: 1.5pt solid #111; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; }
h4 { font-size: 11pt; margin: 0 0 1.5mm; }
h5 { font-size: 9.5pt; margin: 2mm 0 0.5mm; text-transform: uppercase; letter-spacing: 0.04em; }
p { margin: 0 0 2mm; orphans: 3; widows: 3; }
ul, ol { margin: 0 0 2mm; padding-left: 6mm; }
li { margin: 0 0 0.8mm; break-inside: avoid; }
.lines { white-space: pre-line; overflow-wrap: anywhere; }
td, th, li, dd, h1, h2, h3, h4, p { overflow-wrap: anywhere; }
.cover { border-bottom: 3pt solid #111; padding-bottom: 4mm; margin-bottom: 4mm; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 9.5pt; font-weight: bold; margin: 0 0 2mm; }
.question { font-size: 12pt; }
.span { font-size: 10.5pt; }
.empty, .note, .explain, .rule, figcaption, .sub, .count { color: #333; }
.empty { font-style: italic; }
.rule, .explain, figcaption { font-size: 9pt; }
.count { font-weight: normal; font-size: 9pt; white-space: nowrap; }
table { width: 100%; border-collapse: collapse; margin: 0 0 3mm; font-size: 9.5pt; break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm; border-bottom: 0.6pt solid #777; }
th { border-bottom: 1.2pt solid #111; font-weight: bold; }
.num { text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
td.session { min-width: 28mm; }
.group { white-space: nowrap; }
table.support td:first-child, table.ranking td:nth-child(2) { min-width: 45mm; }
table.support th:last-child, table.support td:last-child { min-width: 34mm; }
.arrow { width: 6mm; text-align: center; }
dl.people { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 0; }
dl.people dt { font-weight: bold; }
dl.people dd { margin: 0; }
.stage { break-before: page; page-break-before: always; }
@media print { .stage > h2 { margin-top: 0; } }
.board { margin-bottom: 4mm; }
.theme, .statement, .priority, .agreement, figure.chart, .messages, .links table { break-inside: avoid; page-break-inside: avoid; }
.theme { border: 0.8pt solid #555; border-left: 3pt solid #111; padding: 2.5mm 3.5mm 1.5mm; margin: 0 0 3mm; }
.theme.loose { border-left-width: 0.8pt; border-style: dashed; }
.theme ul { margin-bottom: 1mm; }
.lifts { font-size: 9.5pt; margin: 1.5mm 0 0.5mm; }
.statement { margin: 0 0 3mm; }
blockquote { margin: 0; padding: 2mm 4mm; border-left: 3pt solid #111; font-size: 11pt; }
.block { margin-bottom: 2mm; }
figure.chart { margin: 0 0 3mm; }
svg.chart { display: block; width: 100%; height: auto; font-family: Arial, "Liberation Sans", Helvetica, sans-serif; font-size: 11px; }
svg.chart .bar { fill: #3d3d3d; stroke: #000; stroke-width: 0.6; }
svg.chart .axis { stroke: #000; stroke-width: 1; }
svg.chart text { fill: #000; }
svg.chart .value { font-weight: bold; }
.figure-line { font-size: 12pt; }
.priority { border: 0.8pt solid #555; padding: 3mm 4mm 1mm; margin: 0 0 3mm; }
.priority h3 { margin-top: 0; }
.priority dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.8mm 4mm; margin: 0 0 2mm; font-size: 10pt; }
.priority dt { font-weight: bold; }
.priority dd { margin: 0; }
.messages { border: 2pt solid #111; padding: 3mm 4mm 1mm; font-size: 11.5pt; }
#key-messages, #other-info { break-inside: avoid; }
footer { margin-top: 8mm; padding-top: 2mm; border-top: 0.6pt solid #777; font-size: 8.5pt; color: #333; }
`;
}

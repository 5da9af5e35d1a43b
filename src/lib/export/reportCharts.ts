/**
 * The report's charts: horizontal bars drawn as inline SVG on the server, readable in black and
 * white (one dark fill, every bar labelled directly with its name and its value: nothing is told
 * by colour alone) and whole on a printed page (no script, no font, no external resource).
 */
import { escapeHtml } from './reportHtml';

export interface Bar {
  /** The name written left of the bar (wrapped, shortened past three lines). */
  label: string;
  value: number;
  /** The value as written after the bar ("5 gommettes"). */
  valueText: string;
}

/** Drawing units: the SVG scales to the page's width (about 170 mm), so 11 units ≈ 9 pt. */
const WIDTH = 560;
const LABEL_WIDTH = 210;
const BAR_X = 220;
const VALUE_ROOM = 92;
const BAR_HEIGHT = 14;
const LINE_HEIGHT = 13;
const FONT_SIZE = 11;
/** Characters per label line: a conservative guess for a sans-serif at 11 units in 210. */
const LINE_CHARS = 34;
const MAX_LINES = 3;

/**
 * A label cut into at most `maxLines` lines of about `chars` characters: words kept whole when
 * they fit on a line, a longer one (a URL, a formula) cut where the line ends; past the last
 * line, an ellipsis.
 */
export function wrapLabel(text: string, chars = LINE_CHARS, maxLines = MAX_LINES): string[] {
  const lines: string[] = [];
  let line = '';
  for (const whole of text.replace(/\s+/g, ' ').trim().split(' ')) {
    let word = whole;
    while (word) {
      const room = line ? chars - line.length - 1 : chars;
      if (word.length <= room) {
        line = line ? `${line} ${word}` : word;
        word = '';
      } else if (word.length > chars && room > 0) {
        line = line ? `${line} ${word.slice(0, room)}` : word.slice(0, room);
        word = word.slice(room);
        lines.push(line);
        line = '';
      } else {
        lines.push(line);
        line = '';
      }
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, chars - 1).trimEnd()}…`;
  return kept;
}

/**
 * A horizontal bar chart, one row per bar in the order given. `title` is the SVG's accessible
 * name. Every piece of text is escaped.
 */
export function barChart(title: string, bars: readonly Bar[]): string {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const span = WIDTH - BAR_X - VALUE_ROOM;
  const rows: string[] = [];
  let y = 6;
  for (const bar of bars) {
    const lines = wrapLabel(bar.label);
    const height = Math.max(BAR_HEIGHT + 8, lines.length * LINE_HEIGHT + 8);
    const mid = y + height / 2;
    const firstBaseline = mid - ((lines.length - 1) * LINE_HEIGHT) / 2 + FONT_SIZE * 0.35;
    const tspans = lines
      .map(
        (line, i) =>
          `<tspan x="${LABEL_WIDTH}" y="${round(firstBaseline + i * LINE_HEIGHT)}">${escapeHtml(line)}</tspan>`,
      )
      .join('');
    const width = max > 0 ? (bar.value / max) * span : 0;
    const barY = mid - BAR_HEIGHT / 2;
    rows.push(
      `<g class="row"><text class="label" text-anchor="end">${tspans}</text>` +
        (width > 0
          ? `<rect x="${BAR_X}" y="${round(barY)}" width="${round(width)}" height="${BAR_HEIGHT}" class="bar"/>`
          : '') +
        `<text class="value" x="${round(BAR_X + width + 5)}" y="${round(mid + FONT_SIZE * 0.35)}">${escapeHtml(bar.valueText)}</text></g>`,
    );
    y += height;
  }
  const height = round(y + 6);
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<line x1="${BAR_X}" y1="0" x2="${BAR_X}" y2="${height}" class="axis"/>` +
    rows.join('') +
    `</svg>`
  );
}

const round = (n: number) => Math.round(n * 10) / 10;

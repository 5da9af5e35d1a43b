import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import type { Workshop } from '../src/lib/domain/index';
import {
  defaultSeparator,
  exportFileName,
  notesCsv,
  prioritiesCsv,
  workshopJson,
  workshopMarkdown,
  workshopReport,
  PAPERS,
  type ReportOptions,
} from '../src/lib/export/index';
import { LANGUAGES } from '../src/lib/domain/model';
import type { Ack } from '../src/lib/protocol/ack';
import { PROTOCOL_VERSION } from '../src/lib/protocol/version';
import { refusal, stillValid, type SessionData } from './access/index';
import { randomSecret } from './crypto';
import { log } from './log';
import type { RoomRegistry } from './registry';
import type { WorkshopRoom } from './workshopRoom';
import { researchExport, unnumbered } from '../src/lib/export/research';

/** What a console may download, and how each is made from the workshop's durable state. */
const FORMATS = {
  'priorities.csv': { type: 'text/csv; charset=utf-8', csv: prioritiesCsv },
  'notes.csv': { type: 'text/csv; charset=utf-8', csv: notesCsv },
  'workshop.md': { type: 'text/markdown; charset=utf-8' },
  'workshop.json': { type: 'application/json; charset=utf-8' },
  // De-identified, with the calculation trail (src/lib/export/research.ts).
  'research.json': { type: 'application/json; charset=utf-8' },
  // Opens in a tab, for the browser's print to PDF (see REPORT_HEADERS).
  'report.html': { type: 'text/html; charset=utf-8' },
} as const;

/**
 * The report is HTML made of user text: escaped, and served under a policy that allows nothing
 * but its own inline styles (and data: images), so that even a mistake in escaping runs nothing
 * and loads nothing.
 */
const REPORT_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The report's options, from the link's query: `?language=en&paper=letter` (both optional). */
const reportQuery = v.strictObject({
  language: v.optional(v.picklist(LANGUAGES)),
  paper: v.optional(v.picklist(PAPERS)),
});

export type ExportFormat = keyof typeof FORMATS;
export const EXPORT_FORMATS = Object.keys(FORMATS) as ExportFormat[];

const requestSchema = v.strictObject({
  v: v.literal(PROTOCOL_VERSION),
  format: v.picklist(EXPORT_FORMATS),
  separator: v.optional(v.picklist([';', ','])),
  /** The research export's times to the day only. */
  coarsenTimes: v.optional(v.literal('day')),
});

interface Pending {
  workshopId: string;
  format: ExportFormat;
  separator: ';' | ',' | undefined;
  coarsenTimes: 'day' | undefined;
  expires: number;
}

/** The path downloads are served under; the rest of it is a single-use ticket. */
export const EXPORT_PATH = '/export/';

/** How long a download ticket is good for, and how many may wait at once (all workshops). */
const TICKET_MS = 60_000;
const MAX_PENDING = 1000;

/**
 * Exports, for whoever runs the room only. The console asks over its socket (where it has
 * authenticated; no secret ever goes in a URL) and gets a short-lived, single-use ticket; the
 * browser then downloads `/export/<ticket>` like any file. The file is made from the workshop's
 * durable state at download time, by the pure functions of src/lib/export.
 */
export class ExportService {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  /** A console asks for a download. */
  request(session: SessionData, payload: unknown): Ack<{ path: string; filename: string }> {
    const parsed = v.safeParse(requestSchema, payload);
    if (!parsed.success) {
      return { ok: false, error: refusal('BAD_REQUEST', 'Unknown export format.') };
    }
    const { actor, workshopId } = session;
    if (actor.role !== 'facilitator' && actor.role !== 'cofacilitator') {
      return { ok: false, error: refusal('NOT_ALLOWED') };
    }
    const room = workshopId === null ? undefined : this.rooms.get(workshopId);
    if (!room || !stillValid(session, room.decided)) {
      return { ok: false, error: refusal('NOT_ALLOWED') };
    }
    this.#dropExpired();
    if (this.#pending.size >= MAX_PENDING) {
      return { ok: false, error: refusal('RATE_LIMITED') };
    }
    const ticket = randomSecret(18);
    this.#pending.set(ticket, {
      workshopId: room.durable.id,
      format: parsed.output.format,
      separator: parsed.output.separator,
      coarsenTimes: parsed.output.coarsenTimes,
      expires: this.now() + TICKET_MS,
    });
    const filename = exportFileName(room.durable.title, parsed.output.format);
    return { ok: true, value: { path: `${EXPORT_PATH}${ticket}`, filename } };
  }

  /** Serve `/export/<ticket>`; false when the request is not for an export. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    if (!url.startsWith(EXPORT_PATH)) return false;
    const ticket = url.slice(EXPORT_PATH.length).split('?')[0]!;
    const pending = this.#pending.get(ticket);
    // Single use: a ticket that leaked through a log or a history entry opens nothing.
    this.#pending.delete(ticket);
    const room =
      pending && pending.expires > this.now() ? this.rooms.get(pending.workshopId) : null;
    if (req.method !== 'GET' || !pending || !room) {
      res.writeHead(404, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      // A plain page in both languages (a reloaded report tab lands here): French first.
      res.end(
        'Ce lien de téléchargement a expiré : redemandez l’export depuis la console.\n' +
          'This download link has expired: ask for the export again from the console.\n',
      );
      return true;
    }
    if (pending.format === 'research.json') {
      void this.#serveResearch(room, pending.coarsenTimes, res);
      return true;
    }
    const state = room.durable;
    const filename = exportFileName(state.title, pending.format);
    if (pending.format === 'report.html') {
      const query = v.safeParse(
        reportQuery,
        Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? '')),
      );
      if (!query.success) {
        res.writeHead(400, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
        });
        // French first, then English, as the other plain pages of this path.
        res.end(
          'Option du rapport inconnue : la langue est fr ou en, le papier a4 ou letter.\n' +
            'Unknown report option: language is fr or en, paper is a4 or letter.\n',
        );
        return true;
      }
      res.writeHead(200, {
        'Content-Type': FORMATS[pending.format].type,
        'Content-Disposition': contentDisposition(filename, 'inline'),
        'Cache-Control': 'no-store',
        ...REPORT_HEADERS,
      });
      res.end(workshopReport(state, query.output satisfies ReportOptions));
      return true;
    }
    const body = render(state, pending.format, pending.separator);
    res.writeHead(200, {
      'Content-Type': FORMATS[pending.format].type,
      'Content-Disposition': contentDisposition(filename),
      'Cache-Control': 'no-store',
    });
    res.end(body);
    return true;
  }

  /**
   * The research export orders its pseudonyms by HMAC-SHA256 under the workshop's research salt:
   * a secret drawn at its first research export and recorded like any command (through the room,
   * as nobody in particular) before the file is made, so that every later export, after a
   * restart too, gives everyone the same pseudonym. It never leaves the server.
   */
  async #serveResearch(
    room: WorkshopRoom,
    coarsenTimes: 'day' | undefined,
    res: ServerResponse,
  ): Promise<void> {
    try {
      if (room.durable.researchSalt === undefined) {
        const salt = randomSecret(32);
        const ack = await room.record(
          { role: 'nobody' },
          { type: 'setResearchSalt', salt },
          'server',
        );
        if (!ack.ok) throw new Error(`the research salt was refused: ${ack.error.code}`);
      }
      const salt = room.durable.researchSalt;
      if (salt === undefined) throw new Error('no research salt after recording one');
      const keyedHash = (id: string) => createHmac('sha256', salt).update(id, 'utf8').digest('hex');
      // Whoever has no pseudonym yet takes the next ones, for good (numbers never move).
      // From the latest decided state: numbers an export asked at the same moment is giving.
      const fresh = unnumbered(room.decided, keyedHash);
      if (fresh.length > 0) {
        const ack = await room.record(
          { role: 'nobody' },
          { type: 'assignPseudonyms', participantIds: fresh },
          'server',
        );
        if (!ack.ok) throw new Error(`the pseudonyms were refused: ${ack.error.code}`);
      }
      const state = room.durable;
      const doc = researchExport(state, {
        keyedHash,
        ...(coarsenTimes ? { coarsenTimes } : {}),
      });
      res.writeHead(200, {
        'Content-Type': FORMATS['research.json'].type,
        'Content-Disposition': contentDisposition(exportFileName(state.title, 'research.json')),
        'Cache-Control': 'no-store',
      });
      res.end(`${JSON.stringify(doc, null, 2)}\n`);
    } catch (error) {
      log().error({ err: error }, 'a research export failed');
      if (!res.headersSent) {
        res.writeHead(500, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
        });
      }
      res.end(
        'L’export pour la recherche a échoué : redemandez-le depuis la console.\n' +
          'The research export failed: ask for it again from the console.\n',
      );
    }
  }

  #dropExpired(): void {
    const now = this.now();
    for (const [ticket, pending] of this.#pending) {
      if (pending.expires <= now) this.#pending.delete(ticket);
    }
  }
}

function render(
  state: Workshop,
  format: Exclude<ExportFormat, 'report.html'>,
  separator: ';' | ',' | undefined,
): string {
  switch (format) {
    case 'priorities.csv':
    case 'notes.csv':
      return FORMATS[format].csv(state, {
        separator: separator ?? defaultSeparator(state.language),
      });
    case 'workshop.md':
      return workshopMarkdown(state);
    case 'workshop.json':
      return `${JSON.stringify(workshopJson(state), null, 2)}\n`;
    case 'research.json':
      // served by #serveResearch, which may record the research salt first
      throw new Error('the research export is not rendered here');
  }
}

function contentDisposition(
  filename: string,
  kind: 'attachment' | 'inline' = 'attachment',
): string {
  return `${kind}; filename="${filename}"`;
}

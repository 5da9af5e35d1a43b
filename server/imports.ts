import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { newId } from './crypto';
import { addressTag, log } from './log';
import type { Workshop } from '../src/lib/domain/index';
import { importWorkshop } from '../src/lib/export/index';
import type { Ack } from '../src/lib/protocol/ack';
import { IMPORT_MAX_BYTES } from '../src/lib/protocol/imports';
import { refusal, type Access, type Refusal } from './access/index';
import { addressAsker } from './access/limits';
import type { CommandService } from './commands';
import { requestPath, sendJson } from './transport/http';
import { toBase64 } from './vision';

/** Where a JSON export is posted to become a new workshop. */
export const IMPORT_PATH = '/import';

/** The largest document taken (the home page refuses a larger one before sending it). */
export { IMPORT_MAX_BYTES };

/** How long the whole body may take to arrive: a slow sender does not hold a request open. */
export const IMPORT_BODY_MS = 15_000;

/**
 * Imports read or checked at once (each may hold up to 12 MB): per address, so that slow senders
 * from one place hold up nobody else's, and all addresses together (48 MB of bodies at most).
 */
const IN_FLIGHT_PER_ADDRESS = 2;
const MAX_IN_FLIGHT = 4;

/** The header that carries the creation token, when the server asks for one. */
export const CREATE_TOKEN_HEADER = 'x-create-token';

/**
 * The header that names one import, as an op id names a command: the same file sent again
 * after an answer was lost gets the first answer back, not a second workshop (the creations'
 * memory of answers, by address and op). Without it, every request is an import of its own.
 */
export const IMPORT_OP_HEADER = 'x-import-op';
const IMPORT_OP = /^[A-Za-z0-9_-]{16,64}$/;

export interface ImportOptions {
  access: Access;
  commands: CommandService;
  /** The address a request comes from, as limits count it. */
  addressOf: (req: IncomingMessage) => string;
  maxBytes?: number;
  bodyMs?: number;
  now?: () => number;
}

/**
 * The vision room's history for statements that have text but no history (an import): one
 * update that writes each statement's text into its Y.Text, named by its id, as the vision room
 * lays them out (server/vision.ts), so that the room shows the same text and a restart too.
 */
export function visionHistoryFor(state: Workshop): string[] {
  const statements = Object.values(state.statements ?? {}).filter((s) => s.text !== '');
  if (statements.length === 0) return [];
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const statement of statements) doc.getText(statement.id).insert(0, statement.text);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return [toBase64(update)];
}

type Answer = { status: number; ack: Ack<unknown>; headers?: Record<string, string> };

const refused = (status: number, error: Refusal, headers?: Record<string, string>): Answer => ({
  status,
  ack: { ok: false, error },
  headers,
});

/**
 * `POST /import`: a JSON export (src/lib/export/json.ts) becomes a new workshop, made by the
 * same path as a created one (CommandService.createFor: the creation token, the address's budget
 * of creations, a new facilitator key and a fresh join code, one record), and the answer is the
 * createWorkshop command's. Over HTTP because a document is larger than a socket message may be.
 *
 * Refused whole, with a code and the reason, for anything wrong: another method, another content
 * type, another site's page (Origin), a body over the cap (413, read piece by piece and cut
 * there) or slower than the time allowed (408), a document that is not JSON, not an export, or
 * not a sound workshop (importWorkshop's first problem). Nothing is made then.
 */
export class ImportService {
  readonly #access: Access;
  readonly #commands: CommandService;
  readonly #addressOf: (req: IncomingMessage) => string;
  readonly #maxBytes: number;
  readonly #bodyMs: number;
  readonly #now: () => number;
  #inFlight = 0;
  readonly #inFlightBy = new Map<string, number>();

  constructor(options: ImportOptions) {
    this.#access = options.access;
    this.#commands = options.commands;
    this.#addressOf = options.addressOf;
    this.#maxBytes = options.maxBytes ?? IMPORT_MAX_BYTES;
    this.#bodyMs = options.bodyMs ?? IMPORT_BODY_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Serve `/import`; false when the request is not for it. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (requestPath(req) !== IMPORT_PATH) return false;
    const address = this.#addressOf(req);
    const early = this.#before(req, address);
    if (early) {
      // Whatever body was sent is not read: the connection closes after the answer.
      answer(req, res, early, true);
      return true;
    }
    this.#hold(address, 1);
    const started = performance.now();
    void this.#handle(req, address)
      .catch((error: unknown): Answer => {
        log().error({ err: error }, 'an import failed');
        return refused(500, refusal('INTERNAL'));
      })
      .then((result) => {
        this.#hold(address, -1);
        logImport(result, address, performance.now() - started);
        answer(req, res, result, result.status !== 200);
      });
    return true;
  }

  #hold(address: string, delta: 1 | -1): void {
    this.#inFlight += delta;
    const held = (this.#inFlightBy.get(address) ?? 0) + delta;
    if (held > 0) this.#inFlightBy.set(address, held);
    else this.#inFlightBy.delete(address);
  }

  /** What is refused before a byte of the body is read. */
  #before(req: IncomingMessage, address: string): Answer | null {
    if (req.method !== 'POST') {
      return refused(405, refusal('BAD_REQUEST', 'Send the export with POST.'), {
        Allow: 'POST',
      });
    }
    if (!this.#sameSite(req)) {
      return refused(403, refusal('NOT_ALLOWED', 'Imports are taken from this site’s pages only.'));
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return refused(
        415,
        refusal('BAD_REQUEST', 'Send the export as JSON (Content-Type: application/json).'),
      );
    }
    const op = req.headers[IMPORT_OP_HEADER];
    if (op !== undefined && (typeof op !== 'string' || !IMPORT_OP.test(op))) {
      return refused(
        400,
        refusal('BAD_REQUEST', 'X-Import-Op is 16 to 64 letters, digits, - or _.'),
      );
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.#maxBytes) return tooLarge(this.#maxBytes);
    // Reading and checking a document costs the home page's budget of commands, and a place.
    const busy =
      this.#inFlight >= MAX_IN_FLIGHT ||
      (this.#inFlightBy.get(address) ?? 0) >= IN_FLIGHT_PER_ADDRESS;
    if (busy || !this.#access.limits.commands.take(addressAsker(address, null))) {
      return refused(429, refusal('RATE_LIMITED'), { 'Retry-After': '5' });
    }
    return null;
  }

  /**
   * Same site: a browser names the page's origin on every POST; it must be this server's (its
   * ORIGIN when set, else the host the request is addressed to). A request without Origin is
   * not a browser's cross-site one (curl, a script): the content type and the token still hold.
   */
  #sameSite(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.#access.origin !== null) return this.#access.originAllowed(origin);
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  async #handle(req: IncomingMessage, address: string): Promise<Answer> {
    const body = await readBody(req, this.#maxBytes, this.#bodyMs);
    if (body === 'tooLarge') return tooLarge(this.#maxBytes);
    if (body === 'timeout') {
      return refused(408, refusal('BAD_REQUEST', 'The document took too long to arrive.'));
    }
    if (body === 'aborted') {
      return refused(400, refusal('BAD_REQUEST', 'The document did not arrive whole.'));
    }
    let doc: unknown;
    try {
      doc = JSON.parse(body) as unknown;
    } catch {
      return refused(400, refusal('BAD_REQUEST', 'This file is not JSON.'));
    }
    // Checked before anything is spent: a document with a mistake costs no creation.
    const imported = importWorkshop(doc, { now: this.#now(), newId });
    if (!imported.ok) return refused(400, imported.error);
    const { state } = imported.value;
    const raw = req.headers[CREATE_TOKEN_HEADER];
    const token = typeof raw === 'string' ? raw : undefined;
    const named = req.headers[IMPORT_OP_HEADER];
    const op = typeof named === 'string' ? `import-${named}` : newId();
    const ack = await this.#commands.createFor(address, token, op, (secrets) => {
      const workshop: Workshop = { ...state, ...secrets, visionHistory: visionHistoryFor(state) };
      if (workshop.visionHistory!.length === 0) delete workshop.visionHistory;
      return {
        ok: true,
        value: { state: workshop, events: [{ type: 'workshopCreated', workshop }] },
      };
    });
    if (ack.ok) return { status: 200, ack };
    return { status: CREATION_STATUS[ack.error.code] ?? 400, ack };
  }
}

/** The HTTP status of a refused creation, by its code (anything else: 400). */
const CREATION_STATUS: Partial<Record<string, number>> = {
  CREATE_TOKEN_REQUIRED: 403,
  RATE_LIMITED: 429,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
};

function tooLarge(maxBytes: number): Answer {
  const mb = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
  return refused(413, refusal('BAD_REQUEST', `The document is larger than ${mb} MB.`));
}

/** The body as text, read piece by piece: cut past `maxBytes`, or when it takes over `ms`. */
function readBody(
  req: IncomingMessage,
  maxBytes: number,
  ms: number,
): Promise<string | 'tooLarge' | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: string | 'tooLarge' | 'timeout' | 'aborted') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      // Whatever else comes is dropped unread, not kept; the connection closes after the answer.
      if (result === 'tooLarge' || result === 'timeout') req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish('tooLarge');
      chunks.push(chunk);
    };
    const onEnd = () => {
      // Invalid UTF-8 becomes U+FFFD, which JSON.parse or the schema then refuses.
      finish(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = () => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), ms);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

/** One line per import read to its end, as for a command: outcome, workshop made, time. */
function logImport({ status, ack }: Answer, address: string, ms: number): void {
  const outcome = ack.ok ? 'ok' : ack.error.code;
  const made = ack.ok ? (ack.value as { workshopId?: unknown }).workshopId : undefined;
  log().info(
    {
      type: 'import',
      workshopId: typeof made === 'string' ? made : undefined,
      outcome,
      status,
      ms: Math.round(ms * 10) / 10,
      from: addressTag(address),
    },
    `import: ${outcome}`,
  );
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  { status, ack, headers }: Answer,
  close: boolean,
): void {
  sendJson(req, res, status, ack, { ...(close ? { Connection: 'close' } : {}), ...headers });
}

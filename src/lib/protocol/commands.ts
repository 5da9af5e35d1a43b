import * as v from 'valibot';
import type { Command } from '../domain/commands/types';
import { LANGUAGES, LIMITS, STAGES } from '../domain/model';
import { PROTOCOL_VERSION } from './version';

/*
 * The wire format of commands. Everything that arrives is parsed from `unknown` here: unknown
 * keys, wrong types and oversize strings are refused before the domain sees anything. The limits
 * below are generous transport caps; the domain applies the precise ones (after trimming).
 */

/** Personal rejoin codes: 8 characters of the join-code alphabet (no look-alikes). */
export const REJOIN_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY3467';
export const REJOIN_CODE = /^[ACDEFGHJKMNPQRTUVWXY3467]{8}$/;

/** What a person typed, as a rejoin code: upper case, no spaces or dashes. */
export function normaliseRejoinCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max * 4 + 64));
const stage = v.picklist(STAGES);

const wire = {
  createWorkshop: v.strictObject({
    type: v.literal('createWorkshop'),
    title: text(LIMITS.titleLength),
    question: text(LIMITS.questionLength),
    language: v.picklist(LANGUAGES),
    sectors: v.pipe(
      v.array(text(LIMITS.sectorLabelLength)),
      v.maxLength(LIMITS.sectorsPerWorkshop * 2),
    ),
  }),
  joinWorkshop: v.strictObject({
    type: v.literal('joinWorkshop'),
    name: text(LIMITS.nameLength),
    sector: v.nullable(id),
    /** Chosen at random by the device, which keeps it; the server stores only its hash. */
    rejoinCode: v.pipe(v.string(), v.regex(REJOIN_CODE)),
  }),
  rejoinWorkshop: v.strictObject({
    type: v.literal('rejoinWorkshop'),
    /** As typed by a person: spaces, dashes and lower case are forgiven. */
    rejoinCode: v.pipe(v.string(), v.maxLength(32)),
  }),
  setStage: v.strictObject({ type: v.literal('setStage'), stage }),
  setQuestion: v.strictObject({
    type: v.literal('setQuestion'),
    question: text(LIMITS.questionLength),
  }),
  setStagePrompt: v.strictObject({
    type: v.literal('setStagePrompt'),
    stage,
    prompt: text(LIMITS.promptLength),
  }),
  addColumn: v.strictObject({
    type: v.literal('addColumn'),
    boardId: id,
    title: text(LIMITS.columnTitleLength),
  }),
  renameColumn: v.strictObject({
    type: v.literal('renameColumn'),
    boardId: id,
    columnId: id,
    title: text(LIMITS.columnTitleLength),
  }),
  removeColumn: v.strictObject({ type: v.literal('removeColumn'), boardId: id, columnId: id }),
  addNote: v.strictObject({
    type: v.literal('addNote'),
    boardId: id,
    columnId: id,
    text: text(LIMITS.noteLength),
  }),
  editNote: v.strictObject({
    type: v.literal('editNote'),
    noteId: id,
    text: text(LIMITS.noteLength),
  }),
  deleteNote: v.strictObject({ type: v.literal('deleteNote'), noteId: id }),
};

/** Any command a client may send. */
export const wireCommandSchema = v.variant(
  'type',
  Object.values(wire) as [(typeof wire)[keyof typeof wire], ...(typeof wire)[keyof typeof wire][]],
);
export type WireCommand = v.InferOutput<typeof wireCommandSchema>;

/** Fields the server adds before the domain sees a command (never taken from a client). */
type ServerFields = 'joinCode' | 'facilitatorKeyHash' | 'tokenHash' | 'rejoinCodeHash';
type Unbrand<F> = F extends { readonly __brand: string } ? string : F;
/** What the client sends in place of a hashed server field. */
type ClientSecrets<C> = C extends { type: 'rejoinWorkshop' | 'joinWorkshop' }
  ? { rejoinCode: string }
  : unknown;
type ClientForm<C> = C extends unknown
  ? { [K in Exclude<keyof C, ServerFields>]: Unbrand<C[K]> } & ClientSecrets<C>
  : never;

/** A command as a client sends it: the domain command less the server's fields, ids as strings. */
export type ClientCommand = WireCommand;

// Compile-time proof that the wire schemas and the domain commands describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const wireMatchesDomain: Same<ClientForm<Command>, WireCommand> = true;
void wireMatchesDomain;

/** The envelope of every command: protocol version, a client-chosen op id, the command. */
export const envelopeSchema = v.strictObject({
  v: v.literal(PROTOCOL_VERSION),
  op: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  cmd: v.unknown(),
});
export type Envelope = { v: typeof PROTOCOL_VERSION; op: string; cmd: ClientCommand };

/** The handshake a socket presents. Secrets travel here, never in a URL. */
export const handshakeSchema = v.union([
  v.strictObject({ v: v.literal(PROTOCOL_VERSION) }),
  v.strictObject({
    v: v.literal(PROTOCOL_VERSION),
    workshopId: id,
    key: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  }),
  v.strictObject({
    v: v.literal(PROTOCOL_VERSION),
    code: v.pipe(v.string(), v.maxLength(16)),
    as: v.picklist(['participant', 'projector']),
    token: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/))),
  }),
]);
export type Handshake = v.InferOutput<typeof handshakeSchema>;

/** Parse a command from anything a client sent. */
export function parseCommand(input: unknown): v.SafeParseResult<typeof wireCommandSchema> {
  return v.safeParse(wireCommandSchema, input);
}

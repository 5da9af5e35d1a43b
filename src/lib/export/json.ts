/**
 * The JSON export (format 'cocrea-workshop', version 1, described by
 * schemas/workshop-export.v1.json) and its import as a new workshop.
 */
import schemaFile from '../../../schemas/workshop-export.v1.json';
import { fail, ok, type Result } from '../domain/errors';
import type { WorkshopEvent } from '../domain/events';
import { checkInvariants } from '../domain/invariants';
import {
  STAGES,
  type Context,
  type Participant,
  type Workshop,
  type WorkshopId,
} from '../domain/model';
import { pickBySchema, schemaProblem, type JsonSchema } from './jsonSchema';

export const EXPORT_FORMAT = 'cocrea-workshop';
export const EXPORT_VERSION = 1;
export const EXPORT_SCHEMA = schemaFile as JsonSchema;

/** The workshop as exported: the model without its id and secrets (see the schema). */
export type ExportedWorkshop = Omit<
  Workshop,
  | 'id'
  | 'joinCode'
  | 'formerJoinCodes'
  | 'facilitatorKeyHash'
  | 'coFacilitators'
  | 'visionHistory'
  | 'researchSalt'
  | 'researchPseudonyms'
  | 'deletedAt'
  | 'participants'
> & { participants: Record<string, Omit<Participant, 'tokenHash' | 'rejoinCodeHash'>> };

export interface WorkshopExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  workshop: ExportedWorkshop;
}

/**
 * The workshop as a JSON document. What leaves is exactly what the schema names: the id, the
 * facilitator key hash, co-facilitator links (their key hashes), join codes, device token and
 * rejoin code hashes, and the vision room's Yjs history (it may still hold text cleared by
 * moderation) stay behind, and so does any field the model gains before the schema names it.
 */
export function workshopJson(state: Workshop): WorkshopExport {
  return pickBySchema(EXPORT_SCHEMA, {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    workshop: state,
  }) as WorkshopExport;
}

/** What an import gives: the new workshop's state and the one event that creates it. */
export interface ImportedWorkshop {
  state: Workshop;
  events: WorkshopEvent[];
}

/**
 * A new workshop with the content of an export, or the reason it is refused (BAD_REQUEST, the
 * first problem found; nothing is made). Checked whole: against the schema, then every record
 * keyed by its own id, then every invariant a workshop keeps after any command.
 *
 * The workshop gets a new id. Its secrets are the server's to make: the facilitator key hash
 * and join code come back empty, and so do every participant's device token and rejoin code
 * hashes (nobody can come back as an imported participant until the server gives them some).
 */
export function importWorkshop(doc: unknown, ctx: Context): Result<ImportedWorkshop> {
  let problem: string | null;
  try {
    problem = schemaProblem(EXPORT_SCHEMA, doc);
  } catch {
    problem = 'the document cannot be read';
  }
  if (problem) return fail('BAD_REQUEST', `Not a cocrea workshop export: ${problem}`);
  const workshop = (doc as WorkshopExport).workshop;

  const keyed: [string, Record<string, { id: string }> | undefined][] = [
    ['boards', workshop.boards],
    ['participants', workshop.participants],
    ['notes', workshop.notes],
    ['themes', workshop.themes],
    ['statements', workshop.statements],
    ['candidates', workshop.candidates],
    ['priorities', workshop.priorities],
    ['sessions', (workshop as { sessions?: Record<string, { id: string }> }).sessions],
  ];
  for (const [what, records] of keyed) {
    for (const [key, record] of Object.entries(records ?? {})) {
      if (record.id !== key)
        return fail('BAD_REQUEST', `${what}.${key} holds the id ${record.id}.`);
    }
  }
  for (const stage of STAGES) {
    if (workshop.stages[stage].id !== stage) {
      return fail('BAD_REQUEST', `stages.${stage} holds the stage ${workshop.stages[stage].id}.`);
    }
  }

  const copy = structuredClone(workshop);
  const participants: Record<string, Participant> = {};
  for (const [id, p] of Object.entries(copy.participants)) {
    participants[id] = { ...p, tokenHash: '', rejoinCodeHash: '' };
  }
  const state: Workshop = {
    ...copy,
    id: ctx.newId() as WorkshopId,
    joinCode: '',
    facilitatorKeyHash: '',
    coFacilitators: {},
    participants,
  };
  const broken = checkInvariants(state);
  if (broken.length > 0) return fail('BAD_REQUEST', `This workshop is not sound: ${broken[0]}.`);
  return ok({ state, events: [{ type: 'workshopCreated', workshop: state }] });
}

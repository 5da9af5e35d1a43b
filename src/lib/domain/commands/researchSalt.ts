import { fail, ok } from '../errors';
import type { Handler } from './decision';
import { existing } from './guards';

/** What a research salt looks like: the server's random secret, base64url, 16 to 128 characters. */
const SALT = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Server-only: the secret key the research export orders its pseudonyms by (HMAC-SHA256 of each
 * participant id), drawn by the server at the first research export. Set once: a second one
 * changes nothing (a new key would give everyone another pseudonym). No screen, replica or other
 * export ever shows it; the server records it as nobody in particular, no person's role may.
 */
export const setResearchSalt: Handler<'setResearchSalt'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  if (actor.role !== 'nobody') return fail('NOT_ALLOWED');
  if (typeof command.salt !== 'string' || !SALT.test(command.salt)) return fail('BAD_REQUEST');
  if (ws.value.researchSalt !== undefined) return ok({ events: [] });
  return ok({ events: [{ type: 'researchSaltSet', salt: command.salt }] });
};

/**
 * Server-only: participants not numbered yet take the next research pseudonyms, in the order
 * given (the server's: by the keyed hash, so the order says nothing of who joined when). A
 * number, once given, is kept for good, whoever joins or leaves later: exports taken months apart
 * name everyone alike. Each id must be a participant's (removed ones included), named once in the
 * list; someone numbered already is passed over (two exports asked at once both number the same
 * newcomers: the second changes nothing).
 */
export const assignPseudonyms: Handler<'assignPseudonyms'> = (state, actor, command) => {
  const ws = existing(state);
  if (!ws.ok) return ws;
  if (actor.role !== 'nobody') return fail('NOT_ALLOWED');
  const given = new Set(ws.value.researchPseudonyms ?? []);
  const ids = command.participantIds;
  if (!Array.isArray(ids)) return fail('BAD_REQUEST');
  const listed = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || !Object.hasOwn(ws.value.participants, id) || listed.has(id)) {
      return fail('BAD_REQUEST', 'Each participant takes one pseudonym, once.');
    }
    listed.add(id);
  }
  const fresh = ids.filter((id) => !given.has(id));
  if (fresh.length === 0) return ok({ events: [] });
  return ok({ events: [{ type: 'pseudonymsAssigned', participantIds: fresh }] });
};

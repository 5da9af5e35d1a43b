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

/*
 * Codes people read and type: join codes and personal rejoin codes share one alphabet without
 * look-alike characters (0/O, 1/I/L, 2/Z, 5/S, 8/B). Kept apart from the schemas so that the
 * phone's bundle does not carry the validation library.
 */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY3467';

/** Personal rejoin codes: 8 characters of the alphabet. */
export const REJOIN_CODE = /^[ACDEFGHJKMNPQRTUVWXY3467]{8}$/;

/** What a person typed, as a code: upper case, no spaces or dashes. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CODE_ALPHABET, normaliseCode } from '../src/lib/protocol/codes';

/** A random secret of `bytes` bytes, URL-safe. 16 bytes = 128 bits. */
export function randomSecret(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** Hash of a secret for storage; only the hash is kept, never the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compare a secret with a stored hash in constant time. */
export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Join codes use the alphabet without look-alikes shared with rejoin codes. */
export const JOIN_CODE_ALPHABET = CODE_ALPHABET;
export const JOIN_CODE_LENGTH = 6;

export function randomJoinCode(): string {
  const bytes = randomBytes(JOIN_CODE_LENGTH * 2);
  let code = '';
  for (let i = 0; code.length < JOIN_CODE_LENGTH && i < bytes.length; i++) {
    const byte = bytes[i]!;
    // reject the top of the range so every character is equally likely
    if (byte < 256 - (256 % JOIN_CODE_ALPHABET.length))
      code += JOIN_CODE_ALPHABET[byte % JOIN_CODE_ALPHABET.length];
  }
  return code.length === JOIN_CODE_LENGTH ? code : randomJoinCode();
}

/** What people type: upper-cased, spaces and dashes removed. */
export const normaliseJoinCode = normaliseCode;

/** Short random ids for workshops, boards, notes. */
export function newId(): string {
  return randomBytes(9).toString('base64url');
}

import { CODE_ALPHABET } from '../protocol/codes';

/** A random id for one command, so a retry is recognised and applied once. */
export function newOpId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A random stream id (64 bits, 16 hex characters) for the sequenced op ids of one outbox. */
export function newStreamId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A random device token (128 bits), base64url. */
export function newDeviceToken(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A personal rejoin code: 8 characters without look-alikes, kept on the device and shown. */
export function newRejoinCode(): string {
  const alphabet = CODE_ALPHABET;
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let code = '';
  // 240 = 10 × 24: rejecting bytes above keeps every character equally likely
  for (const b of bytes) if (b < 240 && code.length < 8) code += alphabet[b % alphabet.length];
  return code.length === 8 ? code : newRejoinCode();
}

import { newDeviceToken } from './opId';

/** This device's token for a workshop: created once, kept in localStorage, sent only in handshakes. */
export function deviceToken(code: string): string {
  const key = `cocrea:token:${code}`;
  let token = localStorage.getItem(key);
  if (!token) {
    token = newDeviceToken();
    localStorage.setItem(key, token);
  }
  return token;
}

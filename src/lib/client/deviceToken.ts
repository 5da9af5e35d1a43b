import { newDeviceToken, newRejoinCode } from './opId';

/** What this device keeps for a workshop: its secret token and the person's rejoin code. */
export interface DeviceIdentity {
  token: string;
  rejoinCode: string;
}

const keyOf = (code: string) => `cocrea:device:${code}`;

/** True when this device already holds an identity for this code (it came here before). */
export function hasDeviceIdentity(code: string): boolean {
  try {
    return localStorage.getItem(keyOf(code)) !== null;
  } catch {
    return false;
  }
}

/** This device's identity for a workshop: created once, kept in localStorage. */
export function deviceIdentity(code: string): DeviceIdentity {
  try {
    const stored = JSON.parse(localStorage.getItem(keyOf(code)) ?? 'null') as DeviceIdentity | null;
    if (stored?.token && stored.rejoinCode) return stored;
  } catch {
    // unreadable: start afresh
  }
  const identity = { token: newDeviceToken(), rejoinCode: newRejoinCode() };
  localStorage.setItem(keyOf(code), JSON.stringify(identity));
  return identity;
}

/** The workshop was deleted: this device keeps nothing of it. */
export function forgetDevice(code: string): void {
  localStorage.removeItem(keyOf(code));
}

/**
 * The workshop got a new join code: this device is known under it too, so the new QR code or
 * link brings the same person back (the old code keeps working for them as well).
 */
export function carryIdentity(from: string, to: string): void {
  const stored = localStorage.getItem(keyOf(from));
  if (stored !== null && localStorage.getItem(keyOf(to)) === null) {
    localStorage.setItem(keyOf(to), stored);
  }
}

/** After a rejoin, this device carries the person's existing code. */
export function adoptRejoinCode(code: string, rejoinCode: string): void {
  const identity = deviceIdentity(code);
  localStorage.setItem(keyOf(code), JSON.stringify({ ...identity, rejoinCode }));
}

/** Shown as XXXX-XXXX, easier to copy down. */
export function formatRejoinCode(rejoinCode: string): string {
  return `${rejoinCode.slice(0, 4)}-${rejoinCode.slice(4)}`;
}

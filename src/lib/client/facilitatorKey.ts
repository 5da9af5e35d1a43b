import { replaceState } from '$app/navigation';

/*
 * The facilitator secret lives in the tab's sessionStorage, not in the address bar: the console
 * reads it from the link's fragment (never sent to a server), stores it and removes it from view.
 */
const keyOf = (workshopId: string) => `cocrea:key:${workshopId}`;
const freshOf = (workshopId: string) => `cocrea:fresh:${workshopId}`;

export function rememberFacilitatorKey(workshopId: string, key: string, fresh = false): void {
  sessionStorage.setItem(keyOf(workshopId), key);
  if (fresh) sessionStorage.setItem(freshOf(workshopId), '1');
}

/** The key from the link's fragment (#k=…), else from this tab's storage. */
export function takeFacilitatorKey(workshopId: string): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('k');
  if (fromHash) {
    rememberFacilitatorKey(workshopId, fromHash);
    return fromHash;
  }
  return sessionStorage.getItem(keyOf(workshopId));
}

/** Take the secret out of the address bar (call once the page is mounted: the router is ready). */
export function hideKeyFromAddressBar(): void {
  if (location.hash.includes('k=')) replaceState(location.pathname + location.search, {});
}

/** True once, right after creation: the console then shows the link with its warning. */
export function isFresh(workshopId: string): boolean {
  return sessionStorage.getItem(freshOf(workshopId)) === '1';
}

/** The workshop was deleted: the tab keeps nothing of it. */
export function forgetFacilitatorKey(workshopId: string): void {
  sessionStorage.removeItem(keyOf(workshopId));
  sessionStorage.removeItem(freshOf(workshopId));
}

export function markSeen(workshopId: string): void {
  sessionStorage.removeItem(freshOf(workshopId));
}

export function facilitatorLink(workshopId: string, key: string): string {
  return `${location.origin}/console/${workshopId}#k=${key}`;
}

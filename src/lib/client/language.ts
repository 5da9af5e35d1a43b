import { LANGUAGES, type Language } from '../domain/model';

const KEY = 'cocrea:lang';

/** The language this device chose, if it chose one (phones can differ from the workshop's). */
export function deviceLanguage(): Language | null {
  try {
    const stored = localStorage.getItem(KEY);
    return (LANGUAGES as readonly string[]).includes(stored ?? '') ? (stored as Language) : null;
  } catch {
    return null;
  }
}

export function setDeviceLanguage(language: Language): void {
  try {
    localStorage.setItem(KEY, language);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** Keep <html lang> right for screen readers and hyphenation. */
export function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = language === 'fr' ? 'fr-CA' : 'en-CA';
}

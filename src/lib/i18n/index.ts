import type { DomainError } from '../domain/errors';
import type { Language } from '../domain/model';
import { en } from './en';
import { fr, type MessageKey } from './fr';

export type { MessageKey };
export const catalogs: Record<Language, Record<MessageKey, string>> = { fr, en };

/** Translate a key, filling `{name}` placeholders. */
export function translate(
  language: Language,
  key: MessageKey,
  vars: Record<string, string | number> = {},
): string {
  const template = catalogs[language][key] ?? fr[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in vars ? String(vars[name]) : `{${name}}`,
  );
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  return (key, vars) => translate(language, key, vars);
}

/** The message for an error code in the reader's language, falling back to the server's. */
export function errorMessage(language: Language, error: DomainError): string {
  const key = `error.${error.code}` as MessageKey;
  return key in fr ? translate(language, key) : error.message;
}

/** The browser's preferred language among ours (French unless English is preferred). */
export function browserLanguage(): Language {
  if (typeof navigator === 'undefined') return 'fr';
  return navigator.language?.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

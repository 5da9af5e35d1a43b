import type { DomainError } from '../domain/errors';
import type { Language } from '../domain/model';
import { en } from './en';
import { fr, type Catalog, type Message, type MessageKey } from './fr';

export type { Message, MessageKey };
export const catalogs: Record<Language, Catalog> = { fr, en };

const LOCALES: Record<Language, string> = { fr: 'fr-CA', en: 'en-CA' };

type Messages = Partial<Record<MessageKey, Message>>;

/** Messages of screens loaded on demand (Décision's), added when their module loads. */
const onDemand: Record<Language, Messages> = { fr: {}, en: {} };

/** Adds a screen's messages (see i18n/decision.ts); until then their keys show as they are. */
export function addMessages(language: Language, messages: Messages): void {
  Object.assign(onDemand[language], messages);
}

function lookup(language: Language, key: MessageKey): Message {
  const main = (language: Language): Messages => catalogs[language];
  return (
    main(language)[key] ?? onDemand[language][key] ?? main('fr')[key] ?? onDemand.fr[key] ?? key
  );
}

/** Pick the text of a message: plural forms follow `count`, by the language's own rules. */
function pick(language: Language, message: Message, vars: Record<string, string | number>): string {
  if (typeof message === 'string') return message;
  const count = Number(vars.count ?? 0);
  const category = new Intl.PluralRules(LOCALES[language]).select(count);
  return message[category] ?? message.other;
}

/** Translate a key, filling `{name}` placeholders; numbers are formatted for the language. */
export function translate(
  language: Language,
  key: MessageKey,
  vars: Record<string, string | number> = {},
): string {
  const template = pick(language, lookup(language, key), vars);
  const numbers = new Intl.NumberFormat(LOCALES[language]);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in vars)) return `{${name}}`;
    const value = vars[name]!;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}

/** A date and time, written the way the language writes it. */
export function formatDateTime(language: Language, at: number): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(at);
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

import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../src/lib/domain/errors';
import { catalogs, errorMessage, translate } from '../../../src/lib/i18n';

import type { Message } from '../../../src/lib/i18n';

/** Every placeholder of a message, all plural forms together. */
const placeholders = (message: Message) => {
  const texts = typeof message === 'string' ? [message] : Object.values(message);
  const names = new Set(texts.flatMap((t) => [...t!.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)));
  return [...names].sort();
};

describe('message catalogs', () => {
  it('[I18N1] French and English have exactly the same keys, none empty', () => {
    const fr = Object.keys(catalogs.fr).sort();
    const en = Object.keys(catalogs.en).sort();
    expect(en).toEqual(fr);
    for (const lang of ['fr', 'en'] as const) {
      for (const [key, message] of Object.entries(catalogs[lang])) {
        const texts = typeof message === 'string' ? [message] : Object.values(message);
        for (const text of texts) expect(text!.trim(), `${lang} ${key}`).not.toBe('');
      }
    }
  });

  it('[I18N2] a message has the same placeholders in both languages', () => {
    for (const key of Object.keys(catalogs.fr) as (keyof typeof catalogs.fr)[]) {
      expect(placeholders(catalogs.en[key]), key).toEqual(placeholders(catalogs.fr[key]));
    }
  });

  it('[I18N3] every error code the server can send has a message in both languages', () => {
    for (const code of Object.keys(ERRORS) as (keyof typeof ERRORS)[]) {
      for (const lang of ['fr', 'en'] as const) {
        const text = errorMessage(lang, { code, message: 'server words' });
        expect(text, `${lang} ${code}`).not.toBe('server words');
      }
    }
  });

  it('[I18N4] placeholders are filled, and a missing value stays visible rather than blank', () => {
    expect(translate('fr', 'join.welcome', { name: 'Zoé' })).toBe('Bienvenue, Zoé');
    expect(translate('en', 'join.welcome')).toBe('Welcome, {name}');
  });

  it('[I18N5] plural forms follow each language’s rules, numbers are written the local way', () => {
    expect(translate('fr', 'status.connected', { count: 0 })).toBe('0 personne connectée');
    expect(translate('fr', 'status.connected', { count: 1 })).toBe('1 personne connectée');
    expect(translate('fr', 'status.connected', { count: 2 })).toBe('2 personnes connectées');
    expect(translate('en', 'status.connected', { count: 0 })).toBe('0 people connected');
    expect(translate('en', 'status.connected', { count: 1 })).toBe('1 person connected');
    expect(translate('fr', 'note.count', { count: 1200 })).toBe('1\u00a0200 notes');
    expect(translate('en', 'note.count', { count: 1200 })).toBe('1,200 notes');
  });
});

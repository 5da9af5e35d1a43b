import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../src/lib/domain/errors';
import { catalogs, errorMessage, translate } from '../../../src/lib/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('[I18N1] French and English have exactly the same keys, none empty', () => {
    const fr = Object.keys(catalogs.fr).sort();
    const en = Object.keys(catalogs.en).sort();
    expect(en).toEqual(fr);
    for (const lang of ['fr', 'en'] as const) {
      for (const [key, text] of Object.entries(catalogs[lang])) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
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
});

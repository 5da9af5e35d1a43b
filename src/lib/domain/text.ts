import { fail, ok, type Result } from './errors';

/**
 * Length in code points, after NFC normalisation: an accented letter counts once whether it was
 * typed composed or not; an emoji made of several code points (skin tone, flags) counts more.
 */
export function textLength(text: string): number {
  return [...text].length;
}

/** Trim the text and check it is neither empty (when required) nor over the limit. */
export function cleanText(text: string, max: number, allowEmpty = false): Result<string> {
  const cleaned = text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (!allowEmpty && cleaned.length === 0) return fail('EMPTY_TEXT');
  if (textLength(cleaned) > max)
    return fail('TEXT_TOO_LONG', `The text is longer than ${max} characters.`);
  return ok(cleaned);
}

/** A single line: inner runs of white space (newlines included) become one space. */
export function cleanLine(text: string, max: number, allowEmpty = false): Result<string> {
  return cleanText(text.replace(/\s+/g, ' '), max, allowEmpty);
}

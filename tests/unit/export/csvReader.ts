import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

const BOM = '\uFEFF';

/**
 * Reads CSV text back with a well-kept CSV parser (csv-parse, strict RFC 4180 quoting), after
 * checking the BOM and CRLF line ends Excel needs: what a spreadsheet would read.
 */
export function readCsv(text: string, separator: string): string[][] {
  expect(text.startsWith(BOM)).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  return parse(text, {
    bom: true,
    delimiter: separator,
    record_delimiter: '\r\n',
    relax_quotes: false,
    relax_column_count: false,
  }) as string[][];
}

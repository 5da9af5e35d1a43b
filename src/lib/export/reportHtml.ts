/** HTML for the printed report: user text only ever goes in as escaped text. */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text as HTML text, in an element or an attribute value (quoted), inline SVG included: & < > " '
 * become entities, so no tag, attribute, entity or end of a `<style>` or `<title>` comes from it.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

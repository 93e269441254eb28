/**
 * Escaping for text placed in HTML and inline SVG. Every string that reaches the page goes through
 * `esc` (video titles and descriptions are user content): the five markup characters become
 * entities, control characters that XML forbids are dropped so the SVG stays well-formed, and
 * bidirectional controls become visible `[U+202E]` text.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Bidirectional controls (LRM, RLM, embeddings, overrides, isolates) could reorder what the page shows (Trojan Source). */
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const bidiEscape = (c: string) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`;

/** The service's one HTML escaper (report pages, connect pages). */
export function esc(value: unknown): string {
  return String(value ?? '').replace(FORBIDDEN, '').replace(BIDI, bidiEscape).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Shortens to `max` characters (by code point), with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

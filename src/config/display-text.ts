/**
 * Text people read (camera and identity names, metadata keys) must say what it shows. Control
 * characters (C0, DEL, C1: NUL, escape sequences, line breaks) and the characters that reorder
 * text (bidirectional embeddings, overrides and isolates, the implicit marks, line and paragraph
 * separators) let a name spoof what a dashboard or a log line shows: "Caméra \u202e RTL" prints
 * reversed, a newline forges a log line. Letters of every script, accents and emoji stay allowed.
 */
const UNSAFE_CLASS = '\\p{Cc}\\u061C\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069';

/** The JSON Schema `pattern` of a safe display text (the API validates with it; `u` flag). */
export const DISPLAY_TEXT_PATTERN = `^[^${UNSAFE_CLASS}]*$`;

const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'u');
const UNSAFE_ALL = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');

export const DISPLAY_TEXT_RULE = 'must not contain control or bidirectional-override characters';

/** The first unsafe character of `text` as `U+XXXX`, or null when the text is safe to show. Pure. */
export function unsafeCharacter(text: string): string | null {
  const match = UNSAFE.exec(text);
  if (!match) return null;
  return `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `text` with every unsafe character written as `\uXXXX`, so an error message can quote it harmlessly. Pure. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE_ALL, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/**
 * Where in a metadata object a key is unsafe to show (`team.na\u202eme` -> "team.<key>"), or null.
 * Keys at every depth are checked; values are data, not labels, and are left alone. Pure.
 */
export function unsafeMetadataKey(value: unknown, path = ''): { path: string; character: string } | null {
  if (!value || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unsafeMetadataKey(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const character = unsafeCharacter(key);
    const here = path ? `${path}.` : '';
    if (character) return { path: `${here}${visibleText(key)}`, character };
    const found = unsafeMetadataKey(item, `${here}${visibleText(key)}`);
    if (found) return found;
  }
  return null;
}

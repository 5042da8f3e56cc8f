import { VigilError } from '../errors';

/**
 * Cursor pagination for the lists that grow (identities, tokens, events). A cursor is opaque to
 * clients (base64url of a small JSON object): it names where the last page ended, by key, so a
 * page is stable while items are added or removed elsewhere in the list (no offsets).
 */

export const MAX_PAGE = 1000;

/** `limit` and `cursor` as the query string gives them (both optional). */
export const pageQuery = {
  limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: `items per page, 1-${MAX_PAGE}; with limit or cursor the answer is a page ({items, next})` },
  cursor: { type: 'string', maxLength: 1024, description: "the previous page's `next`" },
} as const;

/** A page of `itemSchema`. */
export function pageSchema(itemSchema: object): object {
  return {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items: itemSchema },
      next: { type: ['string', 'null'], description: 'cursor of the next page; null on the last one' },
    },
  };
}

/** Today's bare array (no limit, no cursor) or a page: both answers of a paginated list route. */
export function listOrPageSchema(itemSchema: object): object {
  return { anyOf: [{ type: 'array', items: itemSchema }, pageSchema(itemSchema)] };
}

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor names, or VIGIL_ERR_BAD_REQUEST. `fields` are the keys it must hold, with their types. */
export function decodeCursor<T extends Record<string, string | number>>(cursor: string, fields: Record<keyof T, 'string' | 'number'>): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  const ok = value !== null && typeof value === 'object' && Object.entries(fields).every(([key, type]) => typeof (value as Record<string, unknown>)[key] === type);
  if (!ok) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'cursor: not a cursor this server gave out', { field: 'querystring.cursor' });
  return value as T;
}

export function parseLimit(limit: string | undefined, fallback: number): number {
  const n = limit === undefined ? fallback : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `limit: must be 1-${MAX_PAGE}`, { field: 'querystring.limit' });
  return n;
}

/**
 * One page of `items` in the order of `key` (a string unique per item, compared by code units):
 * the items after the cursor's key, at most `limit`, and the cursor of the next page. Pure.
 */
export function pageOf<T>(items: readonly T[], key: (item: T) => string, query: { limit?: string | undefined; cursor?: string | undefined }): { items: T[]; next: string | null } {
  const limit = parseLimit(query.limit, 100);
  const after = query.cursor === undefined ? null : decodeCursor<{ after: string }>(query.cursor, { after: 'string' }).after;
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === null ? sorted : sorted.filter((item) => key(item) > after);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return { items: page, next: rest.length > limit && last !== undefined ? encodeCursor({ after: key(last) }) : null };
}

/** Whether the client asked for a page (else today's bare array). */
export function wantsPage(query: { limit?: string | undefined; cursor?: string | undefined }): boolean {
  return query.limit !== undefined || query.cursor !== undefined;
}

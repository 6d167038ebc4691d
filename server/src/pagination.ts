import { z } from 'zod';
import { HttpError } from './errors.js';

/** `?limit=&cursor=` of every list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'Items per page' }),
  cursor: z
    .string()
    .max(1000)
    .regex(/^[A-Za-z0-9_-]+$/, 'expected the nextCursor of a previous page')
    .optional()
    .meta({ description: 'The nextCursor of the previous page; the first page without it' }),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A sort key: the values a list is ordered by, of its last item. */
export type SortKey = readonly (string | number)[];

/** An opaque cursor for a sort key. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key of a cursor, of `arity` values; 400 for a cursor this server did not make. */
export function decodeCursor(cursor: string | undefined, arity: number): SortKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== arity || !key.every((k) => typeof k === 'string' || (typeof k === 'number' && Number.isFinite(k)))) {
    throw new HttpError(400, 'invalid_request', 'the cursor is not valid', [{ path: '$.cursor', message: 'expected the nextCursor of a previous page' }]);
  }
  return key as SortKey;
}

/** Rows fetched with `limit + 1` → a page: at most `limit` items and the cursor after the last. */
export function toPage<R, T>(rows: readonly R[], limit: number, keyOf: (r: R) => SortKey, view: (r: R) => T): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items: items.map(view), nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}

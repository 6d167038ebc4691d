import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { ApiTokenRow } from '../tables/index.js';

/** Stores a token's hash. */
export async function insertToken(db: Db, t: { id: string; name: string; role: string; tokenHash: string; expiresAt: Date | null }): Promise<void> {
  await db.insertInto('api_token').values({ id: t.id, name: t.name, role: t.role, token_hash: t.tokenHash, expires_at: t.expiresAt }).execute();
}

/** The token with this hash, if any (revoked and expired ones included: the caller decides). */
export async function findTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Notes that a token was used now. */
export async function touchToken(db: Db, id: string): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** How many tokens are usable (not revoked, not expired). */
export async function countActiveTokens(db: Db): Promise<number> {
  const row = await db
    .selectFrom('api_token')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Tokens, newest first, without their hashes. */
export async function listTokens(db: Db, page: { limit: number; after?: readonly [string, string] }) {
  let q = db
    .selectFrom('api_token')
    .select(['id', 'name', 'role', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'])
    .select(sql<string>`created_at::text`.as('sort_at'));
  if (page.after) q = q.where(sql<boolean>`(created_at, id) < (${page.after[0]}::timestamptz, ${page.after[1]})`);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** Revokes a token; `undefined` if there is none, `false` if it was already revoked. */
export async function revokeToken(db: Db, id: string): Promise<boolean | undefined> {
  const res = await db.updateTable('api_token').set({ revoked_at: sql<Date>`now()` }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0) return true;
  return (await db.selectFrom('api_token').select('id').where('id', '=', id).executeTakeFirst()) ? false : undefined;
}

/** The names of the tokens among `ids` (who did something, as a person reads it), by id. */
export async function tokenNames(db: Db, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null && id !== ''))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('api_token').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

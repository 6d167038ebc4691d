import type { Db } from '@weft/store';
import { findTokenByHash, touchToken } from '@weft/store/repositories/token.repository';
import type { ApiTokenRow } from '@weft/store';

/** Options of `tokenCache`. */
export interface TokenCacheOptions {
  readonly db: Db;
  /**
   * How long a token read from the database is trusted without reading it again: the longest a
   * revocation made by another process (another API server, `weft token revoke` on PostgreSQL)
   * takes to apply here. Revocations through this process's API apply at once.
   */
  readonly ttlMs?: number;
  /** How stale `last_used_at` may get before it is written again. */
  readonly touchAfterMs?: number;
  /** Most tokens kept; past it the oldest read is dropped. */
  readonly maxEntries?: number;
  /** The clock, in milliseconds. */
  readonly now?: () => number;
}

/** API tokens by hash, read from the database at most once per `ttlMs` each. */
export interface TokenCache {
  /** The token with this hash if it was read less than `ttlMs` ago; no database access. */
  cached(tokenHash: string): ApiTokenRow | undefined;
  /** The token with this hash (revoked and expired ones included: the caller decides); unknown hashes are never kept. */
  find(tokenHash: string): Promise<ApiTokenRow | undefined>;
  /**
   * Notes that the token was used now, writing `last_used_at` at most once per `touchAfterMs`:
   * the write to wait for, or `undefined` when none was needed.
   */
  touch(row: ApiTokenRow): Promise<void> | undefined;
  /** Drops a token, so that the next request reads it again: call it after revoking the token. */
  forget(id: string): void;
}

interface Entry {
  readonly row: ApiTokenRow;
  readonly readAt: number;
}

/** A token cache in this process's memory. */
export function tokenCache({ db, ttlMs = 5_000, touchAfterMs = 60_000, maxEntries = 10_000, now = Date.now }: TokenCacheOptions): TokenCache {
  const entries = new Map<string, Entry>();
  // When each token's `last_used_at` was last written, by id: the cached row's value goes stale.
  const touched = new Map<string, number>();
  // Bumped by `forget`: a read that started before a revocation must not put the old row back.
  let generation = 0;
  const cached = (tokenHash: string, t = now()) => {
    const hit = entries.get(tokenHash);
    return hit && t - hit.readAt < ttlMs ? hit.row : undefined;
  };
  return {
    cached,
    async find(tokenHash) {
      const t = now();
      const hit = cached(tokenHash, t);
      if (hit) return hit;
      const seen = generation;
      const row = await findTokenByHash(db, tokenHash);
      entries.delete(tokenHash);
      if (row && seen === generation) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(tokenHash, { row, readAt: t });
      }
      return row;
    },
    touch(row) {
      const t = now();
      const last = Math.max(row.last_used_at?.getTime() ?? 0, touched.get(row.id) ?? 0);
      if (t - last <= touchAfterMs) return undefined;
      // Noted before the write, so concurrent requests of one token write once.
      if (touched.size >= maxEntries) touched.clear();
      touched.set(row.id, t);
      return touchToken(db, row.id);
    },
    forget(id) {
      generation++;
      for (const [hash, e] of entries) if (e.row.id === id) entries.delete(hash);
    },
  };
}

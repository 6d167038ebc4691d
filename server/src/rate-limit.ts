import { createMiddleware } from 'hono/factory';
import type { AuthEnv } from './auth/bearer-auth.js';
import { apiError } from './errors.js';

/** Options of `rateLimit`. */
export interface RateLimitOptions {
  /** Requests a token may make per minute on average; also the burst size. 0 turns the limit off. */
  readonly perMinute?: number;
  /** The clock, in milliseconds. */
  readonly now?: () => number;
}

/** Token buckets by key, as `tokenBuckets` makes them. */
export interface TokenBuckets {
  /** Seconds until `key` has a whole token; 0 when it has one now. Spends nothing. */
  wait(key: string): number;
  /** Spends one of `key`'s tokens; the bucket may go below zero, which lengthens the wait. */
  spend(key: string): void;
  /** Spends a token of `key` if it has one and answers 0; otherwise spends nothing and answers `wait(key)`. */
  take(key: string): number;
}

/**
 * Token buckets in this process's memory, one per key: each key may burst `perMinute` and
 * regains `perMinute / 60` a second. `perMinute` 0 means no limit (`wait` is always 0).
 */
export function tokenBuckets({ perMinute, now = Date.now }: { readonly perMinute: number; readonly now?: () => number }): TokenBuckets {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (key: string) => {
    const t = now();
    const b = buckets.get(key) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
    b.at = t;
    buckets.set(key, b);
    // Forget idle buckets (full again) so the map does not grow with every key ever seen.
    if (buckets.size > 10_000) for (const [k, v] of buckets) if (k !== key && v.tokens + (t - v.at) * perMs >= perMinute) buckets.delete(k);
    return b;
  };
  const waitOf = (b: { tokens: number }) => (b.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)));
  return {
    wait: (key) => (perMinute <= 0 ? 0 : waitOf(refill(key))),
    spend(key) {
      if (perMinute > 0) refill(key).tokens -= 1;
    },
    take(key) {
      if (perMinute <= 0) return 0;
      const b = refill(key);
      if (b.tokens < 1) return waitOf(b);
      b.tokens -= 1;
      return 0;
    },
  };
}

/**
 * A token bucket per API token, in this process's memory: each token may burst `perMinute`
 * requests and regains `perMinute / 60` a second. Over budget: 429 with `Retry-After` (seconds).
 * Runs after `bearerAuth`, so it counts only authenticated callers.
 */
export function rateLimit({ perMinute = 600, now = Date.now }: RateLimitOptions = {}) {
  const buckets = tokenBuckets({ perMinute, now });
  // Not async: it never waits, and an async function would add a promise to every request.
  return createMiddleware<AuthEnv>(function rateLimit(c, next) {
    const retryAfter = buckets.take(c.get('caller').tokenId);
    if (retryAfter === 0) return next();
    c.header('Retry-After', String(retryAfter));
    return Promise.resolve(apiError(c, 429, 'rate_limited', `this token made more than ${perMinute} requests a minute; retry in ${retryAfter} s`));
  });
}

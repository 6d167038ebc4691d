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

/**
 * A token bucket per API token, in this process's memory: each token may burst `perMinute`
 * requests and regains `perMinute / 60` a second. Over budget: 429 with `Retry-After` (seconds).
 * Runs after `bearerAuth`, so it counts only authenticated callers.
 */
export function rateLimit({ perMinute = 600, now = Date.now }: RateLimitOptions = {}) {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  // Not async: it never waits, and an async function would add a promise to every request.
  return createMiddleware<AuthEnv>(function rateLimit(c, next) {
    if (perMinute <= 0) return next();
    const id = c.get('caller').tokenId;
    const t = now();
    const b = buckets.get(id) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
    b.at = t;
    buckets.set(id, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      c.header('Retry-After', String(retryAfter));
      return Promise.resolve(apiError(c, 429, 'rate_limited', `this token made more than ${perMinute} requests a minute; retry in ${retryAfter} s`));
    }
    b.tokens -= 1;
    // Forget idle buckets (full again) so the map does not grow with every token ever seen.
    if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.tokens + (t - v.at) * perMs >= perMinute) buckets.delete(k);
    return next();
  });
}

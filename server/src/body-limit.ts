import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';

/** Options of `bodyLimit`. */
export interface BodyLimitOptions {
  /** Largest request body, in bytes. */
  readonly maxSize: number;
  /** The answer to a larger body. */
  readonly onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Refuses request bodies larger than `maxSize`, as Hono's `bodyLimit` does, but decides from
 * `Content-Length` without touching `c.req.raw.body`: on @hono/node-server reading that property
 * turns the light request into a full `Request` with a web stream and an abort signal, several
 * times the cost of the rest of a small request. Bodies of unknown length (chunked) are counted
 * as they stream by Hono's middleware.
 */
export function bodyLimit({ maxSize, onError }: BodyLimitOptions): MiddlewareHandler {
  const streaming = streamingBodyLimit({ maxSize, onError });
  return function bodyLimit(c, next) {
    const method = c.req.method;
    // A fetch Request never has a body for these.
    if (method === 'GET' || method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length === null || headers.has('transfer-encoding')) return streaming(c, next);
    return Number.parseInt(length, 10) > maxSize ? Promise.resolve(onError(c)) : next();
  };
}

import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError, ApiIssue } from '@weft/schemas';

/** Answers with Weft's one error shape. */
export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string, issues: readonly ApiIssue[] = []) {
  return c.json<ApiError>({ error: { code, message, issues: [...issues] } }, status);
}

/** An error a handler throws to answer with a given status and Weft's error shape. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
  }
}

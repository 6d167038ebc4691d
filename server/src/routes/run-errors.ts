import type { Context, ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { apiError } from '../errors.js';
import {
  CallRequired,
  InvalidArguments,
  InvalidRunRequest,
  NodeRequired,
  NotWaiting,
  RunActive,
  RunFinished,
  RunNotFound,
  TemporalUnavailable,
  VersionNotFound,
  type RunServiceError,
} from '../runs/index.js';

/** The HTTP status and error code each refusal of the run service answers with. */
const ANSWERS = new Map<abstract new (...args: never[]) => RunServiceError, { status: ContentfulStatusCode; code: string }>([
  [RunNotFound, { status: 404, code: 'not_found' }],
  [VersionNotFound, { status: 404, code: 'not_found' }],
  [RunFinished, { status: 409, code: 'run_finished' }],
  [RunActive, { status: 409, code: 'run_active' }],
  [NotWaiting, { status: 409, code: 'not_waiting' }],
  [CallRequired, { status: 400, code: 'call_required' }],
  [NodeRequired, { status: 400, code: 'node_required' }],
  [InvalidRunRequest, { status: 400, code: 'invalid_request' }],
  [InvalidArguments, { status: 422, code: 'invalid_arguments' }],
  [TemporalUnavailable, { status: 503, code: 'temporal_unavailable' }],
]);

/**
 * The error handler of every sub-app that calls the run service: its refusals answer in Weft's
 * error shape; anything else goes on to the app's own handler.
 */
export const answerRunErrors: ErrorHandler = (err: Error, c: Context) => {
  const answer = ANSWERS.get(err.constructor as abstract new (...args: never[]) => RunServiceError);
  if (!answer) throw err;
  return apiError(c, answer.status, answer.code, err.message, (err as RunServiceError).issues);
};

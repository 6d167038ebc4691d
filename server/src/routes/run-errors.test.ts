import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { apiError } from '../errors.js';
import { CallRequired, InvalidArguments, InvalidRunRequest, NodeRequired, NotWaiting, RunActive, RunFinished, RunNotFound, TemporalUnavailable, VersionNotFound, type RunServiceError } from '../runs/index.js';
import { answerRunErrors } from './run-errors.js';

/** An app with one sub-app whose only route throws `error`, mounted as the routes are. */
function throwing(error: Error) {
  const sub = new Hono().onError(answerRunErrors).get('/', () => {
    throw error;
  });
  return new Hono().route('/r', sub).onError((e, c) => apiError(c, 500, 'internal', e.message));
}

describe('answerRunErrors', () => {
  it.each<[RunServiceError, number, string]>([
    [new RunNotFound('no run run_x'), 404, 'not_found'],
    [new VersionNotFound('no version 3', [{ path: '$.version', message: 'no version 3' }]), 404, 'not_found'],
    [new RunFinished('the run is no longer running'), 409, 'run_finished'],
    [new RunActive('still running'), 409, 'run_active'],
    [new NotWaiting('not waiting'), 409, 'not_waiting'],
    [new CallRequired('name it'), 400, 'call_required'],
    [new NodeRequired('say which'), 400, 'node_required'],
    [new InvalidRunRequest('no such node'), 400, 'invalid_request'],
    [new InvalidArguments('do not fit'), 422, 'invalid_arguments'],
    [new TemporalUnavailable('Temporal did not answer'), 503, 'temporal_unavailable'],
  ])('answers %o with its status and code, the message and issues unchanged', async (error, status, code) => {
    const res = await throwing(error).request('/r');
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code, message: error.message, issues: error.issues } });
  });

  it('leaves any other error to the app', async () => {
    const res = await throwing(new Error('boom')).request('/r');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { code: 'internal', message: 'boom' } });
  });
});

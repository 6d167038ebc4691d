import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { ApiError, checkToken, configureClient, getWorkflow, listRuns, startRun } from './client';

interface Call {
  url: string;
  init: RequestInit;
}

let calls: Call[];
let onUnauthorized: Mock<() => void>;

function answer(status: number, body: unknown): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(body === undefined ? null : JSON.stringify(body), { status });
    }),
  );
}

beforeEach(() => {
  calls = [];
  onUnauthorized = vi.fn<() => void>();
  configureClient({ getToken: () => 'tok_session', onUnauthorized });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('api client', () => {
  it('sends the session token as a bearer token', async () => {
    answer(200, { id: 'wf_1' });
    await getWorkflow('wf_1');
    expect(calls[0]!.url).toBe('/api/workflows/wf_1');
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe('Bearer tok_session');
  });

  it('asks for the latest run of a workflow with query parameters', async () => {
    answer(200, { items: [] });
    await listRuns({ workflowId: 'wf 1', limit: 1 });
    expect(calls[0]!.url).toBe('/api/runs?workflowId=wf+1&limit=1');
  });

  it('starts a run by posting the input as JSON and returns the run id', async () => {
    answer(202, { runId: 'run_9' });
    await expect(startRun('wf_1', {})).resolves.toBe('run_9');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.body).toBe('{"input":{}}');
  });

  it('throws an ApiError carrying the status and the error body', async () => {
    const body = { error: { code: 'not_found', message: 'No workflow wf_2', issues: [] } };
    answer(404, body);
    const error = await getWorkflow('wf_2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, body, message: 'No workflow wf_2', code: 'not_found' });
  });

  it('signs out when the API rejects the session token', async () => {
    answer(401, { error: { code: 'unauthorized', message: 'Bad token', issues: [] } });
    await expect(getWorkflow('wf_1')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('checks a candidate token without signing out the session when it is rejected', async () => {
    answer(401, { error: { code: 'unauthorized', message: 'Bad token', issues: [] } });
    await expect(checkToken('tok_wrong')).rejects.toMatchObject({ status: 401 });
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe('Bearer tok_wrong');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('reports an unreachable server as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(getWorkflow('wf_1')).rejects.toMatchObject({ status: 0, message: 'Could not reach the API' });
  });

  it('keeps a useful message when an error body is not JSON', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 })));
    await expect(getWorkflow('wf_1')).rejects.toMatchObject({ status: 502, body: null, message: 'The API answered 502' });
  });
});

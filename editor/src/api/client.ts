import type {
  ApiError as ApiErrorBody,
  ApiIssue,
  NodeTypeView,
  RunSummary,
  RunView,
  WorkflowSummary,
  WorkflowView,
} from '@weft/schemas';
import type { AppType } from '@weft/server';
import { hc, type ClientRequestOptions, type ClientResponse } from 'hono/client';

// Every call to the API goes through this module, on Hono's client typed by the server's AppType.

/** A failed API call: the HTTP status (0 when the server could not be reached) and the error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | null,
    message = body?.error.message ?? (status === 0 ? 'Could not reach the API' : `The API answered ${status}`),
  ) {
    super(message);
  }

  /** The API's error code, such as `not_found`, when the body carried one. */
  get code(): string | undefined {
    return this.body?.error.code;
  }

  /** Field-level problems the API reported. */
  get issues(): readonly ApiIssue[] {
    return this.body?.error.issues ?? [];
  }
}

/** How the client finds the token and what it does when the API rejects it. */
export interface ClientConfig {
  readonly getToken: () => string | null;
  /** Called on a 401 for a request made with the configured token. */
  readonly onUnauthorized: () => void;
}

let config: ClientConfig = { getToken: () => null, onUnauthorized: () => {} };

/** Wires the client to the app's sign-in state; call once at start-up. */
export function configureClient(next: ClientConfig): void {
  config = next;
}

/** Options every call accepts. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Use this token instead of the configured one (checking a token before signing in). */
  readonly token?: string;
}

/** The typed Hono client: paths, methods, params and bodies are checked against the server's routes. */
export const api = hc<AppType>('/', { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) });

/** The body of a route's successful answer: its response union without the error shape. */
export type Ok<R> = R extends ClientResponse<infer B, infer _S, infer _F> ? Exclude<B, ApiErrorBody> : never;

/** Sends one typed call with the token and maps failures to {@link ApiError}. */
export async function call<R extends ClientResponse<unknown, number, string>>(send: (o: ClientRequestOptions) => Promise<R>, options: CallOptions = {}): Promise<Ok<R>> {
  const token = options.token ?? config.getToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await send({ headers, init: options.signal ? { signal: options.signal } : {} });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError(0, null);
  }

  const body: unknown = await readJson(response);
  if (!response.ok) {
    const error = new ApiError(response.status, isErrorBody(body) ? body : null);
    // A token being checked at sign-in is not the session's token: its 401 is the form's business.
    if (response.status === 401 && options.token === undefined) config.onUnauthorized();
    throw error;
  }
  return body as Ok<R>;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** `GET /api/workflows`: the 500 most recently changed workflows with their latest version and last run. */
export async function listWorkflows(options?: CallOptions): Promise<WorkflowSummary[]> {
  const { items } = await call((o) => api.api.workflows.$get({ query: { limit: '500' } }, o), options);
  return items;
}

/** `GET /api/workflows/:id`: a workflow with its document. */
export function getWorkflow(id: string, options?: CallOptions): Promise<WorkflowView> {
  return call((o) => api.api.workflows[':id'].$get({ param: { id } }, o), options);
}

/** `GET /api/runs`: runs of a workflow, newest first. */
export async function listRuns(query: { workflowId: string; limit?: number }, options?: CallOptions): Promise<RunSummary[]> {
  const q = { workflowId: query.workflowId, ...(query.limit === undefined ? {} : { limit: String(query.limit) }) };
  const { items } = await call((o) => api.api.runs.$get({ query: q }, o), options);
  return items;
}

/**
 * `GET /api/runs/:id`: a run with its nodes. While a run waits, a node with no attempt yet is
 * `pending` in the records even when the workflow has already passed it by (an untaken branch of
 * a run waiting for approval); the live state (`GET /api/runs/:id/state`) says which, and those
 * nodes are shown as skipped. Without the live state (no worker answers) the records stand.
 */
export async function getRun(id: string, options?: CallOptions): Promise<RunView> {
  const run = await call((o) => api.api.runs[':id'].$get({ param: { id }, query: {} }, o), options);
  // Only a run that waits (for a person, a timer) holds still long enough for this to matter; a
  // running one is asked nothing more, so following it costs the workflow no queries.
  if (run.status !== 'waiting' || !run.nodes.some((n) => n.status === 'pending')) return run;
  const live = await call((o) => api.api.runs[':id'].state.$get({ param: { id } }, o), options).catch(() => null);
  if (!live) return run;
  return { ...run, nodes: run.nodes.map((n) => (n.status === 'pending' && live.nodes[n.id]?.status === 'skipped' ? { ...n, status: 'skipped' as const } : n)) };
}

/** `POST /api/workflows/:id/runs`: starts a run and returns its id. */
export async function startRun(workflowId: string, input: unknown = {}, options?: CallOptions): Promise<string> {
  const { runId } = await call((o) => api.api.workflows[':id'].runs.$post({ param: { id: workflowId }, json: { input } }, o), options);
  return runId;
}

/** `GET /api/node-types`: every node type the server knows. */
export async function listNodeTypes(options?: CallOptions): Promise<NodeTypeView[]> {
  const { items } = await call((o) => api.api['node-types'].$get(undefined, o), options);
  return items;
}

/** Resolves when the API accepts `token`; rejects with an {@link ApiError} (401 when it does not). */
export async function checkToken(token: string, options?: Omit<CallOptions, 'token'>): Promise<void> {
  await listWorkflows({ ...options, token });
}

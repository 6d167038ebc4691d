import type {
  ApiError as ApiErrorBody,
  ApiIssue,
  NodeTypeView,
  RunSummary,
  RunView,
  WorkflowSummary,
  WorkflowView,
} from '@weft/schemas';

// Every call to the API goes through this module, so the transport (fetch today, a typed
// `hc<AppType>` client once the server exports one) can change without touching components.

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

interface RequestOptions extends CallOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
}

async function request<T>(path: string, init: RequestOptions = {}): Promise<T> {
  const token = init.token ?? config.getToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (cause) {
    if (init.signal?.aborted) throw cause;
    throw new ApiError(0, null);
  }

  const body: unknown = await readJson(response);
  if (!response.ok) {
    const error = new ApiError(response.status, isErrorBody(body) ? body : null);
    // A token being checked at sign-in is not the session's token: its 401 is the form's business.
    if (response.status === 401 && init.token === undefined) config.onUnauthorized();
    throw error;
  }
  return body as T;
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

const enc = encodeURIComponent;

/** `GET /api/workflows`: every workflow with its latest version and last run. */
export async function listWorkflows(options?: CallOptions): Promise<WorkflowSummary[]> {
  const { items } = await request<{ items: WorkflowSummary[] }>('/api/workflows', options);
  return items;
}

/** `GET /api/workflows/:id`: a workflow with its document. */
export function getWorkflow(id: string, options?: CallOptions): Promise<WorkflowView> {
  return request<WorkflowView>(`/api/workflows/${enc(id)}`, options);
}

/** `GET /api/runs`: runs of a workflow, newest first. */
export async function listRuns(query: { workflowId: string; limit?: number }, options?: CallOptions): Promise<RunSummary[]> {
  const params = new URLSearchParams({ workflowId: query.workflowId });
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  const { items } = await request<{ items: RunSummary[] }>(`/api/runs?${params}`, options);
  return items;
}

/** `GET /api/runs/:id`: a run with its nodes. */
export function getRun(id: string, options?: CallOptions): Promise<RunView> {
  return request<RunView>(`/api/runs/${enc(id)}`, options);
}

/** `POST /api/workflows/:id/runs`: starts a run and returns its id. */
export async function startRun(workflowId: string, input: unknown = {}, options?: CallOptions): Promise<string> {
  const { runId } = await request<{ runId: string }>(`/api/workflows/${enc(workflowId)}/runs`, {
    ...options,
    method: 'POST',
    body: { input },
  });
  return runId;
}

/** `GET /api/node-types`: every node type the server knows. */
export async function listNodeTypes(options?: CallOptions): Promise<NodeTypeView[]> {
  const { items } = await request<{ items: NodeTypeView[] }>('/api/node-types', options);
  return items;
}

/** Resolves when the API accepts `token`; rejects with an {@link ApiError} (401 when it does not). */
export async function checkToken(token: string, options?: Omit<CallOptions, 'token'>): Promise<void> {
  await listWorkflows({ ...options, token });
}

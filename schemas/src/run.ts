/**
 * Run and node statuses shared by the API, the worker and the editor. Plain constants (no zod)
 * so the Temporal workflow bundle may import them.
 */

/** Every status a run can have. */
export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting',
  'completed',
  'failed',
  'cancelled',
  'rolled_back',
  'compensation_failed',
] as const;
/** Status of a run. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses after which a run never changes again. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'rolled_back', 'compensation_failed'];

/** Every status a node of a run can have. */
export const NODE_STATUSES = ['pending', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'waiting', 'compensated'] as const;
/** Status of one node within a run. */
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** Status of one recorded attempt (a `node_run` row). */
export type AttemptStatus = 'running' | 'succeeded' | 'failed';

/** An error as recorded on a run or a node attempt. */
export interface RunError {
  /** Error type, e.g. `HttpStatusError`, `ExpressionError`, `Timeout`. */
  readonly type: string;
  readonly message: string;
  /** The node whose failure failed the run, where there is one. */
  readonly nodeId?: string;
  /** Whether a retry could help. */
  readonly retryable?: boolean;
  /**
   * What the node attached to its error, secrets masked and size bounded: for an HTTP error status,
   * the answer (`{ status, headers, body }`).
   */
  readonly details?: unknown;
}

/** The prompt a node sent to an LLM, as rendered (its first call, when it made several). */
export interface PromptSent {
  /** The system prompt, when there was one. */
  readonly system?: string;
  readonly prompt: string;
  /** Model calls the attempt made (an invalid JSON answer is asked for again, for instance). */
  readonly calls: number;
}

/** An HTTP request as a node sent it, every secret replaced by `[secret:<name>]`. */
export interface HttpRequestSent {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body, as the node's params gave it (absent for GET and HEAD). */
  readonly body?: unknown;
}

/** The port a route sent its input out of, and why: a rule's condition held, the LLM chose it, or nothing did (the fallback). */
export type RouteChoice =
  | { readonly port: string; readonly by: 'rule'; /** Position of the route in `routes`, from 0. */ readonly index: number; readonly condition: string }
  | { readonly port: string; readonly by: 'llm'; /** The model's one-sentence reason. */ readonly reason?: string }
  | { readonly port: string; readonly by: 'fallback' };

/**
 * What one node attempt sent out and decided, recorded with the attempt for the run view
 * (secrets masked, long strings cut).
 */
export interface AttemptDetail {
  readonly prompt?: PromptSent;
  readonly request?: HttpRequestSent;
  readonly route?: RouteChoice;
}

/** Phases of a node attempt: running the node, or undoing it during rollback. */
export type AttemptPhase = 'execute' | 'compensate';

/** Kinds of run events, streamed to clients and kept in order. */
export const RUN_EVENT_TYPES = ['run', 'started', 'waiting', 'retrying', 'succeeded', 'failed', 'skipped', 'compensating', 'compensated', 'compensation_failed'] as const;
/** Kind of a run event. */
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** One thing that happened in a run, in the order it was recorded. */
export interface RunEvent {
  /** Increases with every event of the run; SSE clients resume after it. */
  readonly id: number;
  readonly runId: string;
  readonly type: RunEventType;
  readonly nodeId: string | null;
  readonly attempt: number | null;
  /** Status (for `run` events), error, or decision details. */
  readonly data: unknown;
  readonly at: string;
}

import type { LlmCallFigures } from './api.js';

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

/**
 * Status of one recorded attempt (a `node_run` row). `waiting`: a node that waits on a person
 * (an approval) has not been decided yet. `lost`: the attempt never ended (its worker stopped
 * answering) and a later attempt of the same node took over.
 */
export type AttemptStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'lost';

/** The error type recorded on a lost attempt. */
export const ATTEMPT_LOST = 'AttemptLost';

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

/**
 * Kinds of run events, streamed to clients and kept in order. `lost`: an attempt that never ended
 * was given up as the node's next attempt started (its `attempt` is the lost one, `data.error` says so).
 */
export const RUN_EVENT_TYPES = ['run', 'started', 'waiting', 'retrying', 'lost', 'succeeded', 'failed', 'skipped', 'compensating', 'compensated', 'compensation_failed', 'agent', 'agent_text'] as const;
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

/** Kinds of steps in an agent's transcript. */
export type AgentStepKind = 'task' | 'turn' | 'call' | 'reask';

/** Status of a step: a turn or call under way, waiting for a person, or ended. */
export type AgentStepStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'rejected';

/** A tool call the model asked for. */
export interface AgentToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** The raw text, when the model's arguments were not a JSON object. */
  readonly invalidArguments?: string;
}

/** The system prompt and task an agent started from (step 0). */
export interface AgentTaskData {
  readonly instructions: string;
  readonly task: string;
  /** The tools offered to the model. */
  readonly tools: readonly { readonly name: string; readonly description: string; readonly node: string }[];
}

/** One model turn: what it wrote and the calls it asked for, with the figures of the call. */
export interface AgentTurnData extends LlmCallFigures {
  readonly text: string;
  readonly toolCalls: readonly AgentToolCall[];
  readonly finishReason: string;
}

/** A person's decision on a tool call that needed approval. */
export interface AgentCallApproval {
  readonly status: 'waiting' | 'approved' | 'edited' | 'rejected' | 'timed_out';
  /** Why the call needed approval (the rule, or what a detector found). */
  readonly reason: string;
  readonly by?: string;
  readonly comment?: string;
  readonly at?: string;
  /** The arguments the approver ran the tool with, when edited. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** One tool call and its result (or error) as the model was told. */
export interface AgentCallData {
  readonly callId: string;
  readonly name: string;
  /** The tool node that ran. */
  readonly tool: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly output?: unknown;
  readonly error?: RunError;
  readonly approval?: AgentCallApproval;
  /** The idempotency key the tool ran with: `<runId>:<agentNodeId>:<turn>:<callId>`. */
  readonly key: string;
}

/** What an `agent` run event carries: a step of a conversation that started, waits or ended (the event's node is the agent). */
export interface AgentEventData {
  readonly agent: string;
  readonly turn: number;
  readonly part: number;
  readonly kind: AgentStepKind;
  readonly status: AgentStepStatus;
  /** For a call: the tool node, and the name the model called it by. */
  readonly tool?: string;
  readonly name?: string;
}

/** What an `agent_text` run event carries: text the model wrote in a turn, as it streams. */
export interface AgentTextData {
  readonly agent: string;
  readonly turn: number;
  readonly delta: string;
}

/** One step of an agent's transcript as the worker writes it (written again, it replaces the first). */
export interface AgentStepWrite extends Pick<AgentStep, 'agent' | 'nodeId' | 'turn' | 'part' | 'kind' | 'status'> {
  readonly runId: string;
  readonly data: unknown;
}

/** One step of an agent's transcript, as the API returns it. */
export interface AgentStep {
  /** Which conversation: the agent node's id, or a path for an agent called as a tool. */
  readonly agent: string;
  /** The agent node (for a call, the tool node is in `data.tool`). */
  readonly nodeId: string;
  readonly turn: number;
  /** 0 for the turn itself; 1… for its calls in order; a re-ask follows the calls. */
  readonly part: number;
  readonly kind: AgentStepKind;
  readonly status: AgentStepStatus;
  readonly data: AgentTaskData | AgentTurnData | AgentCallData | { readonly message: string };
  readonly startedAt: string;
  readonly endedAt: string | null;
}

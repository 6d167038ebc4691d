import { z } from 'zod';
import type { HttpRequestSent, NodeStatus, PromptSent, RouteChoice, RunError, RunStatus } from './run.js';
import type { DynamicOutputs } from './validate.js';
import type { Workflow } from './workflow.js';

/** A fixed result for one node of a test run: the node does not run and yields this instead. */
export const RunMock = z
  .object({
    output: z.unknown().meta({ description: 'The output the node yields' }),
    ports: z.array(z.string().min(1).max(64)).optional().meta({ description: 'Output ports that fire (all of them when absent)' }),
  })
  .strict();
export type RunMock = z.infer<typeof RunMock>;

/** Body of `POST /api/workflows/:id/runs`. */
export const StartRunBody = z
  .object({
    input: z.unknown().default({}).meta({ title: 'Run input' }),
    mocks: z
      .record(z.string().min(1).max(64), RunMock)
      .optional()
      .meta({ description: 'Nodes that do not run: each uses the given output instead (the run is marked as a test)' }),
  })
  .strict();
export type StartRunBody = z.infer<typeof StartRunBody>;

/** One problem in a request, as the API reports it. */
export interface ApiIssue {
  readonly path: string;
  readonly message: string;
  readonly code?: string;
  readonly severity?: 'error' | 'warning';
  readonly nodeId?: string;
}

/** The one error shape every API error uses. */
export interface ApiError {
  readonly error: { readonly code: string; readonly message: string; readonly issues: readonly ApiIssue[] };
}

/** A stored workflow with its latest version, as `GET /api/workflows/:id` returns it. */
export interface WorkflowView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly document: Workflow;
}

/** A line of `GET /api/workflows`. */
export interface WorkflowSummary {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly updatedAt: string;
  readonly lastRun?: { readonly id: string; readonly status: RunStatus; readonly createdAt: string };
}

/** One node of a run, as `GET /api/runs/:id` returns it. */
export interface NodeRunView {
  readonly id: string;
  readonly type: string;
  readonly status: NodeStatus;
  readonly attempts: number;
  /** Attempts that never ended (their worker stopped answering) and were retried; absent when none. */
  readonly lostAttempts?: readonly number[];
  readonly output: unknown;
  readonly error: RunError | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Whether a re-run reused this node's earlier result instead of running it. */
  readonly reused?: boolean;
  /** Provider calls of an LLM node, oldest first, over all its attempts. */
  readonly llm?: readonly LlmCallView[];
  /** For a tool of an agent: how many times the agent called it (its status is that of the latest call; the transcript has each). */
  readonly toolCalls?: number;
  /** What the node got on its input edges (its latest attempt); null when it did not run. */
  readonly input?: unknown;
  /** The prompt the node sent to an LLM, rendered (latest attempt). */
  readonly prompt?: PromptSent;
  /** The HTTP request the node sent, secrets masked (latest attempt); an error status's answer is in `error.details`. */
  readonly request?: HttpRequestSent;
  /** The port a route chose and why. */
  readonly route?: RouteChoice;
  /** The node's undo during rollback, when it had one. */
  readonly compensation?: {
    readonly status: 'running' | 'succeeded' | 'failed';
    readonly attempts: number;
    /** What the undo returned: for an HTTP node, the answer to its undo request. */
    readonly output: unknown;
    readonly error: RunError | null;
    readonly finishedAt: string | null;
    /** The undo request sent, secrets masked (latest attempt). */
    readonly request?: HttpRequestSent;
  };
}

/** What a run's LLM calls used, summed over every call (failed ones and loop items included). */
export interface RunTotals {
  readonly llmCalls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** What one LLM provider call used: who served it, the tokens, the cost and the time. */
export interface LlmCallFigures {
  readonly provider: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly latencyMs: number;
}

/** One provider call of an LLM node. */
export interface LlmCallView extends LlmCallFigures {
  readonly attempt: number;
  readonly error: string | null;
  readonly at: string;
}

/** A run with its nodes, as `GET /api/runs/:id` returns it. */
export interface RunView {
  readonly id: string;
  readonly workflowId: string;
  readonly version: number;
  readonly hash: string;
  readonly status: RunStatus;
  readonly input: unknown;
  readonly output: unknown;
  readonly error: RunError | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly nodes: readonly NodeRunView[];
  /** Tokens and cost of the run's LLM calls. */
  readonly totals?: RunTotals;
  /** What started the run: `manual`, `schedule`, `webhook`, `rerun`, `subworkflow`, with the schedule id or webhook path. */
  readonly trigger?: RunTrigger;
}

/** What started a run. */
export interface RunTrigger {
  readonly type: string;
  /** The schedule id or webhook path, for runs those started. */
  readonly ref?: string;
}

/** A line of `GET /api/runs`. */
export interface RunSummary {
  readonly id: string;
  readonly workflowId: string;
  readonly version: number;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly trigger?: RunTrigger;
}

/** One node type of the catalog, as `GET /api/node-types` returns it. */
export interface NodeTypeView {
  readonly type: string;
  readonly kind: string;
  /** Palette heading. */
  readonly category: string;
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly icon: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Output ports a node names in a param, besides `outputs` (see `dynamicPorts`). */
  readonly dynamicOutputs?: DynamicOutputs;
  /** Params holding a bare JSONata expression (no `{{ }}`), which editors check and complete as JSONata. */
  readonly expressionParams?: readonly string[];
  readonly trigger: boolean;
  /** JSON Schema of the params (as a person writes them). */
  readonly params: Record<string, unknown>;
  /** JSON Schema of the output. */
  readonly output: Record<string, unknown>;
  readonly policy: Record<string, unknown>;
}

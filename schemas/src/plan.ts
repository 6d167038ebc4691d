/**
 * The compiled plan a run executes: the workflow version with every node's policy resolved to
 * Temporal activity options. No zod and no I/O, so the workflow bundle can import it.
 */

/** Retry settings of one node's activity, in Temporal's terms. */
export interface PlanRetry {
  readonly maximumAttempts: number;
  readonly initialInterval: string;
  readonly backoffCoefficient: number;
  readonly maximumInterval: string;
  readonly nonRetryableErrorTypes: readonly string[];
}

/**
 * How the engine runs a node: most are one activity; a few are handled by the workflow itself
 * (waiting on a signal or a timer, starting a child workflow).
 */
export type PlanNodeMode = 'activity' | 'approval' | 'wait' | 'subworkflow' | 'loop' | 'agent';

/** One node as the engine runs it. */
export interface PlanNode {
  readonly id: string;
  readonly type: string;
  readonly mode: PlanNodeMode;
  readonly params: Readonly<Record<string, unknown>>;
  /** `all`: runs when every input is settled; `any`: runs at the first input that arrives. */
  readonly join: 'all' | 'any';
  /** Whether rollback undoes this node (its type can, and its policy did not turn it off). */
  readonly compensable: boolean;
  /** Whether the node acts on the world (execution kind): re-runs call it out. */
  readonly sideEffects: boolean;
  /**
   * Whether the engine runs the node as a Temporal local activity (a light node: no effect on
   * the world, quick). Absent in plans compiled before light nodes existed: a regular activity.
   */
  readonly local?: boolean;
  /**
   * Whether the node has no effect on the world whatever it does (a light node, or code in the
   * sandbox): a chain of such nodes runs in one activity, recorded in one write, and running it
   * again after a crash is harmless. Absent in plans compiled before chains were fused.
   */
  readonly pure?: boolean;
  readonly startToCloseTimeout: string;
  readonly heartbeatTimeout: string;
  readonly retry: PlanRetry;
  readonly onError: 'fail' | 'continue' | 'route';
  /** Whether the node's output is the run's output. */
  readonly isOutput: boolean;
  /** For a loop: the node run for each item. */
  readonly body?: PlanNode;
  /** For an agent: the nodes wired to its `tools` port, which run only when the model calls them. */
  readonly tools?: readonly PlanTool[];
}

/** A node an agent may call, as the engine runs it. */
export interface PlanTool {
  /** The tool node, compiled like any node (its own retries and timeouts). */
  readonly node: PlanNode;
  /** The name the model calls it by (the node id unless set). */
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments, generated from the declared arguments. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** When a call waits for a person; absent: never. */
  readonly approval?: {
    readonly require: 'always' | 'when';
    readonly when?: string;
    readonly detectors?: readonly string[];
    readonly timeout: string;
  };
}

/** One edge as the engine runs it. */
export interface PlanEdge {
  readonly id: string;
  readonly source: string;
  readonly sourcePort: string;
  readonly target: string;
  readonly targetPort: string;
  readonly when?: string;
}

/** A workflow version compiled for execution. */
export interface CompiledPlan {
  readonly workflowId: string;
  readonly version: number;
  readonly hash: string;
  readonly nodes: readonly PlanNode[];
  readonly edges: readonly PlanEdge[];
  readonly concurrency: number;
  /** How long a run may take (`settings.runTimeout`); `runGraph` fails it with `RunTimeout` past it. */
  readonly runTimeout?: string;
}

/** A node result recorded by an earlier run, reused by a re-run instead of running again. */
export interface ReusedResult {
  readonly output: unknown;
  /** Output ports the node fired (all of them when absent). */
  readonly ports?: readonly string[];
  readonly falseEdges: readonly string[];
}

/** The input of the `runGraph` workflow. */
/** The HTTP request that started a webhook run, as expressions read it under `$run.request`. */
export interface RunRequest {
  readonly method: string;
  /** The headers the webhook passes on (its allow-list), by lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

export interface RunGraphInput {
  readonly runId: string;
  readonly plan: CompiledPlan;
  readonly input: unknown;
  /** For a webhook run, the request beside the input (the body), as `$run.request`. */
  readonly request?: RunRequest;
  /** Results of nodes a re-run does not run again. */
  readonly reuse?: Readonly<Record<string, ReusedResult>>;
}

/** A reference to a large value kept in the database instead of in Temporal history. */
export interface BlobRef {
  readonly $weftBlob: string;
  readonly bytes: number;
}

/** Whether a value is a {@link BlobRef}. */
export function isBlobRef(value: unknown): value is BlobRef {
  return value !== null && typeof value === 'object' && typeof (value as { $weftBlob?: unknown }).$weftBlob === 'string';
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `30s` in milliseconds, or `undefined` when it is not one. */
export function durationToMs(duration: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/**
 * Time a run gets past its run timeout before Temporal itself stops its workflow: room for the
 * rollback `runGraph` starts when the timeout fires.
 */
export const RUN_TIMEOUT_GRACE_MS = 5 * 60_000;

/**
 * Temporal's execution timeout for a run with this run timeout: a backstop for a workflow that
 * cannot act on its own timer (no worker, a workflow task failing), never the timeout itself.
 */
export function executionTimeoutOf(runTimeout: string): number | undefined {
  const ms = durationToMs(runTimeout);
  return ms === undefined ? undefined : ms + RUN_TIMEOUT_GRACE_MS;
}

/** Attempts a compensation gets: the node's own, and never fewer than three. */
export function compensationAttempts(node: Pick<PlanNode, 'retry'>): number {
  return Math.max(3, node.retry.maximumAttempts);
}

/**
 * Attempts lost to infrastructure (a worker died, the server restarted) that a node may use on
 * top of its own retry budget: `maxAttempts` counts attempts that failed with an error; a lost
 * attempt is not the node's fault. Bounded, so a node that kills its worker every time stops.
 */
export const LOST_ATTEMPTS_ALLOWED = 10;

/** The attempt limit Temporal enforces: the node's own plus the lost-attempt allowance. */
export function temporalAttempts(attempts: number): number {
  return attempts + LOST_ATTEMPTS_ALLOWED;
}

/** A child run the engine is about to start for a sub-workflow node. */
export interface ChildRun {
  readonly runId: string;
  readonly plan: CompiledPlan;
}

/** A run a schedule (or another trigger outside the API) is about to start. */
export interface TriggeredRunRequest {
  /** The Temporal workflow id of the firing: the same firing always records the same run. */
  readonly firing: string;
  /** When the firing started (ms since the epoch); part of the run id, so ids still sort by time. */
  readonly firedAt: number;
  readonly trigger: 'schedule';
  /** The schedule id. */
  readonly ref: string;
  readonly workflowId: string;
  readonly input: unknown;
}

/** A recorded triggered run, ready to start; or why none could be recorded. */
export type TriggeredRun =
  | { readonly ok: true; readonly run: ChildRun & { readonly input: unknown }; readonly runTimeout?: string }
  | { readonly ok: false; readonly type: 'WorkflowNotFound' | 'InvalidWorkflow'; readonly message: string };

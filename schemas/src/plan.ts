/**
 * The compiled plan a run executes: the workflow version with every node's policy resolved to
 * Temporal activity options. Types only, so the workflow bundle can import it.
 */

/** Retry settings of one node's activity, in Temporal's terms. */
export interface PlanRetry {
  readonly maximumAttempts: number;
  readonly initialInterval: string;
  readonly backoffCoefficient: number;
  readonly maximumInterval: string;
  readonly nonRetryableErrorTypes: readonly string[];
}

/** One node as the engine runs it. */
export interface PlanNode {
  readonly id: string;
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly startToCloseTimeout: string;
  readonly heartbeatTimeout: string;
  readonly retry: PlanRetry;
  readonly onError: 'fail' | 'continue' | 'route';
  /** Whether the node's output is the run's output. */
  readonly isOutput: boolean;
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
}

/** The input of the `runGraph` workflow. */
export interface RunGraphInput {
  readonly runId: string;
  readonly plan: CompiledPlan;
  readonly input: unknown;
}

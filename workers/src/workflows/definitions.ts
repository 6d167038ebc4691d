import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { NodeStatus } from '@weft/schemas/run';

/** Live state of one node, as the workflow sees it. */
export interface LiveNodeState {
  readonly status: NodeStatus;
}

/** An approval the run is waiting on. */
export interface PendingApproval {
  readonly nodeId: string;
  readonly title: string;
  readonly description?: string;
  /** When the node's timeout outcome applies (ISO 8601). */
  readonly deadline: string;
}

/** Live state of a run, from the `state` query. */
export interface LiveRunState {
  readonly nodes: Readonly<Record<string, LiveNodeState>>;
  readonly approvals: readonly PendingApproval[];
}

/** A person's decision on an approval node. */
export interface ApprovalDecision {
  /** The approval node; may be left out when the run waits on exactly one. */
  readonly nodeId?: string;
  readonly approved: boolean;
  readonly by: string;
  readonly comment?: string;
}

/** Per-node status of a running graph, and the approvals it waits on. */
export const stateQuery = defineQuery<LiveRunState>('state');

/** Approves or rejects a waiting approval node. */
export const approveSignal = defineSignal<[ApprovalDecision]>('approve');

/** The workflow type name clients start. */
export const RUN_GRAPH = 'runGraph';

/** The workflow type that runs a loop's items. */
export const RUN_LOOP = 'runLoop';

/** The workflow type a schedule starts: it records a run, then runs it as a `runGraph` child. */
export const SCHEDULED_RUN = 'scheduledRun';

/** What a schedule passes to each firing. */
export interface ScheduledRunInput {
  readonly scheduleId: string;
  readonly workflowId: string;
  readonly input: unknown;
}

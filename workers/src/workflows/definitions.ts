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
  /** For a tool call an agent wants to make: which call, and what it would do. */
  readonly call?: PendingCall;
}

/** A tool call waiting for a person: the approver sees the tool, its arguments and why it needs approval. */
export interface PendingCall {
  /** The call's key, `<runId>:<agent>:<turn>:<callId>`: what a decision names. */
  readonly key: string;
  /** The conversation (the agent node id, or a path for an agent called as a tool). */
  readonly agent: string;
  readonly turn: number;
  /** The tool's name as the model called it, and its node. */
  readonly tool: string;
  readonly toolNode: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly reason: string;
  /** JSON Schema of the tool's arguments: edited arguments must follow it. Absent for an approval node asked as a tool. */
  readonly parameters?: Readonly<Record<string, unknown>>;
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
  /** For an agent's tool call: its key (`PendingCall.key`). */
  readonly call?: string;
  /** For an agent's tool call: the arguments to run it with instead of the model's. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** Per-node status of a running graph, and the approvals it waits on. */
export const stateQuery = defineQuery<LiveRunState>('state');

/** Approves or rejects a waiting approval node. */
export const approveSignal = defineSignal<[ApprovalDecision]>('approve');

/** What an agent tells its run about a tool call waiting for a person (and when it stops waiting). */
export type AgentApprovalNotice = { readonly waiting: PendingApproval; readonly workflowId: string } | { readonly done: string };

/** Sent by an agent to its run's workflow, which lists its waiting calls and forwards decisions. */
export const agentApprovalSignal = defineSignal<[AgentApprovalNotice]>('agentApproval');

/** The workflow type of an agent's loop, a child of the run (or of the agent that called it as a tool). */
export const RUN_AGENT = 'runAgent';

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

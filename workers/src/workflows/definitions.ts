import { defineQuery } from '@temporalio/workflow';
import type { NodeStatus } from '@weft/schemas/run';

/** Live state of one node, as the workflow sees it. */
export interface LiveNodeState {
  readonly status: NodeStatus;
}

/** Live state of a run, from the `state` query. */
export interface LiveRunState {
  readonly nodes: Readonly<Record<string, LiveNodeState>>;
}

/** Per-node status of a running graph. */
export const stateQuery = defineQuery<LiveRunState>('state');

/** The workflow type name clients start. */
export const RUN_GRAPH = 'runGraph';

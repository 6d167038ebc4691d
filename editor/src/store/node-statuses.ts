import type { NodeStatus, RunView } from '@weft/schemas';

/** What a node shows: its status in the latest run, or `none` when that run did not touch it. */
export type NodeDisplayStatus = NodeStatus | 'none';

/** Status of every node a run reports, keyed by node id. No run gives an empty map. */
export function nodeStatusesOf(run: Pick<RunView, 'nodes'> | null): Readonly<Record<string, NodeStatus>> {
  const statuses: Record<string, NodeStatus> = {};
  if (!run) return statuses;
  for (const node of run.nodes) statuses[node.id] = node.status;
  return statuses;
}

/** The status a node shows, given the statuses of the latest run. */
export function displayStatus(statuses: Readonly<Record<string, NodeStatus>>, nodeId: string): NodeDisplayStatus {
  return Object.hasOwn(statuses, nodeId) ? statuses[nodeId]! : 'none';
}

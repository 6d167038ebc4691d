import { proxyActivities } from '@temporalio/workflow';
import { compensationAttempts, temporalAttempts, type PlanNode } from '@weft/schemas/plan';
import type { RunError } from '@weft/schemas/run';
import type { NodeActivities } from '../activities.js';
import type { NodeRequest } from '../node-requests.js';
import { toRunError } from './run-error.js';

/** A completed node rollback may undo, with what its compensation request may read. */
export interface Completed {
  readonly node: PlanNode;
  readonly request: NodeRequest;
  readonly output: unknown;
}

/** What a rollback undid, and what it could not. */
export interface RollbackResult {
  readonly undone: string[];
  readonly notUndone: { nodeId: string; error: RunError }[];
}

/**
 * Undoes completed nodes newest first, each compensation one activity with its own retries
 * (never fewer than three). Called in a non-cancellable scope; a compensation that fails is
 * reported, and the others still run.
 */
export async function rollback(completed: readonly Completed[], onUndone: (nodeId: string) => void): Promise<RollbackResult> {
  const undone: string[] = [];
  const notUndone: { nodeId: string; error: RunError }[] = [];
  for (const c of [...completed].reverse()) {
    try {
      await proxyActivities<Pick<NodeActivities, 'compensateNode'>>({
        activityId: `${c.node.id}-compensate`,
        startToCloseTimeout: c.node.startToCloseTimeout,
        heartbeatTimeout: c.node.heartbeatTimeout,
        retry: { ...c.node.retry, maximumAttempts: temporalAttempts(compensationAttempts(c.node)), nonRetryableErrorTypes: [...c.node.retry.nonRetryableErrorTypes] },
      }).compensateNode({ ...c.request, output: c.output });
      onUndone(c.node.id);
      undone.push(c.node.id);
    } catch (err) {
      notUndone.push({ nodeId: c.node.id, error: toRunError(c.node.id, err) });
    }
  }
  return { undone, notUndone };
}

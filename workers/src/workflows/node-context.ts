import { ApplicationFailure } from '@temporalio/workflow';
import type { CompiledPlan, PlanNode, RunRequest } from '@weft/schemas/plan';
import type { NodeStatus, RunError } from '@weft/schemas/run';
import type { NodeRequest, RunNodeResult } from '../node-requests.js';
import { recording } from './recording.js';

/** What a node the workflow handles itself (approval, wait, sub-workflow, loop, agent) may use. */
export interface HereContext {
  readonly runId: string;
  readonly plan: CompiledPlan;
  /** The run's input. */
  readonly input: unknown;
  readonly runRequest?: RunRequest;
  readonly node: PlanNode;
  readonly request: NodeRequest;
  /** Sets the node's live status (the `state` query). */
  setStatus(status: NodeStatus): void;
  /** Records the node's end: evaluates its edge conditions and stores its output (or error). */
  end(result: { output: unknown; ports?: readonly string[] } | { error: RunError }): Promise<RunNodeResult>;
  /** Records the node's failure and fails it for good. */
  fail(error: RunError): Promise<never>;
}

/** The end and fail helpers of a node's context, bound to its outgoing conditions. */
export function endings(request: NodeRequest, conditions: readonly { edgeId: string; when: string }[]): Pick<HereContext, 'end' | 'fail'> {
  const end: HereContext['end'] = (result) => recording.endNode({ ...request, conditions, result });
  return {
    end,
    fail: async (error) => {
      await end({ error });
      throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true });
    },
  };
}

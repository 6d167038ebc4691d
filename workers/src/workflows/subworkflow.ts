import { executeChild, isCancellation } from '@temporalio/workflow';
import type { RunNodeResult } from '../node-requests.js';
import { RUN_GRAPH } from './definitions.js';
import type { HereContext } from './node-context.js';
import { recording } from './recording.js';
import { toRunError } from './run-error.js';

/** A sub-workflow node: records a child run of the chosen version and runs it as a `runGraph` child whose id is the child run's id. */
export async function runSubworkflow(ctx: HereContext): Promise<RunNodeResult> {
  const { node, runId } = ctx;
  const begun = await recording.beginNode(ctx.request);
  const child = await recording.prepareChild({
    runId,
    nodeId: node.id,
    workflowId: String(begun.params['workflowId']),
    version: Number(begun.params['version']),
    input: begun.params['input'],
  });
  try {
    return ctx.end({ output: await executeChild(RUN_GRAPH, { workflowId: child.runId, args: [child] }) });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return ctx.fail(toRunError(node.id, err));
  }
}

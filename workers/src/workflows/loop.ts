import { executeChild, isCancellation } from '@temporalio/workflow';
import type { RunNodeResult } from '../node-requests.js';
import { RUN_LOOP } from './definitions.js';
import type { HereContext } from './node-context.js';
import { recording } from './recording.js';
import { toRunError } from './run-error.js';
import type { LoopInput } from './run-loop.js';

/** A loop node: keeps its items in the database and runs them in a `runLoop` child; its output is every item's result, in order. */
export async function runLoopNode(ctx: HereContext): Promise<RunNodeResult> {
  const { node, runId, request } = ctx;
  const begun = await recording.beginNode(request);
  if (!node.body || !begun.items) return ctx.fail({ type: 'UnknownNodeType', message: `the engine cannot run node "${node.id}" (mode ${node.mode})`, nodeId: node.id, retryable: false });
  const loop: LoopInput = {
    runId,
    workflowId: ctx.plan.workflowId,
    loopNodeId: node.id,
    body: node.body,
    itemsRef: begun.items.ref,
    count: begun.items.count,
    concurrency: Number(begun.params['concurrency'] ?? 4),
    start: 0,
    upstream: request.upstream,
    runInput: ctx.input,
    ...(ctx.runRequest ? { runRequest: ctx.runRequest } : {}),
  };
  try {
    await executeChild(RUN_LOOP, { workflowId: `${runId}-${node.id}-loop`, args: [loop] });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return ctx.fail(toRunError(node.id, err));
  }
  return ctx.end({ output: await recording.loopOutput({ runId, nodeId: node.id, count: loop.count }) });
}

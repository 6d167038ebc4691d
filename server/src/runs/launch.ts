import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { executionTimeoutOf, type RunGraphInput } from '@weft/schemas';
import { RUN_GRAPH } from '@weft/workers/definitions';

/** What starting a run's `runGraph` workflow takes: everything the run was recorded with. */
export interface RunLaunch {
  readonly args: RunGraphInput;
  readonly runTimeout?: string;
}

/**
 * Starts the `runGraph` workflow of a run, whose workflow id is the run id. Starting the same run
 * again is harmless: a running workflow is left as it is (`USE_EXISTING`, its execution answers)
 * and a closed one is never run again (`REJECT_DUPLICATE`). Returns the Temporal execution's id,
 * or `undefined` when the workflow has already closed.
 */
export async function launchRun(client: Client, taskQueue: string, { args, runTimeout }: RunLaunch): Promise<string | undefined> {
  // The run enforces its timeout itself (and rolls back); Temporal's is only a later backstop.
  const executionTimeout = runTimeout === undefined ? undefined : executionTimeoutOf(runTimeout);
  try {
    const handle = await client.workflow.start(RUN_GRAPH, {
      taskQueue,
      workflowId: args.runId,
      args: [args],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...(executionTimeout ? { workflowExecutionTimeout: executionTimeout } : {}),
    });
    return handle.firstExecutionRunId;
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw e;
  }
}

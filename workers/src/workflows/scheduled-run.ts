import { ActivityFailure, ApplicationFailure, executeChild, patched, workflowInfo } from '@temporalio/workflow';
import { executionTimeoutOf } from '@weft/schemas/plan';
import type { NodeActivities } from '../activities.js';
import { recording } from './recording.js';
import { RUN_GRAPH, type ScheduledRunInput } from './definitions.js';

/** Patch id of the backstop execution timeout, in place of the run timeout itself. */
const RUN_TIMEOUT_BACKSTOP = 'run-timeout-backstop';

/**
 * One firing of a schedule: records a run of the workflow's latest version, then runs it as a
 * `runGraph` child whose workflow id is the run id (so cancel, approve and state reach it), and
 * waits for it, so the schedule's overlap policy applies to whole runs.
 */
export async function scheduledRun({ scheduleId, workflowId, input }: ScheduledRunInput): Promise<unknown> {
  const info = workflowInfo();
  let prepared: Awaited<ReturnType<NodeActivities['createTriggeredRun']>>;
  try {
    prepared = await recording.createTriggeredRun({ firing: info.workflowId, firedAt: info.startTime.getTime(), trigger: 'schedule', ref: scheduleId, workflowId, input });
  } catch (err) {
    // Fail with the store's own words, not "activity task failed".
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
      throw ApplicationFailure.create({ type: err.cause.type ?? 'ScheduledRunFailed', message: `schedule ${scheduleId}: ${err.cause.message}`, nonRetryable: true });
    }
    throw err;
  }
  const { args, runTimeout } = prepared;
  // The run enforces its timeout itself (and rolls back); Temporal's is only a later backstop.
  // Firings that started their child before that replay with the timeout they started it with.
  const executionTimeout = runTimeout && (patched(RUN_TIMEOUT_BACKSTOP) ? executionTimeoutOf(runTimeout) : runTimeout);
  return executeChild(RUN_GRAPH, { workflowId: args.runId, args: [args], ...(executionTimeout ? { workflowExecutionTimeout: executionTimeout } : {}) });
}

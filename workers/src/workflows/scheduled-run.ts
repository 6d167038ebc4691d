import { ActivityFailure, ApplicationFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { NodeActivities } from '../activities.js';
import { RUN_GRAPH, type ScheduledRunInput } from './definitions.js';

/** Recording retries until the database answers; a missing or broken workflow fails at once. */
const store = proxyActivities<Pick<NodeActivities, 'createTriggeredRun'>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * One firing of a schedule: records a run of the workflow's latest version, then runs it as a
 * `runGraph` child whose workflow id is the run id (so cancel, approve and state reach it), and
 * waits for it, so the schedule's overlap policy applies to whole runs.
 */
export async function scheduledRun({ scheduleId, workflowId, input }: ScheduledRunInput): Promise<unknown> {
  const info = workflowInfo();
  let prepared: Awaited<ReturnType<NodeActivities['createTriggeredRun']>>;
  try {
    prepared = await store.createTriggeredRun({ firing: info.workflowId, firedAt: info.startTime.getTime(), trigger: 'schedule', ref: scheduleId, workflowId, input });
  } catch (err) {
    // Fail with the store's own words, not "activity task failed".
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
      throw ApplicationFailure.create({ type: err.cause.type ?? 'ScheduledRunFailed', message: `schedule ${scheduleId}: ${err.cause.message}`, nonRetryable: true });
    }
    throw err;
  }
  const { args, runTimeout } = prepared;
  return executeChild(RUN_GRAPH, { workflowId: args.runId, args: [args], ...(runTimeout ? { workflowExecutionTimeout: runTimeout } : {}) });
}

import { ActivityFailure, ApplicationFailure, executeChild, workflowInfo } from '@temporalio/workflow';
import type { NodeActivities } from '../activities.js';
import { recording } from './recording.js';
import { RUN_GRAPH, type ScheduledRunInput } from './definitions.js';

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
  return executeChild(RUN_GRAPH, { workflowId: args.runId, args: [args], ...(runTimeout ? { workflowExecutionTimeout: runTimeout } : {}) });
}

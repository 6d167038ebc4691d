import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { NodeActivities } from '../activities.js';
import type { RunStatusChange } from '@weft/store';

/**
 * Options of the activities that record a run (statuses, attempts, children, loop items,
 * transcripts). They retry until the database answers: a run's record must never be lost. One
 * definition for every workflow.
 */
export const RECORDING_OPTIONS = {
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
} as const;

/** The recording activities, with {@link RECORDING_OPTIONS}. */
export const recording = proxyActivities<
  Pick<NodeActivities, 'setRunStatus' | 'beginNode' | 'endNode' | 'prepareChild' | 'loopItems' | 'loopOutput' | 'createTriggeredRun'>
>(RECORDING_OPTIONS);

// Retried by this worker, as long as a regular one would be: the retry interval never reaches the
// SDK's local retry threshold (1 minute), so retries stay in the worker without a timer between.
const localRecording = proxyLocalActivities<Pick<NodeActivities, 'setRunStatus'>>(RECORDING_OPTIONS);

/**
 * Records a run's status: as a local activity (a marker in the history, no round trip through the
 * server's task queues) in runs started since {@link LOCAL_RUN_STATUS}, else as a regular one, so
 * histories recorded before replay. A local activity runs again when its worker dies before the
 * workflow task completes; that is harmless, since a status write is idempotent (the same status
 * is not written twice and a final one is never replaced).
 */
export function setRunStatus(change: RunStatusChange): Promise<void> {
  return patched(LOCAL_RUN_STATUS) ? localRecording.setRunStatus(change) : recording.setRunStatus(change);
}

const LOCAL_RUN_STATUS = 'run-status-local';

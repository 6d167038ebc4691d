import { proxyActivities } from '@temporalio/workflow';
import type { NodeActivities } from '../activities.js';

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

import { proxyActivities } from '@temporalio/workflow';
import type { NodeActivities } from '../activities.js';

/**
 * The activities that record a run (statuses, attempts, children, loop items). They retry until
 * the database answers: a run's record must never be lost. One definition for every workflow.
 */
export const recording = proxyActivities<
  Pick<NodeActivities, 'setRunStatus' | 'beginNode' | 'endNode' | 'prepareChild' | 'loopItems' | 'loopOutput' | 'createTriggeredRun'>
>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

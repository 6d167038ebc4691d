import { ApiError, getRun } from '../api/client';
import { startTestRun } from '../api/runs';
import { describeError } from '../api/useResource';
import { isFinalRunStatus } from '../runs/status';
import { useSampleStore } from './sample-store';
import type { TestStepPlan } from './test-step';

/** How often a test run is fetched until it ends. */
const POLL_MS = 500;
/** How long a test run is followed here; past that, the run's page follows it. */
const FOLLOW_MS = 10 * 60_000;


/**
 * Starts a test run of one node as planned and follows it, writing where it is to the sample
 * store (so the result stays when another node is selected meanwhile).
 */
export async function runTestStep(workflowId: string, nodeId: string, plan: TestStepPlan): Promise<void> {
  const report = (r: Parameters<ReturnType<typeof useSampleStore.getState>['setResult']>[2]) => useSampleStore.getState().setResult(workflowId, nodeId, r);
  report({ state: 'starting' });
  let runId: string;
  try {
    runId = await startTestRun(workflowId, plan.input, plan.mocks);
  } catch (e) {
    report({ state: 'failed', message: `Could not start the test run: ${describeError(e)}` });
    return;
  }
  const until = Date.now() + FOLLOW_MS;
  for (;;) {
    try {
      const run = await getRun(runId);
      const final = isFinalRunStatus(run.status);
      report({ state: final ? 'done' : 'running', runId, runStatus: run.status, node: run.nodes.find((n) => n.id === nodeId) ?? null, runError: run.error });
      if (final) return;
    } catch (e) {
      // A run that is gone, or a token no longer accepted, will not come back; a blip may.
      if (e instanceof ApiError && (e.status === 404 || e.status === 401)) {
        report({ state: 'failed', runId, message: `Could not follow the test run: ${describeError(e)}` });
        return;
      }
    }
    if (Date.now() > until) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

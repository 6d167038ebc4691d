import { CancellationScope, isCancellation, patched, sleep, workflowInfo } from '@temporalio/workflow';
import { durationToMs } from '@weft/schemas/plan';
import type { RunError } from '@weft/schemas/run';

/** Patch id of the run timeout timer: histories of runs started before it have no such timer. */
export const RUN_TIMEOUT_TIMER = 'run-timeout-timer';

/** A run's timeout timer, racing its graph. */
export interface RunTimer {
  /** Whether the timeout fired (and cancelled the graph). */
  readonly expired: () => boolean;
  /** The run's error once the timeout has fired. */
  readonly error: RunError;
  /** Stops the timer: the graph ended first. */
  stop(): void;
}

/**
 * Starts a durable timer for the run's timeout, counted from the workflow's start, that cancels
 * `graph` when it fires. None when the run has no timeout, or when it started before this timer
 * existed (a replay of its history must issue the same commands).
 */
export function startRunTimer(runTimeout: string | undefined, graph: CancellationScope): RunTimer | undefined {
  const ms = runTimeout === undefined ? undefined : durationToMs(runTimeout);
  if (ms === undefined || !patched(RUN_TIMEOUT_TIMER)) return undefined;
  // Workflow time is deterministic: time spent before a worker took the run counts too.
  const left = Math.max(1, ms - (Date.now() - workflowInfo().startTime.getTime()));
  const scope = new CancellationScope();
  let expired = false;
  void scope
    .run(() => sleep(left))
    .then(
      () => {
        expired = true;
        graph.cancel();
      },
      (err: unknown) => {
        // Stopped, or the whole run was cancelled first: cancellation has its own path.
        if (!isCancellation(err)) throw err;
      },
    );
  return {
    expired: () => expired,
    error: { type: 'RunTimeout', message: `the run took longer than its run timeout of ${runTimeout}`, retryable: false },
    stop: () => scope.cancel(),
  };
}

import type { Client } from '@temporalio/client';
import { FINAL_RUN_STATUSES } from '@weft/schemas';
import type { Db, RunRow } from '@weft/store';
import { findRun } from '@weft/store/repositories/run.repository';

/** What waiting for a run's end needs. */
export interface RunEndDeps {
  readonly db: Db;
  /** Temporal, whose long poll on the run's workflow answers as it closes; without it, only the row is read. */
  readonly client?: Client;
  /** How often the run row is read while waiting, as a backstop; 1000 ms by default. */
  readonly backstopMs?: number;
}

/** How long a wait lasts, and what ends it early. */
export interface RunEndWait {
  /** Longest wait, in ms; 0 reads the row once. */
  readonly timeoutMs: number;
  /** Ends the wait early (the caller went away); the row is read once more. */
  readonly signal?: AbortSignal;
}

const ended = (run: RunRow) => FINAL_RUN_STATUSES.includes(run.status);

/**
 * Waits until the run has ended or the wait is over, then answers with its row as read at that
 * moment (`undefined` for no such run). The end comes from Temporal's long poll on the run's
 * workflow (its workflow id is the run id), which works wherever the API runs, with or without
 * a worker in its process. It is consistent with the row: `runGraph` records the final status
 * (a local activity, retried until the database takes it) before it returns or fails. Whatever else
 * ends the poll — a workflow not started yet (queued), terminated, timed out or reset, Temporal
 * away — only makes the row be read again; the poll is asked again at most once per backstop
 * period, and the row is read each period too, so a run whose row ends without its workflow
 * closing (a queued run cancelled before it started) is still seen.
 */
export async function waitForRunEnd(deps: RunEndDeps, runId: string, wait: RunEndWait): Promise<RunRow | undefined> {
  const backstopMs = deps.backstopMs ?? 1000;
  const deadline = Date.now() + wait.timeoutMs;
  // Ends the long poll and the pause of the current period, whether the wait is over or the caller left.
  const over = new AbortController();
  const leave = () => over.abort();
  if (wait.signal?.aborted) over.abort();
  else wait.signal?.addEventListener('abort', leave, { once: true });
  let watch: Promise<void> | undefined;
  let watchedAt = -Infinity;
  try {
    for (;;) {
      const run = await findRun(deps.db, runId);
      const left = deadline - Date.now();
      if (!run || ended(run) || left <= 0 || over.signal.aborted) return run;
      if (!watch && deps.client && Date.now() - watchedAt >= backstopMs) {
        watchedAt = Date.now();
        const polled: Promise<void> = workflowClosed(deps.client, runId, over.signal).finally(() => {
          if (watch === polled) watch = undefined;
        });
        watch = polled;
      }
      const period = pause(Math.min(backstopMs, left), over.signal);
      try {
        await (watch ? Promise.race([watch, period.done]) : period.done);
      } finally {
        period.cancel();
      }
    }
  } finally {
    over.abort();
    wait.signal?.removeEventListener('abort', leave);
  }
}

/** Resolves when Temporal says the run's workflow has closed, or when it cannot say (never rejects). */
async function workflowClosed(client: Client, runId: string, signal: AbortSignal): Promise<void> {
  try {
    // Follows continue-as-new and retries to the execution that really ends the run.
    await client.withAbortSignal(signal, () => client.workflow.getHandle(runId).result());
  } catch {
    // Failed, cancelled, terminated, not started yet, aborted or unreachable: the row tells how the run stands.
  }
}

/** A timer that resolves after `ms`, or at once when `signal` aborts; `cancel` clears it. */
function pause(ms: number, signal: AbortSignal): { done: Promise<void>; cancel(): void } {
  let cancel = () => undefined as void;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const stop = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      resolve();
    };
    cancel = stop;
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  return { done, cancel };
}

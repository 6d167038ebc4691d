import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createRunPlanner, type NodeRegistry } from '@weft/nodes';
import { FINAL_RUN_STATUSES, type RunError, type RunGraphInput, type RunRequest, type RunStatus, errorMessage } from '@weft/schemas';
import type { Db } from '@weft/store';
import { findRun, listQueuedRuns, listQuietRuns, reusedResults, updateRunStatus } from '@weft/store/repositories/run.repository';
import { findWorkflow } from '@weft/store/repositories/workflow.repository';
import type { RunRow } from '@weft/store';
import { launchRun } from './runs/index.js';
import { log } from '@weft/workers/process';

/** What the reconciler needs: the same things the run service starts runs with. */
export interface RunReconcilerDeps {
  readonly db: Db;
  readonly client: Client;
  readonly taskQueue: string;
  readonly registry: NodeRegistry;
  readonly localActivities?: boolean;
  /**
   * How old a queued run must be before it counts as lost; 60 s by default. Longer than a start
   * request can take (the client retries an unreachable Temporal for about 20 s), so a start still
   * under way, which may yet be refused and its run removed, is never raced.
   */
  readonly graceMs?: number;
  /** How many queued runs, and how many quiet running ones, one pass looks at; 100 by default. */
  readonly batch?: number;
  /**
   * How long a `running` or `waiting` run must have recorded nothing before the pass asks Temporal
   * whether its workflow still runs; 5 minutes by default.
   */
  readonly quietMs?: number;
}

/** What one pass did, by run id. */
export interface ReconcileReport {
  /** Started again: recorded, but their workflow had never started. */
  readonly started: string[];
  /** Could not be started again (version gone, plan no longer compiles) or whose workflow ended unrecorded: now `failed` or `cancelled`. */
  readonly ended: string[];
  /** Left as they are: their workflow runs, or the workflow that starts them (a parent run, a schedule's firing) still may. */
  readonly left: string[];
  /** Recorded `running` or `waiting`, but their workflow had closed without recording the end (terminated, timed out in Temporal): now `failed` or `cancelled`. */
  readonly settled: string[];
}

/**
 * Heals runs recorded `queued` whose workflow never started (the process died between the two,
 * or Temporal was away): starts each again exactly as its first start would have (same run id,
 * version, input, request and reused results; a repeat is harmless), or, when that is no longer
 * possible, ends it `failed` with a `StartLost` error saying why. Then settles runs still recorded
 * as under way whose workflow closed with no code of ours running (see `settleClosedRun`).
 */
export async function reconcileRuns(deps: RunReconcilerDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { started: [], ended: [], left: [], settled: [] };
  const rows = await listQueuedRuns(deps.db, { olderThanMs: deps.graceMs ?? 60_000, limit: deps.batch ?? 100 });
  for (const row of rows) {
    // One run that cannot be settled now (Temporal away, a bad row) must not hold up the others.
    const outcome = await reconcileRun(deps, row).catch((e: Error) => {
      log.warn(`could not reconcile queued run ${row.id} (tried again later): ${e.message}`, { runId: row.id });
      return 'left' as const;
    });
    report[outcome].push(row.id);
  }
  for (const row of await listQuietRuns(deps.db, { quietMs: deps.quietMs ?? 5 * 60_000, limit: deps.batch ?? 100 })) {
    const settled = await settleClosedRun(deps, row).catch((e: Error) => {
      log.warn(`could not check running run ${row.id} (tried again later): ${e.message}`, { runId: row.id });
      return false;
    });
    if (settled) report.settled.push(row.id);
  }
  return report;
}

/** How a run whose workflow closed this way, recording nothing, ends. */
const CLOSED_UNRECORDED: Readonly<Record<string, { status: RunStatus; type: string; what: string }>> = {
  TERMINATED: { status: 'failed', type: 'RunTerminated', what: "the run's workflow was terminated in Temporal" },
  TIMED_OUT: { status: 'failed', type: 'RunTimeout', what: "the run's workflow timed out in Temporal (its execution timeout passed)" },
  CANCELLED: { status: 'cancelled', type: 'Cancelled', what: "the run's workflow was cancelled in Temporal before it could roll back" },
  NOT_FOUND: { status: 'failed', type: 'RunTerminated', what: "Temporal no longer knows the run's workflow" },
};

/**
 * Ends a run recorded as under way whose workflow has closed without recording its end: it was
 * terminated from outside (Temporal UI or CLI), hit Temporal's execution timeout (the backstop
 * behind the run timeout `runGraph` enforces itself), or is gone from Temporal altogether. No code
 * of ours ran then, so nothing was compensated: the error says so. Node attempts still recorded
 * running read as failed once the run has ended. Says whether the run was ended here.
 */
async function settleClosedRun({ db, client }: RunReconcilerDeps, row: RunRow): Promise<boolean> {
  const closed = await client.workflow
    .getHandle(row.id)
    .describe()
    .then((d) => (d.status.name === 'RUNNING' ? undefined : d.status.name))
    .catch((e: unknown) => {
      if (e instanceof WorkflowNotFoundError) return 'NOT_FOUND' as const;
      throw e;
    });
  if (!closed) return false;
  const { status, type, what } = CLOSED_UNRECORDED[closed] ?? { status: 'failed', type: 'RunTerminated', what: `the run's workflow ended (${closed.toLowerCase()}) in Temporal` };
  const error: RunError = { type, message: `${what}; nothing was compensated and no end was recorded`, retryable: false };
  // A final status is never replaced: an end the workflow did record wins.
  if (!(await updateRunStatus(db, { runId: row.id, status, error }))) return false;
  log.warn(`run ${row.id} ${status}: ${error.message}`, { runId: row.id });
  return true;
}

async function reconcileRun(deps: RunReconcilerDeps, row: RunRow): Promise<keyof ReconcileReport> {
  const { db, client, taskQueue, registry, localActivities = true } = deps;
  const lost = async (message: string): Promise<'ended'> => {
    const error: RunError = { type: 'StartLost', message, retryable: false };
    if (await updateRunStatus(db, { runId: row.id, status: 'failed', from: 'queued', error })) log.warn(`run ${row.id} failed: ${message}`, { runId: row.id });
    return 'ended';
  };

  const existing = await client.workflow
    .getHandle(row.id)
    .describe()
    .catch((e: unknown) => {
      if (e instanceof WorkflowNotFoundError) return undefined;
      throw e;
    });
  if (existing) {
    if (existing.status.name === 'RUNNING') return 'left';
    // It ended without recording anything (terminated, or timed out before a worker took it).
    const status: RunStatus = existing.status.name === 'CANCELLED' ? 'cancelled' : 'failed';
    const error: RunError = { type: 'StartLost', message: `the run's workflow ended (${existing.status.name.toLowerCase()}) before the run recorded its start`, retryable: false };
    await updateRunStatus(db, { runId: row.id, status, from: 'queued', error });
    return 'ended';
  }

  if (row.parent_run_id) {
    // A sub-run is started by its parent's workflow; only a parent that has ended will not.
    const parent = await findRun(db, row.parent_run_id);
    if (parent && !FINAL_RUN_STATUSES.includes(parent.status)) return 'left';
    return lost(`its parent run ${row.parent_run_id} ended before starting it`);
  }
  // A schedule's firing workflow records the run, then starts it as its child: Temporal retries that durably.
  if (row.trigger === 'schedule') return 'left';

  const wf = await findWorkflow(db, row.workflow_id, row.version);
  if (!wf) return lost(`its start was lost and it cannot be started again: version ${row.version} of workflow ${row.workflow_id} no longer exists`);
  if (wf.hash !== row.hash) return lost(`its start was lost and it cannot be started again: version ${row.version} of workflow ${row.workflow_id} is not the document it was recorded with`);
  let plan;
  try {
    plan = createRunPlanner(registry, { localActivities }).plan(wf);
  } catch (e) {
    return lost(`its start was lost and it cannot be started again: version ${row.version} of workflow ${row.workflow_id} no longer compiles (${errorMessage(e)})`);
  }
  const reuse = row.rerun_of ? await reusedResults(db, row.id) : {};
  const args: RunGraphInput = {
    runId: row.id,
    plan,
    input: row.input,
    ...(Object.keys(reuse).length ? { reuse } : {}),
    ...(row.request ? { request: row.request as RunRequest } : {}),
  };
  // Cancelled meanwhile: it must not start.
  if ((await findRun(db, row.id))?.status !== 'queued') return 'ended';
  await launchRun(client, taskQueue, { args, runTimeout: wf.document.settings.runTimeout });
  // A cancel that landed between the check and the start found no workflow to stop: stop it now.
  if ((await findRun(db, row.id))?.status === 'cancelled') await client.workflow.getHandle(row.id).cancel();
  log.info(`started run ${row.id} again: it was recorded but its workflow had never started`, { runId: row.id });
  return 'started';
}

/** A reconciler running in the background. */
export interface RunReconciler {
  /** Waits for the pass under way, if any, and runs no more. */
  stop(): Promise<void>;
}

/**
 * Runs `reconcileRuns` once now and then every `intervalMs` (0: only once) until stopped. A pass
 * that fails (Temporal or the database away) is logged and tried again at the next tick.
 */
export function startRunReconciler(deps: RunReconcilerDeps, intervalMs: number): RunReconciler {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const tick = () => {
    pass = reconcileRuns(deps)
      .then((r) => {
        if (r.started.length || r.ended.length || r.settled.length) log.info(`reconciled runs: ${r.started.length} queued started again, ${r.ended.length} queued ended, ${r.settled.length} whose workflow had closed ended`);
      })
      .catch((e: Error) => log.warn(`could not reconcile runs (tried again later): ${e.message}`))
      .finally(() => {
        if (!stopped && intervalMs > 0) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}

import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { compilePlan, type NodeRegistry } from '@weft/nodes';
import { FINAL_RUN_STATUSES, type RunError, type RunGraphInput, type RunRequest, type RunStatus } from '@weft/schemas';
import type { Db } from './db/database.js';
import { findRun, listQueuedRuns, reusedResults, updateRunStatus } from './db/repositories/run.repository.js';
import { findWorkflow } from './db/repositories/workflow.repository.js';
import type { RunRow } from './db/tables/index.js';
import { log } from './log.js';
import { launchRun } from './runs.js';

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
  /** How many queued runs one pass looks at; 100 by default. */
  readonly batch?: number;
}

/** What one pass did, by run id. */
export interface ReconcileReport {
  /** Started again: recorded, but their workflow had never started. */
  readonly started: string[];
  /** Could not be started again (version gone, plan no longer compiles) or whose workflow ended unrecorded: now `failed` or `cancelled`. */
  readonly ended: string[];
  /** Left as they are: their workflow runs, or the workflow that starts them (a parent run, a schedule's firing) still may. */
  readonly left: string[];
}

/**
 * Heals runs recorded `queued` whose workflow never started (the process died between the two,
 * or Temporal was away): starts each again exactly as its first start would have (same run id,
 * version, input, request and reused results; a repeat is harmless), or, when that is no longer
 * possible, ends it `failed` with a `StartLost` error saying why.
 */
export async function reconcileRuns(deps: RunReconcilerDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { started: [], ended: [], left: [] };
  const rows = await listQueuedRuns(deps.db, { olderThanMs: deps.graceMs ?? 60_000, limit: deps.batch ?? 100 });
  for (const row of rows) {
    // One run that cannot be settled now (Temporal away, a bad row) must not hold up the others.
    const outcome = await reconcileRun(deps, row).catch((e: Error) => {
      log.warn(`could not reconcile queued run ${row.id} (tried again later): ${e.message}`, { runId: row.id });
      return 'left' as const;
    });
    report[outcome].push(row.id);
  }
  return report;
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
    if (parent && !FINAL_RUN_STATUSES.includes(parent.status as RunStatus)) return 'left';
    return lost(`its parent run ${row.parent_run_id} ended before starting it`);
  }
  // A schedule's firing workflow records the run, then starts it as its child: Temporal retries that durably.
  if (row.trigger === 'schedule') return 'left';

  const wf = await findWorkflow(db, row.workflow_id, row.version);
  if (!wf) return lost(`its start was lost and it cannot be started again: version ${row.version} of workflow ${row.workflow_id} no longer exists`);
  if (wf.hash !== row.hash) return lost(`its start was lost and it cannot be started again: version ${row.version} of workflow ${row.workflow_id} is not the document it was recorded with`);
  let plan;
  try {
    plan = compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry, { localActivities });
  } catch (e) {
    return lost(`its start was lost and it cannot be started again: version ${row.version} of workflow ${row.workflow_id} no longer compiles (${(e as Error).message})`);
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
        if (r.started.length || r.ended.length) log.info(`reconciled queued runs: ${r.started.length} started again, ${r.ended.length} ended`);
      })
      .catch((e: Error) => log.warn(`could not reconcile queued runs (tried again later): ${e.message}`))
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

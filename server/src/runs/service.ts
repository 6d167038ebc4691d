import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createRunPlanner, newRunId, type NodeRegistry } from '@weft/nodes';
import { FINAL_RUN_STATUSES, type ReusedResult, type RunGraphInput, type RunRequest, errorMessage } from '@weft/schemas';
import { approveSignal, stateQuery, type LiveRunState } from '@weft/workers/definitions';
import type { Db, RunRow } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { deleteUnstartedRun, findRun, insertRun, listNodeRuns, recordReused, updateRunStatus } from '@weft/store/repositories/run.repository';
import { findWorkflow, type StoredWorkflow } from '@weft/store/repositories/workflow.repository';
import { waitForRunEnd, type RunEndWait } from '../run-end.js';
import { decisionTarget, type Decision } from './decide.js';
import { RunActive, RunFinished, RunNotFound, TemporalUnavailable, VersionNotFound } from './errors.js';
import { launchRun } from './launch.js';
import { planRerun, type RerunPlan } from './rerun.js';

/** Who asked, for the audit log. */
export interface Actor {
  readonly id: string;
  readonly name: string;
}

/**
 * Starts and steers runs on Temporal. Refusals and failures are thrown as `RunServiceError`s
 * (`RunNotFound`, `TemporalUnavailable`, …); the routes decide what they answer over HTTP.
 */
export interface RunStarter {
  /**
   * Records a queued run, starts `runGraph` for it, and returns the run id. When Temporal refuses
   * the start, the record is removed again and `TemporalUnavailable` is thrown: nothing was started.
   */
  start(wf: StoredWorkflow, input: unknown, meta: { trigger: string; triggerRef?: string; createdBy: string | null; reuse?: Record<string, ReusedResult>; rerunOf?: string; request?: RunRequest; idempotentId?: string }): Promise<string>;
  /**
   * Asks the run to stop; it rolls back what it can. A queued run whose workflow never started
   * ends `cancelled` at once (`'cancelled'`); otherwise its workflow is asked (`'cancelling'`).
   */
  cancel(runId: string, actor: Actor): Promise<'cancelling' | 'cancelled'>;
  /** Approves or rejects a waiting approval node (or an agent's tool call). */
  decide(runId: string, d: Decision, actor: Actor): Promise<{ nodeId: string; call?: string }>;
  /** The run's live per-node state and pending approvals, from the workflow itself. */
  state(runId: string): Promise<LiveRunState>;
  /**
   * Plans (and unless `dryRun`, starts) a new run that reuses the recorded results of every node
   * not downstream of `fromNode`.
   */
  rerun(runId: string, r: { fromNode: string; version?: number; dryRun: boolean }, actor: Actor): Promise<RerunPlan>;
  /**
   * Waits until the run has ended or the wait is over, and answers with its row as it then is
   * (`undefined` for no such run): on Temporal's word that its workflow closed, not by polling
   * (see `waitForRunEnd`).
   */
  waitForEnd(runId: string, wait: RunEndWait): Promise<RunRow | undefined>;
}

/** Options of the run service. */
export interface RunStarterDeps {
  readonly db: Db;
  readonly client: Client;
  readonly taskQueue: string;
  readonly registry: NodeRegistry;
  /** Whether light nodes run as local activities (`WEFT_LOCAL_ACTIVITIES`); true by default. */
  readonly localActivities?: boolean;
  /** Whether chains of pure nodes run as one activity; true by default (false: the benchmarks' unfused case). */
  readonly fuse?: boolean;
  /** How often a wait for a run's end reads the run row besides Temporal's answer, in ms; 1000 by default. */
  readonly endBackstopMs?: number;
}

/** The domain error for a Temporal call that failed: a workflow gone means the run has ended. */
function fromTemporal(e: unknown): never {
  if (e instanceof WorkflowNotFoundError) throw new RunFinished('the run is no longer running');
  throw new TemporalUnavailable(`Temporal did not answer: ${errorMessage(e)}`);
}

/** Builds the run service. */
export function createRunStarter({ db, client, taskQueue, registry, localActivities = true, fuse = true, endBackstopMs }: RunStarterDeps): RunStarter {
  const planner = createRunPlanner(registry, { localActivities, fuse });
  const active = async (runId: string) => {
    const run = await findRun(db, runId);
    if (!run) throw new RunNotFound(`no run ${runId}`);
    if (FINAL_RUN_STATUSES.includes(run.status)) throw new RunFinished(`run ${runId} has already ended (${run.status})`);
    return run;
  };
  const state = async (runId: string): Promise<LiveRunState> =>
    client.workflow
      .getHandle(runId)
      .query(stateQuery)
      .catch(async (e: unknown) => {
        // A queued run whose workflow has not started yet: nothing runs and nothing waits.
        if (e instanceof WorkflowNotFoundError && (await findRun(db, runId))?.status === 'queued') return { nodes: {}, approvals: [] };
        return fromTemporal(e);
      });

  const start: RunStarter['start'] = async (wf, input, meta) => {
    const runId = meta.idempotentId ? `run_k${meta.idempotentId.slice(0, 24)}` : newRunId();
    // A repeat of a request that died after recording its run (its key's lease ran out): that
    // run, which the reconciler has started meanwhile if its start was lost too.
    if (meta.idempotentId && (await findRun(db, runId))) return runId;
    const plan = planner.plan(wf);
    // One transaction: a run recorded at all is recorded with everything needed to start it
    // again (its request and reused results), should this process die before Temporal starts it.
    await db.transaction().execute(async (tx) => {
      await insertRun(tx, {
        id: runId,
        workflowId: wf.id,
        version: wf.version,
        hash: wf.hash,
        input,
        trigger: meta.trigger,
        createdBy: meta.createdBy,
        ...(meta.rerunOf ? { rerunOf: meta.rerunOf } : {}),
        ...(meta.triggerRef ? { triggerRef: meta.triggerRef } : {}),
        ...(meta.request ? { request: meta.request } : {}),
      });
      if (meta.reuse) await recordReused(tx, runId, meta.reuse, wf);
    });
    const args: RunGraphInput = { runId, plan, input, ...(meta.reuse ? { reuse: meta.reuse } : {}), ...(meta.request ? { request: meta.request } : {}) };
    try {
      await launchRun(client, taskQueue, { args, runTimeout: wf.document.settings.runTimeout });
    } catch (e) {
      // The caller is told nothing started, so nothing may remain recorded. A run that moved on
      // meanwhile did start (the refusal was only a late answer) and is kept.
      if (await deleteUnstartedRun(db, runId)) throw new TemporalUnavailable(`Temporal did not accept the run, so nothing was started: ${errorMessage(e)}`);
    }
    return runId;
  };

  return {
    start,

    async cancel(runId, actor) {
      const run = await active(runId);
      const handle = client.workflow.getHandle(runId);
      let outcome: 'cancelling' | 'cancelled' = 'cancelling';
      try {
        await handle.cancel();
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError) || run.status !== 'queued') fromTemporal(e);
        // Recorded but never started (its start was lost): nothing ran, so it ends here.
        await updateRunStatus(db, { runId, status: 'cancelled', from: 'queued', error: { type: 'Cancelled', message: 'the run was cancelled before it started', retryable: false } });
        outcome = 'cancelled';
        // A start racing with this cancel (the reconciler's) is cancelled too; its rollback has nothing to undo.
        await handle.cancel().catch((again: unknown) => (again instanceof WorkflowNotFoundError ? undefined : fromTemporal(again)));
      }
      await appendAudit(db, { actor: actor.id, action: 'run.cancel', target: runId, details: { by: actor.name, ...(outcome === 'cancelled' ? { notStarted: true } : {}) } });
      return outcome;
    },

    async decide(runId, d, actor) {
      await active(runId);
      const target = decisionTarget(runId, await state(runId), d);
      await client.workflow
        .getHandle(runId)
        .signal(approveSignal, {
          nodeId: target.nodeId,
          approved: d.approved,
          by: actor.name,
          ...(d.comment ? { comment: d.comment } : {}),
          ...(target.call ? { call: target.call } : {}),
          ...(d.arguments ? { arguments: d.arguments } : {}),
        })
        .catch(fromTemporal);
      const action = target.call ? (d.approved ? 'run.approve_call' : 'run.reject_call') : d.approved ? 'run.approve' : 'run.reject';
      const call = target.call ? { call: target.call, tool: target.tool, arguments: target.proposed, ...(d.arguments ? { editedArguments: d.arguments } : {}) } : {};
      await appendAudit(db, { actor: actor.id, action, target: runId, details: { nodeId: target.nodeId, by: actor.name, comment: d.comment ?? null, ...call } });
      return { nodeId: target.nodeId, ...(target.call ? { call: target.call } : {}) };
    },

    state,

    waitForEnd: (runId, wait) => waitForRunEnd({ db, client, ...(endBackstopMs === undefined ? {} : { backstopMs: endBackstopMs }) }, runId, wait),

    async rerun(runId, r, actor) {
      const original = await findRun(db, runId);
      if (!original) throw new RunNotFound(`no run ${runId}`);
      if (!FINAL_RUN_STATUSES.includes(original.status)) throw new RunActive(`run ${runId} is still ${original.status}; re-run it once it has ended (or cancel it first)`);
      const version = r.version ?? original.version;
      const wf = await findWorkflow(db, original.workflow_id, version);
      if (!wf) throw new VersionNotFound(`workflow ${original.workflow_id} has no version ${version}`, [{ path: '$.version', message: `no version ${version}` }]);
      const { plan, reuse } = planRerun(runId, wf, () => planner.plan(wf), await listNodeRuns(db, runId), r.fromNode);
      if (r.dryRun) return plan;
      const newRunId = await start(wf, original.input, { trigger: 'rerun', createdBy: actor.id, reuse, rerunOf: runId });
      await appendAudit(db, { actor: actor.id, action: 'run.rerun', target: newRunId, details: { rerunOf: runId, fromNode: r.fromNode, version } });
      return { ...plan, runId: newRunId };
    },
  };
}

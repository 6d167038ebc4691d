import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { compilePlan, type NodeRegistry } from '@weft/nodes';
import { z } from 'zod';
import { executionTimeoutOf, FINAL_RUN_STATUSES, jsonPath, reachableFrom, type ReusedResult, type RunGraphInput, type RunRequest, type RunStatus } from '@weft/schemas';
import { approveSignal, RUN_GRAPH, stateQuery, type LiveRunState } from '@weft/workers/definitions';
import type { Db } from './db/database.js';
import { appendAudit } from './db/repositories/audit.repository.js';
import { deleteUnstartedRun, findRun, insertRun, listNodeRuns, recordReused, updateRunStatus } from './db/repositories/run.repository.js';
import { findWorkflow } from './db/repositories/workflow.repository.js';
import type { NodeRunRow, RunRow } from './db/tables/index.js';
import type { StoredWorkflow } from './db/repositories/workflow.repository.js';
import { HttpError } from './errors.js';
import { waitForRunEnd, type RunEndWait } from './run-end.js';

/** Who asked, for the audit log. */
export interface Actor {
  readonly id: string;
  readonly name: string;
}

/** Starts and steers runs on Temporal. */
export interface RunStarter {
  /**
   * Records a queued run, starts `runGraph` for it, and returns the run id. When Temporal refuses
   * the start, the record is removed again and a 503 is thrown: nothing was started.
   */
  start(wf: StoredWorkflow, input: unknown, meta: { trigger: string; triggerRef?: string; createdBy: string | null; reuse?: Record<string, ReusedResult>; rerunOf?: string; request?: RunRequest; idempotentId?: string }): Promise<string>;
  /**
   * Asks the run to stop; it rolls back what it can. A queued run whose workflow never started
   * ends `cancelled` at once (`'cancelled'`); otherwise its workflow is asked (`'cancelling'`).
   */
  cancel(runId: string, actor: Actor): Promise<'cancelling' | 'cancelled'>;
  /** Approves or rejects a waiting approval node. */
  decide(runId: string, d: { nodeId?: string; call?: string; arguments?: Record<string, unknown>; approved: boolean; comment?: string }, actor: Actor): Promise<{ nodeId: string; call?: string }>;
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

/** What a re-run does again and what it reuses. */
export interface RerunPlan {
  readonly runId?: string;
  readonly rerunOf: string;
  readonly version: number;
  readonly fromNode: string;
  /** Nodes that run again. */
  readonly rerun: readonly string[];
  /** Nodes whose recorded results are reused. */
  readonly reused: readonly string[];
  /** Nodes that run again and act on the world (execution kind): check before confirming. */
  readonly sideEffects: readonly string[];
}

/** Options of the run service. */
export interface RunStarterDeps {
  readonly db: Db;
  readonly client: Client;
  readonly taskQueue: string;
  readonly registry: NodeRegistry;
  /** Whether light nodes run as local activities (`WEFT_LOCAL_ACTIVITIES`); true by default. */
  readonly localActivities?: boolean;
  /** How often a wait for a run's end reads the run row besides Temporal's answer, in ms; 1000 by default. */
  readonly endBackstopMs?: number;
}

/** What starting a run's `runGraph` workflow takes: everything the run was recorded with. */
export interface RunLaunch {
  readonly args: RunGraphInput;
  readonly runTimeout?: string;
}

/**
 * Starts the `runGraph` workflow of a run, whose workflow id is the run id. Starting the same run
 * again is harmless: a running workflow is left as it is (`USE_EXISTING`, its execution answers)
 * and a closed one is never run again (`REJECT_DUPLICATE`). Returns the Temporal execution's id,
 * or `undefined` when the workflow has already closed.
 */
export async function launchRun(client: Client, taskQueue: string, { args, runTimeout }: RunLaunch): Promise<string | undefined> {
  // The run enforces its timeout itself (and rolls back); Temporal's is only a later backstop.
  const executionTimeout = runTimeout === undefined ? undefined : executionTimeoutOf(runTimeout);
  try {
    const handle = await client.workflow.start(RUN_GRAPH, {
      taskQueue,
      workflowId: args.runId,
      args: [args],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...(executionTimeout ? { workflowExecutionTimeout: executionTimeout } : {}),
    });
    return handle.firstExecutionRunId;
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw e;
  }
}

/** A new run id: sortable by creation time, then random. */
export function newRunId(): string {
  return `run_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** Builds the run service. */
export function createRunStarter({ db, client, taskQueue, registry, localActivities = true, endBackstopMs }: RunStarterDeps): RunStarter {
  const active = async (runId: string) => {
    const run = await findRun(db, runId);
    if (!run) throw new HttpError(404, 'not_found', `no run ${runId}`);
    if (FINAL_RUN_STATUSES.includes(run.status as RunStatus)) throw new HttpError(409, 'run_finished', `run ${runId} has already ended (${run.status})`);
    return run;
  };
  const temporalError = (e: unknown): never => {
    if (e instanceof WorkflowNotFoundError) throw new HttpError(409, 'run_finished', 'the run is no longer running');
    throw new HttpError(503, 'temporal_unavailable', `Temporal did not answer: ${(e as Error).message}`);
  };
  const state = async (runId: string): Promise<LiveRunState> =>
    client.workflow
      .getHandle(runId)
      .query(stateQuery)
      .catch(async (e: unknown) => {
        // A queued run whose workflow has not started yet: nothing runs and nothing waits.
        if (e instanceof WorkflowNotFoundError && (await findRun(db, runId))?.status === 'queued') return { nodes: {}, approvals: [] };
        return temporalError(e);
      });

  return {
    async start(wf, input, meta) {
      const runId = meta.idempotentId ? `run_k${meta.idempotentId.slice(0, 24)}` : newRunId();
      // A repeat of a request that died after recording its run (its key's lease ran out): that
      // run, which the reconciler has started meanwhile if its start was lost too.
      if (meta.idempotentId && (await findRun(db, runId))) return runId;
      const plan = compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry, { localActivities });
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
        if (await deleteUnstartedRun(db, runId)) throw new HttpError(503, 'temporal_unavailable', `Temporal did not accept the run, so nothing was started: ${(e as Error).message}`);
      }
      return runId;
    },

    async cancel(runId, actor) {
      const run = await active(runId);
      const handle = client.workflow.getHandle(runId);
      let outcome: 'cancelling' | 'cancelled' = 'cancelling';
      try {
        await handle.cancel();
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError) || run.status !== 'queued') temporalError(e);
        // Recorded but never started (its start was lost): nothing ran, so it ends here.
        await updateRunStatus(db, { runId, status: 'cancelled', from: 'queued', error: { type: 'Cancelled', message: 'the run was cancelled before it started', retryable: false } });
        outcome = 'cancelled';
        // A start racing with this cancel (the reconciler's) is cancelled too; its rollback has nothing to undo.
        await handle.cancel().catch((again: unknown) => (again instanceof WorkflowNotFoundError ? undefined : temporalError(again)));
      }
      await appendAudit(db, { actor: actor.id, action: 'run.cancel', target: runId, details: { by: actor.name, ...(outcome === 'cancelled' ? { notStarted: true } : {}) } });
      return outcome;
    },

    async decide(runId, d, actor) {
      await active(runId);
      const live = await state(runId);
      const nodes = live.approvals.filter((a) => !a.call).map((a) => a.nodeId);
      const calls = live.approvals.flatMap((a) => (a.call ? [a.call.key] : []));
      const describeWaiting = () => [...nodes, ...calls.map((k) => `call ${k}`)].join(', ') || 'none';
      if (d.arguments !== undefined && (d.call === undefined || !d.approved)) {
        throw new HttpError(400, 'invalid_request', 'arguments can be changed only when approving a tool call', [{ path: '$.arguments', message: d.call === undefined ? 'name the call (`call`)' : 'leave it out when rejecting' }]);
      }
      let target: { nodeId: string; call?: string; tool?: string; proposed?: unknown };
      if (d.call !== undefined) {
        const waiting = live.approvals.find((a) => a.call?.key === d.call);
        if (!waiting) throw new HttpError(409, 'not_waiting', `call ${d.call} of run ${runId} is not waiting for an approval`, [{ path: '$.call', message: `waiting: ${describeWaiting()}` }]);
        target = { nodeId: waiting.nodeId, call: d.call, tool: waiting.call!.tool, proposed: waiting.call!.arguments };
        if (d.arguments !== undefined) {
          if (!waiting.call!.parameters) throw new HttpError(400, 'invalid_request', `call ${d.call} asks a person a question; its arguments cannot be changed`, [{ path: '$.arguments', message: 'leave it out' }]);
          const problems = argumentProblems(waiting.call!.parameters, d.arguments);
          if (problems.length) throw new HttpError(422, 'invalid_arguments', `the edited arguments do not fit tool ${waiting.call!.tool}`, problems);
        }
      } else {
        const single = live.approvals.length === 1 ? live.approvals[0]! : undefined;
        const nodeId = d.nodeId ?? (single && !single.call ? single.nodeId : undefined);
        if (nodeId === undefined) {
          if (single?.call) throw new HttpError(400, 'call_required', `run ${runId} waits on a tool call; name it`, [{ path: '$.call', message: `one of: ${calls.join(', ')}` }]);
          throw live.approvals.length === 0
            ? new HttpError(409, 'not_waiting', `run ${runId} is not waiting for an approval`)
            : new HttpError(400, 'node_required', `run ${runId} waits on several approvals; say which`, [{ path: '$.nodeId', message: `one of: ${describeWaiting()}` }]);
        }
        if (!nodes.includes(nodeId)) throw new HttpError(409, 'not_waiting', `node ${nodeId} of run ${runId} is not waiting for an approval`, [{ path: '$.nodeId', message: `waiting: ${describeWaiting()}` }]);
        target = { nodeId };
      }
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
        .catch(temporalError);
      const action = target.call ? (d.approved ? 'run.approve_call' : 'run.reject_call') : d.approved ? 'run.approve' : 'run.reject';
      const call = target.call ? { call: target.call, tool: target.tool, arguments: target.proposed, ...(d.arguments ? { editedArguments: d.arguments } : {}) } : {};
      await appendAudit(db, { actor: actor.id, action, target: runId, details: { nodeId: target.nodeId, by: actor.name, comment: d.comment ?? null, ...call } });
      return { nodeId: target.nodeId, ...(target.call ? { call: target.call } : {}) };
    },

    state,

    waitForEnd: (runId, wait) => waitForRunEnd({ db, client, ...(endBackstopMs === undefined ? {} : { backstopMs: endBackstopMs }) }, runId, wait),

    async rerun(runId, r, actor) {
      const original = await findRun(db, runId);
      if (!original) throw new HttpError(404, 'not_found', `no run ${runId}`);
      if (!FINAL_RUN_STATUSES.includes(original.status as RunStatus)) throw new HttpError(409, 'run_active', `run ${runId} is still ${original.status}; re-run it once it has ended (or cancel it first)`);
      const version = r.version ?? original.version;
      const wf = await findWorkflow(db, original.workflow_id, version);
      if (!wf) throw new HttpError(404, 'not_found', `workflow ${original.workflow_id} has no version ${version}`, [{ path: '$.version', message: `no version ${version}` }]);
      const ids = wf.document.nodes.map((n) => n.id);
      if (!ids.includes(r.fromNode)) throw new HttpError(400, 'invalid_request', `version ${version} has no node "${r.fromNode}"`, [{ path: '$.fromNode', message: `one of: ${ids.join(', ')}` }]);

      const plan = compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry, { localActivities });
      const again = reachableFrom([r.fromNode], wf.document.edges);
      const recorded = latestResults(await listNodeRuns(db, runId));
      const reuse: Record<string, ReusedResult> = {};
      for (const id of ids) {
        const prior = recorded.get(id);
        // A node undone by rollback must run again: its effect is gone.
        if (again.has(id) || !prior || prior.compensated) continue;
        reuse[id] = prior.result;
      }
      const rerun = ids.filter((id) => !(id in reuse));
      const result: RerunPlan = {
        rerunOf: runId,
        version,
        fromNode: r.fromNode,
        rerun,
        reused: ids.filter((id) => id in reuse),
        sideEffects: plan.nodes.filter((n) => n.sideEffects && rerun.includes(n.id)).map((n) => n.id),
      };
      if (r.dryRun) return result;
      const newRunId = await this.start(wf, original.input, { trigger: 'rerun', createdBy: actor.id, reuse, rerunOf: runId });
      await appendAudit(db, { actor: actor.id, action: 'run.rerun', target: newRunId, details: { rerunOf: runId, fromNode: r.fromNode, version } });
      return { ...result, runId: newRunId };
    },
  };
}

/** Each node's last successful result in a run (with whether rollback undid it). */
function latestResults(rows: readonly NodeRunRow[]): Map<string, { result: ReusedResult; compensated: boolean }> {
  const out = new Map<string, { result: ReusedResult; compensated: boolean }>();
  for (const row of rows) {
    if (row.phase === 'execute' && row.status === 'succeeded') {
      const routes = (row.routes ?? { falseEdges: [] }) as { ports?: string[]; falseEdges: string[] };
      out.set(row.node_id, { result: { output: row.output, ...(routes.ports ? { ports: routes.ports } : {}), falseEdges: routes.falseEdges ?? [] }, compensated: false });
    }
  }
  for (const row of rows) {
    const entry = out.get(row.node_id);
    if (row.phase === 'compensate' && row.status === 'succeeded' && entry) entry.compensated = true;
  }
  return out;
}

/** Where edited tool-call arguments break the tool's argument schema, as `$.arguments.…` paths. */
function argumentProblems(schema: Readonly<Record<string, unknown>>, args: Readonly<Record<string, unknown>>): { path: string; message: string }[] {
  let check: z.ZodType;
  try {
    check = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    // A schema zod cannot read (an MCP server's, say) is left to the tool to enforce.
    return [];
  }
  const parsed = check.safeParse(args);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: jsonPath(['arguments', ...i.path]), message: i.message }));
}

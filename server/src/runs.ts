import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { compilePlan, type NodeRegistry } from '@weft/nodes';
import type { RunGraphInput } from '@weft/schemas';
import { RUN_GRAPH } from '@weft/workers/definitions';
import type { Db } from './db/database.js';
import { insertRun, updateRunStatus } from './db/repositories/run.repository.js';
import type { StoredWorkflow } from './db/repositories/workflow.repository.js';
import { HttpError } from './errors.js';

/** Starts runs of stored workflow versions on Temporal. */
export interface RunStarter {
  /** Records a queued run, starts `runGraph` for it, and returns the run id. */
  start(wf: StoredWorkflow, input: unknown, meta: { trigger: string; createdBy: string | null }): Promise<string>;
}

/** Options of the run starter. */
export interface RunStarterDeps {
  readonly db: Db;
  readonly client: Client;
  readonly taskQueue: string;
  readonly registry: NodeRegistry;
}

/** A new run id: sortable by creation time, then random. */
export function newRunId(): string {
  return `run_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** Builds the run starter. */
export function createRunStarter({ db, client, taskQueue, registry }: RunStarterDeps): RunStarter {
  return {
    async start(wf, input, meta) {
      const runId = newRunId();
      const plan = compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry);
      await insertRun(db, { id: runId, workflowId: wf.id, version: wf.version, hash: wf.hash, input, trigger: meta.trigger, createdBy: meta.createdBy });
      const args: RunGraphInput = { runId, plan, input };
      try {
        await client.workflow.start(RUN_GRAPH, {
          taskQueue,
          workflowId: runId,
          args: [args],
          ...(wf.document.settings.runTimeout ? { workflowExecutionTimeout: wf.document.settings.runTimeout } : {}),
        });
      } catch (e) {
        const message = `Temporal did not accept the run: ${(e as Error).message}`;
        await updateRunStatus(db, { runId, status: 'failed', error: { type: 'StartFailed', message } });
        throw new HttpError(503, 'temporal_unavailable', message);
      }
      return runId;
    },
  };
}

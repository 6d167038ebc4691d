import { Hono } from 'hono';
import { z } from 'zod';
import { FINAL_RUN_STATUSES, type NodeRunView, type NodeStatus, type RunError, type RunStatus, type RunSummary, type RunView, type Workflow } from '@weft/schemas';
import type { AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '../db/database.js';
import { findRun, listNodeRuns, listRuns } from '../db/repositories/run.repository.js';
import { findWorkflow } from '../db/repositories/workflow.repository.js';
import type { NodeRunRow } from '../db/tables/index.js';
import { apiError } from '../errors.js';
import { valid } from '../validation.js';

const RunIdParam = z.object({ id: z.string().regex(/^run_[a-z0-9]{1,60}$/, 'expected a run id such as run_…') });
const ListQuery = z.object({
  workflowId: z.string().regex(/^wf_[a-z0-9]{1,40}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Runs: list and detail with per-node attempts. */
export function runRoutes(deps: { db: Db }) {
  const { db } = deps;
  return new Hono<AuthEnv>()
    .get('/', valid('query', ListQuery), async (c) => {
      const rows = await listRuns(db, c.req.valid('query'));
      const items: RunSummary[] = rows.map((r) => ({
        id: r.id,
        workflowId: r.workflow_id,
        version: r.version,
        status: r.status as RunStatus,
        createdAt: r.created_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
      }));
      return c.json({ items });
    })
    .get('/:id', valid('param', RunIdParam), async (c) => {
      const { id } = c.req.valid('param');
      const run = await findRun(db, id);
      if (!run) return apiError(c, 404, 'not_found', `no run ${id}`);
      const [attempts, wf] = await Promise.all([listNodeRuns(db, id), findWorkflow(db, run.workflow_id, run.version)]);
      const view: RunView = {
        id: run.id,
        workflowId: run.workflow_id,
        version: run.version,
        hash: run.hash,
        status: run.status as RunStatus,
        input: run.input,
        output: run.output ?? null,
        error: (run.error as RunError | null) ?? null,
        createdAt: run.created_at.toISOString(),
        startedAt: run.started_at?.toISOString() ?? null,
        finishedAt: run.finished_at?.toISOString() ?? null,
        nodes: nodeViews(wf?.document, attempts, run.status as RunStatus),
      };
      return c.json(view);
    });
}

/** One line per node of the run's version, from its recorded attempts. */
export function nodeViews(doc: Workflow | undefined, rows: readonly NodeRunRow[], runStatus: RunStatus): NodeRunView[] {
  const byNode = new Map<string, NodeRunRow[]>();
  for (const r of rows) {
    if (r.phase !== 'execute') continue;
    const list = byNode.get(r.node_id);
    if (list) list.push(r);
    else byNode.set(r.node_id, [r]);
  }
  const runEnded = FINAL_RUN_STATUSES.includes(runStatus);
  const nodes = doc?.nodes ?? [...byNode.keys()].map((id) => ({ id, type: byNode.get(id)![0]!.node_type }));
  return nodes.map((n) => {
    const tries = byNode.get(n.id) ?? [];
    const last = tries[tries.length - 1];
    let status: NodeStatus;
    if (!last) status = runEnded ? 'skipped' : 'pending';
    else if (last.status === 'running') status = runEnded ? 'failed' : 'running';
    else if (last.status === 'succeeded') status = 'succeeded';
    else {
      const retryable = (last.error as RunError | null)?.retryable !== false;
      status = !runEnded && retryable ? 'retrying' : 'failed';
    }
    return {
      id: n.id,
      type: n.type,
      status,
      attempts: tries.length,
      output: last?.output ?? null,
      error: (last?.error as RunError | null) ?? null,
      startedAt: tries[0]?.started_at.toISOString() ?? null,
      finishedAt: last?.finished_at?.toISOString() ?? null,
    };
  });
}

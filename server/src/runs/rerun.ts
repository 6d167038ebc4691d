import { reachableFrom, type CompiledPlan, type ReusedResult } from '@weft/schemas';
import type { NodeRunRow } from '@weft/store';
import type { StoredWorkflow } from '@weft/store/repositories/workflow.repository';
import { InvalidRunRequest } from './errors.js';

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

/**
 * Plans a re-run of `runId` on `wf` from `fromNode`: every node not downstream of it reuses its
 * recorded result, unless rollback undid it. `compile` gives the version's plan (for its side effects). Returns the plan and the results to reuse.
 */
export function planRerun(
  runId: string,
  wf: StoredWorkflow,
  compile: () => CompiledPlan,
  recordedRows: readonly NodeRunRow[],
  fromNode: string,
): { plan: RerunPlan; reuse: Record<string, ReusedResult> } {
  const ids = wf.document.nodes.map((n) => n.id);
  if (!ids.includes(fromNode)) throw new InvalidRunRequest(`version ${wf.version} has no node "${fromNode}"`, [{ path: '$.fromNode', message: `one of: ${ids.join(', ')}` }]);
  const plan = compile();
  const again = reachableFrom([fromNode], wf.document.edges);
  const recorded = latestResults(recordedRows);
  const reuse: Record<string, ReusedResult> = {};
  for (const id of ids) {
    const prior = recorded.get(id);
    // A node undone by rollback must run again: its effect is gone.
    if (again.has(id) || !prior || prior.compensated) continue;
    reuse[id] = prior.result;
  }
  const rerun = ids.filter((id) => !(id in reuse));
  return {
    reuse,
    plan: {
      rerunOf: runId,
      version: wf.version,
      fromNode,
      rerun,
      reused: ids.filter((id) => id in reuse),
      sideEffects: plan.nodes.filter((n) => n.sideEffects && rerun.includes(n.id)).map((n) => n.id),
    },
  };
}

/** Each node's last successful result in a run (with whether rollback undid it). */
function latestResults(rows: readonly NodeRunRow[]): Map<string, { result: ReusedResult; compensated: boolean }> {
  const out = new Map<string, { result: ReusedResult; compensated: boolean }>();
  for (const row of rows) {
    if (row.phase === 'execute' && row.status === 'succeeded') {
      const routes = row.routes ?? { falseEdges: [] };
      out.set(row.node_id, { result: { output: row.output, ...(routes.ports ? { ports: routes.ports } : {}), falseEdges: routes.falseEdges ?? [] }, compensated: false });
    }
  }
  for (const row of rows) {
    const entry = out.get(row.node_id);
    if (row.phase === 'compensate' && row.status === 'succeeded' && entry) entry.compensated = true;
  }
  return out;
}

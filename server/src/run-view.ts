import {
  ATTEMPT_LOST,
  FINAL_RUN_STATUSES,
  type AgentStepStatus,
  type NodeRunView,
  type NodeStatus,
  type RunError,
  type RunStatus,
  type RunTotals,
  type Workflow,
} from '@weft/schemas';
import type { LlmCallRow, NodeRunRow } from '@weft/store';

/** Tokens and cost of every LLM call of a run: failed calls (which cost nothing) and loop items included. */
export function runTotals(calls: readonly Pick<LlmCallRow, 'input_tokens' | 'output_tokens' | 'cost_usd'>[]): RunTotals {
  return calls.reduce<RunTotals>(
    (t, k) => ({ llmCalls: t.llmCalls + 1, inputTokens: t.inputTokens + k.input_tokens, outputTokens: t.outputTokens + k.output_tokens, costUsd: t.costUsd + k.cost_usd }),
    { llmCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
  );
}

/** One line per node of the run's version, from its recorded attempts and compensations. */
export function nodeViews(
  doc: Workflow | undefined,
  rows: readonly NodeRunRow[],
  runStatus: RunStatus,
  runError: RunError | null = null,
  toolCalls: ReadonlyMap<string, { readonly count: number; readonly last: AgentStepStatus }> = new Map(),
): NodeRunView[] {
  const byNode = new Map<string, { execute: NodeRunRow[]; compensate: NodeRunRow[] }>();
  for (const r of rows) {
    let entry = byNode.get(r.node_id);
    if (!entry) byNode.set(r.node_id, (entry = { execute: [], compensate: [] }));
    (r.phase === 'compensate' ? entry.compensate : entry.execute).push(r);
  }
  const runEnded = FINAL_RUN_STATUSES.includes(runStatus);
  const nodes = doc?.nodes ?? [...byNode.keys()].map((id) => ({ id, type: byNode.get(id)!.execute[0]?.node_type ?? '' }));
  return nodes.map((n) => {
    const calls = toolCalls.get(n.id);
    if (calls && !byNode.has(n.id)) {
      // A tool of an agent: it ran once per call, recorded in the transcript.
      const status: NodeStatus = calls.last === 'succeeded' ? 'succeeded' : calls.last === 'running' || calls.last === 'waiting' ? (runEnded ? 'failed' : calls.last) : 'failed';
      return { id: n.id, type: n.type, status, attempts: 0, toolCalls: calls.count, input: null, output: null, error: null, startedAt: null, finishedAt: null };
    }
    const tries = byNode.get(n.id)?.execute ?? [];
    const undo = byNode.get(n.id)?.compensate ?? [];
    const last = tries[tries.length - 1];
    const lastUndo = undo[undo.length - 1];
    let status: NodeStatus;
    // A node can fail with no attempt on record: it timed out before any worker picked it up.
    const failedUnrecorded = !last && runEnded && runError?.nodeId === n.id;
    if (failedUnrecorded) status = 'failed';
    else if (!last) status = runEnded ? 'skipped' : 'pending';
    else if (last.status === 'waiting') status = runEnded ? 'failed' : 'waiting';
    else if (last.status === 'running') status = runEnded ? 'failed' : 'running';
    else if (last.status === 'succeeded') status = lastUndo?.status === 'succeeded' ? 'compensated' : 'succeeded';
    else {
      const retryable = last.error?.retryable !== false;
      status = !runEnded && retryable ? 'retrying' : 'failed';
    }
    // Rows written before `lost` existed recorded a lost attempt as failed with the same error type.
    const lost = tries.filter((t) => t.status === 'lost' || (t.status === 'failed' && t.error?.type === ATTEMPT_LOST)).map((t) => t.attempt);
    const sent = last?.detail ?? null;
    const undoSent = lastUndo?.detail ?? null;
    return {
      id: n.id,
      type: n.type,
      status,
      attempts: tries.filter((t) => t.attempt > 0).length,
      ...(lost.length > 0 ? { lostAttempts: lost } : {}),
      ...(last?.attempt === 0 ? { reused: true } : {}),
      input: last?.input ?? null,
      ...(sent?.prompt ? { prompt: sent.prompt } : {}),
      ...(sent?.request ? { request: sent.request } : {}),
      ...(sent?.route ? { route: sent.route } : {}),
      output: last?.output ?? null,
      error: failedUnrecorded ? runError : (last?.error ?? null),
      startedAt: tries[0]?.started_at.toISOString() ?? null,
      finishedAt: last?.finished_at?.toISOString() ?? null,
      ...(lastUndo
        ? {
            compensation: {
              status: lastUndo.status as 'running' | 'succeeded' | 'failed',
              attempts: undo.length,
              output: lastUndo.output ?? null,
              error: lastUndo.error,
              finishedAt: lastUndo.finished_at?.toISOString() ?? null,
              ...(undoSent?.request ? { request: undoSent.request } : {}),
            },
          }
        : {}),
    };
  });
}

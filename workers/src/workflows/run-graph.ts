import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { CompiledPlan, PlanEdge, PlanNode, RunGraphInput } from '@weft/schemas/plan';
import type { NodeStatus, RunError } from '@weft/schemas/run';
import type { NodeActivities, RunNodeResult } from '../activities.js';
import { stateQuery, type LiveNodeState } from './definitions.js';

/** Recording activities retry until the database answers: a run's record must never be lost. */
const store = proxyActivities<Pick<NodeActivities, 'setRunStatus'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

type EdgeState = 'pending' | 'taken' | 'skipped';

/**
 * Interprets a compiled workflow version as a DAG: a node runs when every incoming edge is
 * settled, independent branches run in parallel up to the plan's concurrency, and each node is
 * one activity with its own retry policy and timeouts.
 */
export async function runGraph({ runId, plan, input }: RunGraphInput): Promise<unknown> {
  const nodes = new Map(plan.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, PlanEdge[]>();
  const outgoing = new Map<string, PlanEdge[]>();
  for (const n of plan.nodes) {
    incoming.set(n.id, []);
    outgoing.set(n.id, []);
  }
  for (const e of plan.edges) {
    incoming.get(e.target)?.push(e);
    outgoing.get(e.source)?.push(e);
  }
  const edgeState = new Map<string, EdgeState>(plan.edges.map((e) => [e.id, 'pending']));
  const status = new Map<string, NodeStatus>(plan.nodes.map((n) => [n.id, 'pending']));
  const outputs: Record<string, { output: unknown }> = {};
  setHandler(stateQuery, () => ({
    nodes: Object.fromEntries([...status].map(([id, s]) => [id, { status: s } satisfies LiveNodeState])),
  }));

  await store.setRunStatus({ runId, status: 'running' });

  const ready: string[] = plan.nodes.filter((n) => incoming.get(n.id)!.length === 0).map((n) => n.id);
  const inflight = new Map<string, Promise<void>>();
  let failure: RunError | undefined;

  /** Settles a node's outgoing edges and queues every target whose inputs are all settled. */
  const settle = (id: string, taken: (e: PlanEdge) => boolean) => {
    for (const e of outgoing.get(id)!) {
      edgeState.set(e.id, taken(e) ? 'taken' : 'skipped');
      const ins = incoming.get(e.target)!;
      if (ins.every((i) => edgeState.get(i.id) !== 'pending')) {
        if (ins.some((i) => edgeState.get(i.id) === 'taken')) ready.push(e.target);
        else {
          // Every input skipped: the node is skipped, and so is everything only it feeds.
          status.set(e.target, 'skipped');
          settle(e.target, () => false);
        }
      }
    }
  };

  const launch = (node: PlanNode) => {
    status.set(node.id, 'running');
    const taken = incoming.get(node.id)!.filter((e) => edgeState.get(e.id) === 'taken');
    const nodeInput =
      taken.length === 0 ? input : taken.length === 1 ? outputs[taken[0]!.source]?.output : Object.fromEntries(taken.map((e) => [e.source, outputs[e.source]?.output]));
    const act = proxyActivities<Pick<NodeActivities, 'runNode'>>({
      activityId: node.id,
      startToCloseTimeout: node.startToCloseTimeout,
      heartbeatTimeout: node.heartbeatTimeout,
      retry: { ...node.retry, nonRetryableErrorTypes: [...node.retry.nonRetryableErrorTypes] },
    });
    const run = async () => {
      try {
        const result: RunNodeResult = await act.runNode({
          runId,
          workflowId: plan.workflowId,
          node,
          input: nodeInput,
          upstream: upstreamOutputs(node.id, incoming, outputs),
          runInput: input,
          conditions: outgoing.get(node.id)!.filter((e) => e.when !== undefined).map((e) => ({ edgeId: e.id, when: e.when! })),
        });
        outputs[node.id] = { output: result.output };
        status.set(node.id, 'succeeded');
        const skipped = new Set(result.falseEdges);
        settle(node.id, (e) => e.sourcePort !== 'error' && !skipped.has(e.id));
      } catch (err) {
        if (isCancellation(err)) throw err;
        const error = toRunError(node.id, err);
        status.set(node.id, 'failed');
        if (node.onError === 'continue') {
          outputs[node.id] = { output: { error } };
          settle(node.id, (e) => e.sourcePort !== 'error');
        } else if (node.onError === 'route') {
          outputs[node.id] = { output: { error } };
          settle(node.id, (e) => e.sourcePort === 'error');
        } else {
          failure ??= error;
        }
      }
    };
    inflight.set(
      node.id,
      run().finally(() => inflight.delete(node.id)),
    );
  };

  try {
    while (!failure && (ready.length > 0 || inflight.size > 0)) {
      while (!failure && ready.length > 0 && inflight.size < plan.concurrency) launch(nodes.get(ready.shift()!)!);
      if (inflight.size > 0) await Promise.race(inflight.values());
    }
    // A failure stops new nodes, but siblings already running finish and are recorded.
    await Promise.allSettled(inflight.values());
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => store.setRunStatus({ runId, status: 'cancelled' }));
    }
    throw err;
  }

  if (failure) {
    await store.setRunStatus({ runId, status: 'failed', error: failure });
    throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true, details: [failure] });
  }
  const output = runOutput(plan, outputs);
  await store.setRunStatus({ runId, status: 'completed', output });
  return output;
}

/** The outputs expressions of a node may read: those of its ancestors. */
function upstreamOutputs(id: string, incoming: ReadonlyMap<string, PlanEdge[]>, outputs: Record<string, { output: unknown }>) {
  const seen: Record<string, { output: unknown }> = {};
  const todo = [id];
  while (todo.length > 0) {
    for (const e of incoming.get(todo.pop()!) ?? []) {
      if (!(e.source in seen) && e.source in outputs) {
        seen[e.source] = outputs[e.source]!;
        todo.push(e.source);
      }
    }
  }
  return seen;
}

/** The run's output: the output node's, or an object of them when there are several. */
function runOutput(plan: CompiledPlan, outputs: Record<string, { output: unknown }>): unknown {
  const ran = plan.nodes.filter((n) => n.isOutput && n.id in outputs);
  if (ran.length === 0) return null;
  if (ran.length === 1) return outputs[ran[0]!.id]!.output ?? null;
  return Object.fromEntries(ran.map((n) => [n.id, outputs[n.id]!.output]));
}

function toRunError(nodeId: string, err: unknown): RunError {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'Error', message: cause.message, nodeId, retryable: !cause.nonRetryable };
  }
  if (cause && typeof cause === 'object' && 'message' in cause) {
    const name = (cause as { name?: string }).name ?? 'Error';
    return { type: name === 'TimeoutFailure' ? 'Timeout' : name, message: String((cause as { message: unknown }).message), nodeId };
  }
  return { type: 'Error', message: String(err), nodeId };
}

import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import { compensationAttempts, durationToMs, temporalAttempts, type PlanEdge, type PlanNode, type RunGraphInput } from '@weft/schemas/plan';
import { inputOfTaken } from '@weft/schemas/graph';
import type { NodeStatus, RunError, RunStatus } from '@weft/schemas/run';
import type { NodeActivities, NodeRequest, RunNodeResult } from '../activities.js';
import { approveSignal, RUN_GRAPH, RUN_LOOP, stateQuery, type ApprovalDecision, type PendingApproval } from './definitions.js';
import type { LoopInput } from './run-loop.js';

/** Recording activities retry until the database answers: a run's record must never be lost. */
const store = proxyActivities<Pick<NodeActivities, 'setRunStatus' | 'beginNode' | 'endNode' | 'prepareChild' | 'loopOutput'>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

type EdgeState = 'pending' | 'taken' | 'skipped';

/** A completed node rollback may undo, with what its compensation request may read. */
interface Completed {
  readonly node: PlanNode;
  readonly request: NodeRequest;
  readonly output: unknown;
}

/**
 * Interprets a compiled workflow version as a DAG. A node runs when its inputs are settled (or
 * at the first input, for `join: any`); edges carry a node's output when its port fired and its
 * condition held, and a node whose inputs were all skipped is skipped too. Independent branches
 * run in parallel up to the plan's concurrency; each node is one activity with its own retry
 * policy, or is handled here (approval, wait, sub-workflow, loop). When the run fails or is
 * cancelled, completed nodes that can be undone are compensated, newest first.
 */
export async function runGraph({ runId, plan, input, request: runRequest, reuse = {} }: RunGraphInput): Promise<unknown> {
  const nodes = new Map(plan.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, PlanEdge[]>(plan.nodes.map((n) => [n.id, []]));
  const outgoing = new Map<string, PlanEdge[]>(plan.nodes.map((n) => [n.id, []]));
  for (const e of plan.edges) {
    incoming.get(e.target)?.push(e);
    outgoing.get(e.source)?.push(e);
  }
  const edgeState = new Map<string, EdgeState>(plan.edges.map((e) => [e.id, 'pending']));
  const status = new Map<string, NodeStatus>(plan.nodes.map((n) => [n.id, 'pending']));
  const queued = new Set<string>();
  const outputs: Record<string, { output: unknown }> = {};
  const completed: Completed[] = [];
  const decisions = new Map<string, ApprovalDecision>();
  const pending = new Map<string, PendingApproval>();

  setHandler(stateQuery, () => ({
    nodes: Object.fromEntries([...status].map(([id, s]) => [id, { status: s }])),
    approvals: [...pending.values()],
  }));
  setHandler(approveSignal, (d) => {
    const id = d.nodeId ?? (pending.size === 1 ? [...pending.keys()][0] : undefined);
    // The first decision counts; one for a node that is not an approval is ignored.
    if (id !== undefined && nodes.get(id)?.mode === 'approval' && !decisions.has(id)) decisions.set(id, d);
  });

  const ready: string[] = [];
  const queue = (id: string) => {
    if (queued.has(id)) return;
    queued.add(id);
    ready.push(id);
  };
  /** Settles a node's outgoing edges and queues (or skips) every target that can now decide. */
  const settle = (id: string, taken: (e: PlanEdge) => boolean) => {
    for (const e of outgoing.get(id)!) {
      const state: EdgeState = taken(e) ? 'taken' : 'skipped';
      edgeState.set(e.id, state);
      const target = e.target;
      if (queued.has(target) || status.get(target) === 'skipped') continue;
      if (nodes.get(target)!.join === 'any' && state === 'taken') {
        queue(target);
        continue;
      }
      const ins = incoming.get(target)!;
      if (ins.some((i) => edgeState.get(i.id) === 'pending')) continue;
      if (ins.some((i) => edgeState.get(i.id) === 'taken')) queue(target);
      else {
        // Every input skipped: the node is skipped, and so is everything only it feeds.
        status.set(target, 'skipped');
        settle(target, () => false);
      }
    }
  };
  const fired = (result: { ports?: readonly string[]; falseEdges: readonly string[] }) => (e: PlanEdge) =>
    e.sourcePort !== 'error' && (result.ports ? result.ports.includes(e.sourcePort) : true) && !result.falseEdges.includes(e.id);

  const inputOf = (node: PlanNode): unknown => {
    const taken = incoming.get(node.id)!.filter((e) => edgeState.get(e.id) === 'taken');
    return inputOfTaken(
      taken.map((e) => e.source),
      (id) => outputs[id]?.output,
      input,
      node.join === 'any',
    );
  };
  const upstreamOf = (id: string) => {
    const seen: Record<string, { output: unknown }> = {};
    const todo = [id];
    while (todo.length > 0) {
      for (const e of incoming.get(todo.pop()!)!) {
        if (!(e.source in seen) && e.source in outputs) {
          seen[e.source] = outputs[e.source]!;
          todo.push(e.source);
        }
      }
    }
    return seen;
  };
  const conditionsOf = (id: string) => outgoing.get(id)!.filter((e) => e.when !== undefined).map((e) => ({ edgeId: e.id, when: e.when! }));

  let waiting = 0;
  /** Runs a node the workflow handles itself; returns what an activity would. */
  const runHere = async (node: PlanNode, request: NodeRequest): Promise<RunNodeResult> => {
    const end = (result: { output: unknown; ports?: readonly string[] } | { error: RunError }) => store.endNode({ ...request, conditions: conditionsOf(node.id), result });
    const fail = async (error: RunError): Promise<never> => {
      await end({ error });
      throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true });
    };
    if (node.mode === 'approval') {
      const begun = await store.beginNode({ ...request, waiting: true });
      const timeoutMs = durationToMs(String(begun.params['timeout'])) ?? 86_400_000;
      status.set(node.id, 'waiting');
      pending.set(node.id, {
        nodeId: node.id,
        title: String(begun.params['title'] ?? 'Approval needed'),
        ...(typeof begun.params['description'] === 'string' ? { description: begun.params['description'] } : {}),
        deadline: new Date(Date.now() + timeoutMs).toISOString(),
      });
      if (waiting++ === 0) await store.setRunStatus({ runId, status: 'waiting' });
      let decided: boolean;
      try {
        decided = await condition(() => decisions.has(node.id), timeoutMs);
      } finally {
        pending.delete(node.id);
      }
      if (--waiting === 0) await store.setRunStatus({ runId, status: 'running' });
      status.set(node.id, 'running');
      const onTimeout = begun.params['onTimeout'];
      if (!decided && onTimeout === 'fail') return fail({ type: 'ApprovalTimeout', message: `nobody decided within ${String(begun.params['timeout'])}`, nodeId: node.id, retryable: false });
      const d = decisions.get(node.id);
      const approved = d ? d.approved : onTimeout === 'approve';
      const output = { approved, by: d?.by ?? null, comment: d?.comment ?? null, decidedAt: new Date().toISOString(), timedOut: !decided, input: request.input };
      return end({ output, ports: [approved ? 'approved' : 'rejected'] });
    }
    const begun = await store.beginNode(request);
    if (node.mode === 'wait') {
      await sleep(begun.sleepMs ?? 0);
      return end({ output: request.input });
    }
    if (node.mode === 'subworkflow') {
      const child = await store.prepareChild({
        runId,
        nodeId: node.id,
        workflowId: String(begun.params['workflowId']),
        version: Number(begun.params['version']),
        input: begun.params['input'],
      });
      try {
        return end({ output: await executeChild(RUN_GRAPH, { workflowId: child.runId, args: [child] }) });
      } catch (err) {
        if (isCancellation(err)) throw err;
        return fail(toRunError(node.id, err));
      }
    }
    if (node.mode === 'loop' && node.body && begun.items) {
      const loop: LoopInput = {
        runId,
        workflowId: plan.workflowId,
        loopNodeId: node.id,
        body: node.body,
        itemsRef: begun.items.ref,
        count: begun.items.count,
        concurrency: Number(begun.params['concurrency'] ?? 4),
        start: 0,
        upstream: request.upstream,
        runInput: input,
        ...(runRequest ? { runRequest } : {}),
      };
      try {
        await executeChild(RUN_LOOP, { workflowId: `${runId}-${node.id}-loop`, args: [loop] });
      } catch (err) {
        if (isCancellation(err)) throw err;
        return fail(toRunError(node.id, err));
      }
      return end({ output: await store.loopOutput({ runId, nodeId: node.id, count: loop.count }) });
    }
    return fail({ type: 'UnknownNodeType', message: `the engine cannot run node "${node.id}" (mode ${node.mode})`, nodeId: node.id, retryable: false });
  };

  const inflight = new Map<string, Promise<void>>();
  let failure: RunError | undefined;

  const launch = (node: PlanNode) => {
    status.set(node.id, 'running');
    const request: NodeRequest = { runId, workflowId: plan.workflowId, node, input: inputOf(node), upstream: upstreamOf(node.id), runInput: input, ...(runRequest ? { runRequest } : {}) };
    const reused = reuse[node.id];
    if (reused) {
      // A re-run keeps this node's recorded result instead of running it again.
      outputs[node.id] = { output: reused.output };
      status.set(node.id, 'succeeded');
      settle(node.id, fired(reused));
      return;
    }
    const run = async () => {
      try {
        const result = node.mode === 'activity' ? await nodeActivity(node).runNode({ ...request, conditions: conditionsOf(node.id) }) : await runHere(node, request);
        outputs[node.id] = { output: result.output };
        status.set(node.id, 'succeeded');
        if (node.compensable) completed.push({ node, request, output: result.output });
        settle(node.id, fired(result));
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
        } else failure ??= error;
      }
    };
    inflight.set(
      node.id,
      run().finally(() => inflight.delete(node.id)),
    );
  };

  await store.setRunStatus({ runId, status: 'running' });
  for (const n of plan.nodes) if (incoming.get(n.id)!.length === 0) queue(n.id);

  let cancellation: unknown;
  try {
    while (!failure && (ready.length > 0 || inflight.size > 0)) {
      while (!failure && ready.length > 0 && inflight.size < plan.concurrency) launch(nodes.get(ready.shift()!)!);
      if (inflight.size > 0) await Promise.race(inflight.values());
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    cancellation = err;
  }

  return CancellationScope.nonCancellable(async () => {
    // A failure stops new nodes, but siblings already running finish and are recorded first.
    await Promise.allSettled([...inflight.values()]);
    const skipped = [...status].filter(([, s]) => s === 'skipped').map(([id]) => id);
    if (!failure && cancellation === undefined) {
      const output = runOutput(plan.nodes, outputs);
      await store.setRunStatus({ runId, status: 'completed', output, skipped });
      return output;
    }

    const undone: string[] = [];
    const notUndone: { nodeId: string; error: RunError }[] = [];
    for (const c of [...completed].reverse()) {
      try {
        await proxyActivities<Pick<NodeActivities, 'compensateNode'>>({
          activityId: `${c.node.id}-compensate`,
          startToCloseTimeout: c.node.startToCloseTimeout,
          heartbeatTimeout: c.node.heartbeatTimeout,
          retry: { ...c.node.retry, maximumAttempts: temporalAttempts(compensationAttempts(c.node)), nonRetryableErrorTypes: [...c.node.retry.nonRetryableErrorTypes] },
        }).compensateNode({ ...c.request, output: c.output });
        status.set(c.node.id, 'compensated');
        undone.push(c.node.id);
      } catch (err) {
        notUndone.push({ nodeId: c.node.id, error: toRunError(c.node.id, err) });
      }
    }
    const base: RunError = failure ?? { type: 'Cancelled', message: 'the run was cancelled', retryable: false };
    const final: RunStatus = notUndone.length > 0 ? 'compensation_failed' : undone.length > 0 ? 'rolled_back' : cancellation !== undefined ? 'cancelled' : 'failed';
    const error: RunError & { compensated?: string[]; notCompensated?: typeof notUndone } = {
      ...base,
      ...(undone.length ? { compensated: undone } : {}),
      ...(notUndone.length ? { notCompensated: notUndone } : {}),
    };
    await store.setRunStatus({ runId, status: final, error, skipped });
    if (cancellation !== undefined) throw cancellation;
    throw ApplicationFailure.create({ type: base.type, message: base.message, nonRetryable: true, details: [error] });
  });
}

/**
 * The activity that runs a node: a local activity for a light node (run by this worker, recorded
 * as a marker, no round trip through the server's task queues), else a regular one with a heartbeat.
 */
function nodeActivity(node: PlanNode): Pick<NodeActivities, 'runNode'> {
  const retry = { ...node.retry, maximumAttempts: temporalAttempts(node.retry.maximumAttempts), nonRetryableErrorTypes: [...node.retry.nonRetryableErrorTypes] };
  // On cancel, wait for the attempt to end: one that finished anyway gets undone.
  const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
  if (node.local) return proxyLocalActivities<Pick<NodeActivities, 'runNode'>>({ startToCloseTimeout: node.startToCloseTimeout, retry, cancellationType });
  return proxyActivities<Pick<NodeActivities, 'runNode'>>({ activityId: node.id, startToCloseTimeout: node.startToCloseTimeout, heartbeatTimeout: node.heartbeatTimeout, retry, cancellationType });
}

/** The run's output: the output node's, or an object of them when there are several. */
function runOutput(planNodes: readonly PlanNode[], outputs: Record<string, { output: unknown }>): unknown {
  const ran = planNodes.filter((n) => n.isOutput && n.id in outputs);
  if (ran.length === 0) return null;
  if (ran.length === 1) return outputs[ran[0]!.id]!.output ?? null;
  return Object.fromEntries(ran.map((n) => [n.id, outputs[n.id]!.output]));
}

/** The error behind an activity or child workflow failure. */
export function toRunError(nodeId: string, err: unknown): RunError {
  let cause: unknown = err;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message, nodeId, retryable: !cause.nonRetryable };
  if (cause && typeof cause === 'object' && 'message' in cause) {
    const name = (cause as { name?: string }).name ?? 'Error';
    return { type: name === 'TimeoutFailure' ? 'Timeout' : name, message: String((cause as { message: unknown }).message), nodeId };
  }
  return { type: 'Error', message: String(err), nodeId };
}

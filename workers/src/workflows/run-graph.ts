import { ActivityCancellationType, ApplicationFailure, CancellationScope, isCancellation, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { temporalAttempts, type PlanEdge, type PlanNode, type RunGraphInput } from '@weft/schemas/plan';
import { edgeFired, inputOfTaken } from '@weft/schemas/graph';
import type { NodeStatus, RunError, RunStatus } from '@weft/schemas/run';
import type { NodeActivities } from '../activities.js';
import type { ChainLink, NodeRequest, RunNodeResult } from '../node-requests.js';
import { Approvals } from './approval.js';
import { agentApprovalSignal, approveSignal, stateQuery } from './definitions.js';
import { runAgentNode } from './agent.js';
import { chainAfter, fusingChains, runChain } from './chain.js';
import { runLoopNode } from './loop.js';
import { endings, type HereContext } from './node-context.js';
import { recording, setRunStatus } from './recording.js';
import { rollback, type Completed } from './rollback.js';
import { toRunError } from './run-error.js';
import { startRunTimer } from './run-timeout.js';
import { runSubworkflow } from './subworkflow.js';
import { runWait } from './wait.js';

type EdgeState = 'pending' | 'taken' | 'skipped';

/**
 * Interprets a compiled workflow version as a DAG. A node runs when its inputs are settled (or
 * at the first input, for `join: any`); edges carry a node's output when its port fired and its
 * condition held, and a node whose inputs were all skipped is skipped too. Independent branches
 * run in parallel up to the plan's concurrency; each node is one activity with its own retry
 * policy, or is handled here (approval, wait, sub-workflow, loop). When the run fails, is
 * cancelled or outlives its run timeout, completed nodes that can be undone are compensated,
 * newest first.
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
  const fired = (result: { ports?: readonly string[]; falseEdges: readonly string[] }) => (e: PlanEdge) => edgeFired(result, e);

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

  const approvals = new Approvals(runId, (id) => nodes.get(id)?.mode === 'approval');
  setHandler(stateQuery, () => ({
    nodes: Object.fromEntries([...status].map(([id, s]) => [id, { status: s }])),
    approvals: approvals.pending(),
  }));
  setHandler(approveSignal, (d) => approvals.decide(d));
  setHandler(agentApprovalSignal, (n) => approvals.notice(n));

  /** Runs a node the workflow handles itself; returns what an activity would. */
  const runHere = async (node: PlanNode, request: NodeRequest): Promise<RunNodeResult> => {
    const ctx: HereContext = {
      runId,
      plan,
      input,
      ...(runRequest ? { runRequest } : {}),
      node,
      request,
      setStatus: (s) => status.set(node.id, s),
      ...endings(request, conditionsOf(node.id)),
    };
    switch (node.mode) {
      case 'approval':
        return approvals.run(ctx);
      case 'wait':
        return runWait(ctx);
      case 'subworkflow':
        return runSubworkflow(ctx);
      case 'loop':
        return runLoopNode(ctx);
      case 'agent':
        return runAgentNode(ctx);
      default:
        await recording.beginNode(request);
        return ctx.fail({ type: 'UnknownNodeType', message: `the engine cannot run node "${node.id}" (mode ${node.mode})`, nodeId: node.id, retryable: false });
    }
  };

  const inflight = new Map<string, Promise<void>>();
  let failure: RunError | undefined;

  /** Nodes that run on their own even when pure: where a chain stopped on them. */
  const alone = new Set<string>();
  const chainGraph = { nodes, incoming, outgoing, conditionsOf, free: (id: string) => !queued.has(id) && !alone.has(id) && !(id in reuse) && status.get(id) === 'pending' };
  const succeeded = (node: PlanNode, result: RunNodeResult) => {
    outputs[node.id] = { output: result.output };
    status.set(node.id, 'succeeded');
    settle(node.id, fired(result));
  };

  /**
   * Runs a chain of pure nodes in one activity. Its nodes settle in order; where it stopped, the
   * next node is settled as its input says: skipped, or queued to run on its own. When the chain
   * cannot run at all (its activity gave up), its first node runs on its own and the rest follow
   * as usual.
   */
  const launchChain = (chain: readonly ChainLink[], request: NodeRequest) => {
    for (const l of chain) {
      queued.add(l.node.id);
      status.set(l.node.id, 'running');
    }
    const run = async () => {
      let results: readonly RunNodeResult[] = [];
      try {
        ({ results } = await runChain({ runId, workflowId: plan.workflowId, input: request.input, upstream: request.upstream, runInput: input, ...(runRequest ? { runRequest } : {}), chain }));
      } catch (err) {
        if (isCancellation(err)) throw err;
      }
      const rest = chain.slice(results.length);
      for (const l of rest) {
        queued.delete(l.node.id);
        status.set(l.node.id, 'pending');
      }
      if (rest[0]) alone.add(rest[0].node.id);
      results.forEach((result, i) => succeeded(chain[i]!.node, result));
      // Stopped at its first node: that node runs again on its own, with its retries.
      if (results.length === 0) queue(chain[0]!.node.id);
    };
    inflight.set(
      chain[0]!.node.id,
      run().finally(() => inflight.delete(chain[0]!.node.id)),
    );
  };

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
    if (node.mode === 'activity' && !alone.has(node.id)) {
      const rest = chainAfter(node, chainGraph);
      if (rest.length > 0 && fusingChains()) return launchChain([{ node, conditions: conditionsOf(node.id) }, ...rest], request);
    }
    const run = async () => {
      try {
        const result = node.mode === 'activity' ? await nodeActivity(node).runNode({ ...request, conditions: conditionsOf(node.id) }) : await runHere(node, request);
        if (node.compensable) completed.push({ node, request, output: result.output });
        succeeded(node, result);
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

  await setRunStatus({ runId, status: 'running' });
  for (const n of plan.nodes) if (incoming.get(n.id)!.length === 0) queue(n.id);

  // The graph runs in its own scope, so the run timeout can stop it as a cancel would.
  const graph = new CancellationScope();
  const timer = startRunTimer(plan.runTimeout, graph);
  let cancellation: unknown;
  try {
    await graph.run(async () => {
      while (!failure && (ready.length > 0 || inflight.size > 0)) {
        while (!failure && ready.length > 0 && inflight.size < plan.concurrency) launch(nodes.get(ready.shift()!)!);
        if (inflight.size > 0) await Promise.race(inflight.values());
      }
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // A timeout is the run failing, not a person stopping it: it ends as a failure does.
    if (timer?.expired()) failure ??= timer.error;
    else cancellation = err;
  }
  timer?.stop();

  return CancellationScope.nonCancellable(async () => {
    // A failure stops new nodes, but siblings already running finish and are recorded first.
    await Promise.allSettled([...inflight.values()]);
    const skipped = [...status].filter(([, s]) => s === 'skipped').map(([id]) => id);
    if (!failure && cancellation === undefined) {
      const output = runOutput(plan.nodes, outputs);
      await setRunStatus({ runId, status: 'completed', output, skipped });
      return output;
    }

    const { undone, notUndone } = await rollback(completed, (id) => status.set(id, 'compensated'));
    const base: RunError = failure ?? { type: 'Cancelled', message: 'the run was cancelled', retryable: false };
    const final: RunStatus = notUndone.length > 0 ? 'compensation_failed' : undone.length > 0 ? 'rolled_back' : cancellation !== undefined ? 'cancelled' : 'failed';
    const error: RunError & { compensated?: string[]; notCompensated?: typeof notUndone } = {
      ...base,
      ...(undone.length ? { compensated: undone } : {}),
      ...(notUndone.length ? { notCompensated: notUndone } : {}),
    };
    await setRunStatus({ runId, status: final, error, skipped });
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

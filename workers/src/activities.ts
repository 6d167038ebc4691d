import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { evaluateExpression, resolveParams, type ExpressionScope, type PlanNode, type RunError } from '@weft/schemas';
import { NodeError, type NodeContext, type NodeExecutor, type NodeLogger } from '@weft/nodes/executors';
import type { RunStatusChange, RunStore } from './store.js';

/** What `runGraph` sends to run one node. */
export interface RunNodeRequest {
  readonly runId: string;
  readonly workflowId: string;
  readonly node: PlanNode;
  /** What arrived on the node's input edges. */
  readonly input: unknown;
  /** Outputs of the node's ancestors, for `$nodes.<id>.output`. */
  readonly upstream: Readonly<Record<string, { readonly output: unknown }>>;
  readonly runInput: unknown;
  /** `when` conditions of the node's outgoing edges, evaluated here on its output. */
  readonly conditions: readonly { readonly edgeId: string; readonly when: string }[];
}

/** What one node attempt returns to `runGraph`. */
export interface RunNodeResult {
  readonly output: unknown;
  /** Outgoing edges whose `when` condition was false. */
  readonly falseEdges: readonly string[];
}

/** What the node activities need from their host process. */
export interface NodeActivityDeps {
  readonly store: RunStore;
  readonly executors: readonly NodeExecutor[];
  /** Outbound HTTP for executors (`ctx.fetch`). */
  readonly fetch?: typeof fetch;
  /** Environment variables expressions may read as `$env`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Time limit of one `{{ }}` expression. */
  readonly expressionTimeoutMs?: number;
}

/** Builds the activities a worker registers; dependencies come in, nothing is global. */
export function createNodeActivities(deps: NodeActivityDeps) {
  const executors = new Map(deps.executors.map((e) => [e.definition.type, e]));
  const doFetch = deps.fetch ?? globalThis.fetch;

  return {
    /** Runs one attempt of one node and records it. */
    async runNode(req: RunNodeRequest): Promise<RunNodeResult> {
      const activity = Context.current();
      const attempt = activity.info.attempt;
      const { runId, node } = req;
      await deps.store.startAttempt({ runId, nodeId: node.id, nodeType: node.type, attempt, input: req.input });

      // Beat often enough that a dead worker is noticed within the node's heartbeat timeout.
      const beatEvery = Math.max(200, Math.min(5000, Math.floor(activity.info.heartbeatTimeoutMs ?? 10_000) / 3));
      const beat = setInterval(() => activity.heartbeat(), beatEvery);
      try {
        const executor = executors.get(node.type);
        if (!executor) throw new NodeError('UnknownNodeType', `this worker has no executor for node type "${node.type}"`, false);
        const scope: ExpressionScope = {
          input: req.input,
          nodes: req.upstream,
          run: { id: runId, workflowId: req.workflowId, input: req.runInput },
          env: deps.env ?? {},
        };
        const params = await resolveNodeParams(executor, node, scope, deps.expressionTimeoutMs);
        const ctx: NodeContext = {
          runId,
          workflowId: req.workflowId,
          nodeId: node.id,
          attempt,
          idempotencyKey: `${runId}:${node.id}`,
          signal: activity.cancellationSignal,
          heartbeat: (details) => activity.heartbeat(details),
          log: nodeLogger(activity, runId, node.id),
          fetch: doFetch,
          scope,
        };
        const output = (await executor.execute(ctx, params, req.input)) ?? null;
        const falseEdges: string[] = [];
        for (const c of req.conditions) {
          const value = await evaluateExpression(c.when, { ...scope, input: output }, deps.expressionTimeoutMs).catch((e: Error) => {
            throw new NodeError('ExpressionError', `condition on edge "${c.edgeId}": ${e.message}`, false);
          });
          if (value !== true) falseEdges.push(c.edgeId);
        }
        await deps.store.finishAttempt({ runId, nodeId: node.id, attempt, status: 'succeeded', output });
        return { output, falseEdges };
      } catch (e) {
        const error = toRunError(e, node.id);
        await deps.store.finishAttempt({ runId, nodeId: node.id, attempt, status: 'failed', error });
        throw ApplicationFailure.create({
          type: error.type,
          message: error.message,
          nonRetryable: error.retryable === false,
        });
      } finally {
        clearInterval(beat);
      }
    },

    /** Records a run's status change (and output or error at the end). */
    async setRunStatus(change: RunStatusChange): Promise<void> {
      await deps.store.setRunStatus(change);
    },
  };
}

/** The activities' type, for `proxyActivities` in workflow code. */
export type NodeActivities = ReturnType<typeof createNodeActivities>;

async function resolveNodeParams(executor: NodeExecutor, node: PlanNode, scope: ExpressionScope, timeoutMs?: number) {
  const bare = new Set(executor.definition.expressionParams ?? []);
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.params)) {
    // Bare-expression params are evaluated by the executor itself, not as templates.
    raw[k] = bare.has(k) ? v : await resolveParams(v, scope, timeoutMs).catch((e: Error) => {
      throw new NodeError('ExpressionError', `param "${k}": ${e.message}`, false);
    });
  }
  const parsed = executor.definition.params.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${['params', ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new NodeError('InvalidParams', `invalid params after expressions were resolved: ${issues}`, false);
  }
  return parsed.data;
}

function toRunError(e: unknown, nodeId: string): RunError {
  if (e instanceof NodeError) return { type: e.type, message: e.message, nodeId, retryable: e.retryable };
  if (e instanceof Error) {
    const cancelled = e.name === 'AbortError' || e.name === 'CancelledFailure';
    return { type: cancelled ? 'Cancelled' : e.name || 'Error', message: e.message, nodeId, retryable: !cancelled };
  }
  return { type: 'Error', message: String(e), nodeId, retryable: true };
}

function nodeLogger(activity: Context, runId: string, nodeId: string): NodeLogger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
    activity.log[level](message, { runId, nodeId, ...fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NodeRegistry } from '@weft/nodes';
import { builtinRegistry, createGuardedFetch, sharedSandbox, NodeError, Routed, type AuditWriter, type EmbedderSet, type KnowledgeStore, type LlmGateway, type McpConnector, type NodeContext, type NodeExecutor, type NodeLogger, type Sandbox, type SecretReader } from '@weft/nodes/executors';
import { compensationAttempts, durationToMs, ExpressionError, isBlobRef, type AttemptDetail, type BlobRef, type ExpressionScope, edgeFired, type PlanNode, type RunError, type RunGraphInput } from '@weft/schemas';
import { AttemptNotes, clip, DETAIL_LIMIT_BYTES, ERROR_DETAILS_LIMIT_BYTES, notingPrompts } from './attempt-detail.js';
import type { AttemptEnd, AttemptRecord, RunStore, TriggeredRunRequest } from '@weft/store';
import { createAgentActivities } from './agent-activities.js';
import { scrub, secretReader } from './attempt-secrets.js';
import { INLINE_LIMIT_BYTES, type BeginResult, type ChainRequest, type ChainResult, type NodeRequest, type RunNodeRequest, type RunNodeResult } from './node-requests.js';

/** Ports fired and edges whose condition was false, as an attempt records them for re-runs. */
function routesOf(result: RunNodeResult): NonNullable<AttemptEnd['routes']> {
  return { ...(result.ports ? { ports: result.ports } : {}), falseEdges: result.falseEdges };
}

/** What the node activities need from their host process. */
export interface NodeActivityDeps {
  readonly store: RunStore;
  readonly executors: readonly NodeExecutor[];
  /** Node definitions (for the types the workflow runs itself); the built-ins by default. */
  readonly registry?: NodeRegistry;
  /** Outbound HTTP for executors (`ctx.fetch`); guarded against private destinations by default. */
  readonly fetch?: typeof fetch;
  /** Environment variables expressions may read as `$env`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Time limit of one `{{ }}` expression. */
  readonly expressionTimeoutMs?: number;
  /** Where expressions and code nodes run; the process's shared pool by default. */
  readonly sandbox?: Sandbox;
  /** Decrypted secrets for `ctx.secret`; none without it. */
  readonly secrets?: SecretReader;
  /** LLM providers for `ctx.llm`. */
  readonly llm?: LlmGateway;
  /** Embedders for `ctx.embedders`. */
  readonly embedders?: EmbedderSet;
  /** Knowledge collections for `ctx.knowledge`. */
  readonly knowledge?: KnowledgeStore;
  /** MCP servers for `ctx.mcp`. */
  readonly mcp?: McpConnector;
  /** The audit log for `ctx.audit`. */
  readonly audit?: AuditWriter;
  /** Observes each node attempt run by `runNode` (for metrics): node type, outcome and seconds taken. */
  readonly onNodeAttempt?: (type: string, status: 'succeeded' | 'failed', seconds: number) => void;
}

/** Builds the activities a worker registers; dependencies come in, nothing is global. */
export function createNodeActivities(deps: NodeActivityDeps) {
  const executors = new Map(deps.executors.map((e) => [e.definition.type, e]));
  const registry = deps.registry ?? builtinRegistry();
  const doFetch = deps.fetch ?? createGuardedFetch();
  const { store } = deps;
  const timeoutMs = deps.expressionTimeoutMs;
  const sandbox = deps.sandbox ?? sharedSandbox();
  const resolveNodeParams = (def: NodeExecutor['definition'], node: PlanNode, scope: ExpressionScope) => resolveParamsIn(sandbox, def, node, scope, timeoutMs);

  /** Replaces references to stored values (at the top, or one level into merged inputs) with the values. */
  const load = async (value: unknown): Promise<unknown> => {
    if (isBlobRef(value)) return store.getBlob(value.$weftBlob);
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).some(isBlobRef)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = isBlobRef(v) ? await store.getBlob(v.$weftBlob) : v;
      return out;
    }
    return value;
  };
  const scopeOf = async (req: NodeRequest, item?: RunNodeRequest['item']): Promise<ExpressionScope> => {
    const nodes: Record<string, { output: unknown }> = {};
    for (const [id, v] of Object.entries(req.upstream)) nodes[id] = { output: await load(v.output) };
    const input = item ? item.value : await load(req.input);
    return {
      input,
      nodes,
      run: { id: req.runId, workflowId: req.workflowId, input: await load(req.runInput), ...(req.runRequest ? { request: req.runRequest } : {}) },
      env: deps.env ?? {},
      ...(item ? { item: item.value, index: item.index } : {}),
      ...(req.toolArgs ? { tool: req.toolArgs } : {}),
    };
  };
  /** Keeps a large output in the database and hands back a reference. */
  const offload = async (runId: string, nodeId: string, output: unknown): Promise<unknown> => {
    const bytes = Buffer.byteLength(JSON.stringify(output) ?? 'null');
    if (bytes <= INLINE_LIMIT_BYTES) return output;
    const ref: BlobRef = { $weftBlob: await store.putBlob(runId, nodeId, output), bytes };
    return ref;
  };
  const conditionsFalse = async (conditions: RunNodeRequest['conditions'], scope: ExpressionScope, output: unknown) => {
    const falseEdges: string[] = [];
    for (const c of conditions) {
      const value = await sandbox.evaluate(c.when, { ...scope, input: output }, timeoutMs).catch((e: Error) => {
        throw new NodeError(expressionErrorType(e), `condition on edge "${c.edgeId}": ${e.message}`, false);
      });
      if (value !== true) falseEdges.push(c.edgeId);
    }
    return falseEdges;
  };
  /**
   * What an executor gets for one attempt; `read` collects the secrets it reads, to scrub them
   * after, and `notes` what it sent and decided, written with the attempt's end.
   */
  const contextFor = (activity: Context, req: NodeRequest, scope: ExpressionScope, idempotencyKey: string, read: Map<string, string>, notes: AttemptNotes, item?: number, toolCall?: NodeContext['toolCall']): NodeContext => {
    const secret = secretReader(deps, activity, { runId: req.runId, nodeId: req.node.id }, read);
    const attempt = activity.info.attempt;
    return {
      runId: req.runId,
      workflowId: req.workflowId,
      nodeId: req.node.id,
      attempt,
      idempotencyKey,
      signal: activity.cancellationSignal,
      heartbeat: (details) => activity.heartbeat(details),
      log: nodeLogger(activity, req.runId, req.node.id, read),
      fetch: doFetch,
      scope,
      secret,
      llm: deps.llm
        ? notingPrompts(deps.llm.forAttempt({ runId: req.runId, nodeId: req.node.id, attempt, ...(item === undefined ? {} : { item }), signal: activity.cancellationSignal, secret, usage: store }), notes)
        : missing<NodeContext['llm']>('LLM providers'),
      embedders: deps.embedders ?? missing<EmbedderSet>('embedders'),
      knowledge: deps.knowledge ?? missing<KnowledgeStore>('knowledge collections'),
      mcp: deps.mcp ?? missing<McpConnector>('MCP servers'),
      sandbox,
      audit: (action, target, details) => (deps.audit ? deps.audit({ actor: `run:${req.runId}`, action, target, ...(details ? { details: scrub(details, read) } : {}) }) : Promise.reject(notConfigured('the audit log'))),
      note: (detail) => notes.note(detail),
      ...(toolCall ? { toolCall } : {}),
    };
  };
  const definitionOf = (type: string) => {
    const def = registry.definition(type) ?? executors.get(type)?.definition;
    if (!def) throw new NodeError('UnknownNodeType', `this worker does not know node type "${type}"`, false);
    return def;
  };

  /**
   * One attempt of a node's executor, recorded by the caller: the result (a large output kept in
   * the database), or the error as it is recorded; with what it noted, secrets masked.
   */
  const attemptNode = async (activity: Context, req: RunNodeRequest): Promise<({ result: RunNodeResult } | { error: RunError }) & { detail: { detail?: AttemptDetail } }> => {
    const { runId, node } = req;
    const item = req.item?.index;
    const read = new Map<string, string>();
    const notes = new AttemptNotes();
    const started = performance.now();
    const observe = (status: 'succeeded' | 'failed') => deps.onNodeAttempt?.(node.type, status, (performance.now() - started) / 1000);
    try {
      const executor = executors.get(node.type);
      if (!executor?.execute) throw new NodeError('UnknownNodeType', `this worker has no executor for node type "${node.type}"`, false);
      const scope = await scopeOf(req, req.item);
      const params = await resolveNodeParams(executor.definition, node, scope);
      const ctx = contextFor(activity, req, scope, item === undefined ? `${runId}:${node.id}` : `${runId}:${node.id}:${item}`, read, notes, item);
      const result = await executor.execute(ctx, params, scope.input);
      const output = scrub((result instanceof Routed ? result.output : result) ?? null, read);
      const ports = result instanceof Routed ? result.ports : undefined;
      const falseEdges = await conditionsFalse(req.conditions, scope, output);
      const stored = await offload(runId, node.id, output);
      observe('succeeded');
      return { result: { output: stored, ...(ports ? { ports } : {}), falseEdges }, detail: recordedDetail(notes, read) };
    } catch (e) {
      observe('failed');
      return { error: recordedError(e, node.id, read), detail: recordedDetail(notes, read) };
    }
  };

  const agent = createAgentActivities({
    deps,
    store,
    executors,
    definitionOf: (type) => definitionOf(type),
    timeoutMs,
    scopeOf: (req) => scopeOf(req),
    sandbox,
    resolveParams: (def, node, scope) => resolveNodeParams(def, node, scope),
    contextFor: (activity, req, scope, key, read, notes, toolCall) => contextFor(activity, req, scope, key, read, notes, undefined, toolCall),
    secretReader: (activity, who, read) => secretReader(deps, activity, who, read),
    newNotes: () => new AttemptNotes(),
    scrub,
    recordedError,
    heartbeat: heartbeatWhileRunning,
  });

  return {
    ...agent,

    /** Runs one attempt of one node (or loop item) and records it. */
    async runNode(req: RunNodeRequest): Promise<RunNodeResult> {
      const activity = Context.current();
      const attempt = activity.info.attempt;
      const { runId, node } = req;
      const item = req.item?.index;
      const key = { runId, nodeId: node.id, attempt, ...(item === undefined ? {} : { item }) };
      const input = req.item ? req.item.value : req.input;
      // A light node's first attempt is recorded once, when it ends: it runs for moments, and
      // running it again is harmless. Other attempts are recorded as they start.
      const atOnce = activity.info.isLocal && attempt === 1;
      const startedAt = Date.now();
      const { prior, failures } = atOnce ? { prior: undefined, failures: 0 } : await store.startAttempt({ ...key, nodeType: node.type, input });
      // Done before, but Temporal never heard: hand back that result instead of running again.
      if (prior) return { output: prior.output, ...(prior.routes?.ports ? { ports: prior.routes.ports } : {}), falseEdges: prior.routes?.falseEdges ?? [] };
      const finish = (end: AttemptEnd) => (atOnce ? store.recordAttempt({ ...end, nodeType: node.type, input, startedAt }) : store.finishAttempt(end));
      const stopBeating = heartbeatWhileRunning(activity);
      try {
        const ran = await attemptNode(activity, req);
        if ('error' in ran) {
          const { error } = ran;
          // The node's own budget counts attempts that failed with an error, this one included.
          const willRetry = error.retryable !== false && failures + 1 < node.retry.maximumAttempts && !node.retry.nonRetryableErrorTypes.includes(error.type);
          await finish({ ...key, status: 'failed', error, willRetry, ...ran.detail });
          throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: !willRetry });
        }
        await finish({ ...key, status: 'succeeded', output: ran.result.output, routes: routesOf(ran.result), ...ran.detail });
        return ran.result;
      } finally {
        stopBeating();
      }
    },

    /**
     * Runs a chain of pure nodes, each on the output of the one before, as first attempts, and
     * records them all in one write at the end. The chain stops early where a node fails (it runs
     * again on its own, with its retries and error handling; this try is not recorded) or sends
     * nothing down the edge to the next. Running the chain again (a crash before Temporal heard)
     * is harmless: its nodes have no effect on the world, and a recorded attempt is kept.
     */
    async runChain(req: ChainRequest): Promise<ChainResult> {
      const activity = Context.current();
      const results: RunNodeResult[] = [];
      const records: AttemptRecord[] = [];
      let input = req.input;
      const upstream: Record<string, { readonly output: unknown }> = { ...req.upstream };
      for (const [i, link] of req.chain.entries()) {
        const request: RunNodeRequest = { runId: req.runId, workflowId: req.workflowId, node: link.node, input, upstream: { ...upstream }, runInput: req.runInput, ...(req.runRequest ? { runRequest: req.runRequest } : {}), conditions: link.conditions };
        const startedAt = Date.now();
        const ran = await attemptNode(activity, request);
        if ('error' in ran) break;
        const { result } = ran;
        records.push({ runId: req.runId, nodeId: link.node.id, attempt: 1, nodeType: link.node.type, input, startedAt, finishedAt: Date.now(), status: 'succeeded', output: result.output, routes: routesOf(result), ...ran.detail });
        results.push(result);
        const next = req.chain[i + 1];
        if (!next?.edge || !edgeFired(result, next.edge)) break;
        upstream[link.node.id] = { output: result.output };
        input = result.output;
      }
      await store.recordAttempts(records);
      return { results };
    },

    /** Undoes one completed node during rollback, and records the attempt. */
    async compensateNode(req: NodeRequest & { readonly output: unknown }): Promise<unknown> {
      const activity = Context.current();
      const attempt = activity.info.attempt;
      const key = { runId: req.runId, nodeId: req.node.id, attempt, phase: 'compensate' as const };
      const output = await load(req.output);
      const { prior, failures } = await store.startAttempt({ ...key, nodeType: req.node.type, input: req.output });
      if (prior) return prior.output;
      const stopBeating = heartbeatWhileRunning(activity);
      const read = new Map<string, string>();
      const notes = new AttemptNotes();
      try {
        const executor = executors.get(req.node.type);
        if (!executor?.compensate) throw new NodeError('NotCompensable', `node type "${req.node.type}" cannot be undone`, false);
        const scope = await scopeOf(req);
        const params = await resolveNodeParams(executor.definition, req.node, scope);
        const ctx = contextFor(activity, req, scope, `${req.runId}:${req.node.id}`, read, notes);
        const result = scrub((await executor.compensate(ctx, params, output)) ?? null, read);
        await store.finishAttempt({ ...key, status: 'succeeded', output: result, ...recordedDetail(notes, read) });
        return result;
      } catch (e) {
        const error = recordedError(e, req.node.id, read);
        const willRetry = error.retryable !== false && failures + 1 < compensationAttempts(req.node);
        await store.finishAttempt({ ...key, status: 'failed', error, willRetry, ...recordedDetail(notes, read) });
        throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: !willRetry });
      } finally {
        stopBeating();
      }
    },

    /**
     * Starts a node the workflow runs itself (approval, wait, loop, sub-workflow): resolves and
     * checks its params and records the attempt.
     */
    async beginNode(req: NodeRequest & { readonly waiting?: boolean }): Promise<BeginResult> {
      const { runId, node } = req;
      await store.startAttempt({ runId, nodeId: node.id, attempt: 1, nodeType: node.type, input: req.input, status: req.waiting ? 'waiting' : 'running' });
      try {
        const def = definitionOf(node.type);
        const scope = await scopeOf(req);
        const params = await resolveNodeParams(def, node, scope);
        if (node.mode === 'wait') {
          const until = typeof params['until'] === 'string' ? Date.parse(params['until']) : Number.NaN;
          if (params['until'] !== undefined && Number.isNaN(until)) throw new NodeError('InvalidParams', `until: "${String(params['until'])}" is not a time`, false);
          const sleepMs = params['duration'] !== undefined ? durationMs(String(params['duration'])) : Math.max(0, until - Date.now());
          return { params, sleepMs };
        }
        if (node.mode === 'loop') {
          const items = params['items'];
          if (!Array.isArray(items)) throw new NodeError('InvalidParams', `items must be a list, not ${items === null ? 'null' : typeof items}`, false);
          const { items: _items, ...rest } = params;
          return { params: rest, items: { ref: await store.putBlob(runId, node.id, items), count: items.length } };
        }
        return { params };
      } catch (e) {
        const error = toRunError(e, node.id);
        await store.finishAttempt({ runId, nodeId: node.id, attempt: 1, status: 'failed', error });
        throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true });
      }
    },

    /** Ends a node the workflow ran itself: evaluates its edge conditions and records the result. */
    async endNode(
      req: NodeRequest & {
        readonly conditions: RunNodeRequest['conditions'];
        readonly result: { readonly output: unknown; readonly ports?: readonly string[] } | { readonly error: RunError };
      },
    ): Promise<RunNodeResult> {
      const key = { runId: req.runId, nodeId: req.node.id, attempt: 1 };
      if ('error' in req.result) {
        await store.finishAttempt({ ...key, status: 'failed', error: req.result.error });
        return { output: null, falseEdges: [] };
      }
      const output = await load(req.result.output);
      const falseEdges = await conditionsFalse(req.conditions, await scopeOf(req), output);
      const stored = await offload(req.runId, req.node.id, output);
      const ports = req.result.ports;
      await store.finishAttempt({ ...key, status: 'succeeded', output: stored, routes: { ...(ports ? { ports } : {}), falseEdges } });
      return { output: stored, ...(ports ? { ports } : {}), falseEdges };
    },

    /** Records a child run for a sub-workflow node and returns what `runGraph` needs to start it. */
    async prepareChild(req: { readonly runId: string; readonly nodeId: string; readonly workflowId: string; readonly version: number; readonly input: unknown }): Promise<RunGraphInput> {
      const child = await store.createChildRun({ ...req, input: await load(req.input) });
      if (!child) {
        const message = `sub-workflow ${req.workflowId} has no version ${req.version}`;
        await store.finishAttempt({ runId: req.runId, nodeId: req.nodeId, attempt: 1, status: 'failed', error: { type: 'SubworkflowNotFound', message, nodeId: req.nodeId, retryable: false } });
        throw ApplicationFailure.create({ type: 'SubworkflowNotFound', message, nonRetryable: true });
      }
      return { runId: child.runId, plan: child.plan, input: req.input };
    },

    /**
     * Records the run a schedule fires and returns what `runGraph` needs to start it. A workflow
     * that is gone or does not compile fails the firing for good, with nothing recorded.
     */
    async createTriggeredRun(req: TriggeredRunRequest): Promise<{ args: RunGraphInput; runTimeout?: string }> {
      const made = await store.createTriggeredRun(req);
      if (!made.ok) throw ApplicationFailure.create({ type: made.type, message: made.message, nonRetryable: true });
      return { args: { runId: made.run.runId, plan: made.run.plan, input: made.run.input }, ...(made.runTimeout ? { runTimeout: made.runTimeout } : {}) };
    },

    /** A window of a loop's items. */
    async loopItems(req: { readonly ref: string; readonly start: number; readonly count: number }): Promise<unknown[]> {
      const items = (await store.getBlob(req.ref)) as unknown[];
      return items.slice(req.start, req.start + req.count);
    },

    /** The loop's output: every item's result in order (kept out of history when large). */
    async loopOutput(req: { readonly runId: string; readonly nodeId: string; readonly count: number }): Promise<unknown> {
      return offload(req.runId, req.nodeId, await store.loopOutputs(req.runId, req.nodeId, req.count));
    },

    /** Records a run's status change (and output or error at the end). */
    async setRunStatus(change: Parameters<RunStore['setRunStatus']>[0]): Promise<void> {
      await store.setRunStatus(change);
    },
  };
}

/** The activities' type, for `proxyActivities` in workflow code. */
export type NodeActivities = ReturnType<typeof createNodeActivities>;

/** Beats often enough that a dead worker is noticed within the node's heartbeat timeout. */
function heartbeatWhileRunning(activity: Context): () => void {
  // A local activity runs inside the workflow's own task; Temporal takes no heartbeats from it.
  if (activity.info.isLocal) return () => undefined;
  const every = Math.max(200, Math.min(5000, Math.floor((activity.info.heartbeatTimeoutMs ?? 5000) / 3)));
  const timer = setInterval(() => activity.heartbeat(), every);
  return () => clearInterval(timer);
}

/** The node error type of a failed expression: its own (`ExpressionTimeout`, …) or `ExpressionError`. */
function expressionErrorType(e: Error): string {
  return e instanceof ExpressionError ? e.type : 'ExpressionError';
}

async function resolveParamsIn(sandbox: Sandbox, def: NodeExecutor['definition'], node: PlanNode, scope: ExpressionScope, timeoutMs?: number) {
  const keep = new Set([...(def.expressionParams ?? []), ...(def.deferredParams ?? [])]);
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.params)) {
    // Bare expressions are evaluated by the executor; deferred params later (compensation, loop items).
    raw[k] = keep.has(k)
      ? v
      : await sandbox.resolve(v, scope, timeoutMs).catch((e: Error) => {
          throw new NodeError(expressionErrorType(e), `param "${k}": ${e.message}`, false);
        });
  }
  const parsed = def.params.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${['params', ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new NodeError('InvalidParams', `invalid params after expressions were resolved: ${issues}`, false);
  }
  return parsed.data as Record<string, unknown>;
}

function durationMs(d: string): number {
  const ms = durationToMs(d);
  if (ms === undefined) throw new NodeError('InvalidParams', `"${d}" is not a duration`, false);
  return ms;
}

/** What an attempt noted, secrets masked and then cut to size, for its row; nothing when it noted nothing. */
function recordedDetail(notes: AttemptNotes, secrets: ReadonlyMap<string, string>): { detail?: AttemptDetail } {
  const detail = notes.value();
  return detail ? { detail: clip(scrub(detail, secrets), DETAIL_LIMIT_BYTES) as AttemptDetail } : {};
}

/** An attempt's error as recorded: secrets masked, then what the executor attached cut to size. */
function recordedError(e: unknown, nodeId: string, secrets: ReadonlyMap<string, string>): RunError {
  const error = scrub(toRunError(e, nodeId), secrets);
  return error.details === undefined ? error : { ...error, details: clip(error.details, ERROR_DETAILS_LIMIT_BYTES) };
}

function toRunError(e: unknown, nodeId: string): RunError {
  if (e instanceof NodeError) return { type: e.type, message: e.message, nodeId, retryable: e.retryable, ...(e.details === undefined ? {} : { details: e.details }) };
  if (e instanceof Error) {
    const cancelled = e.name === 'AbortError' || e.name === 'CancelledFailure';
    return { type: cancelled ? 'Cancelled' : e.name || 'Error', message: e.message, nodeId, retryable: !cancelled };
  }
  return { type: 'Error', message: String(e), nodeId, retryable: true };
}

function nodeLogger(activity: Context, runId: string, nodeId: string, secrets: ReadonlyMap<string, string>): NodeLogger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
    activity.log[level](scrub(message, secrets), scrub({ runId, nodeId, ...fields }, secrets));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function notConfigured(what: string): NodeError {
  return new NodeError('NotConfigured', `${what} are not configured on this worker`, false);
}

/** A service the worker was not given: any use fails with a clear, non-retryable error. */
function missing<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) => (prop === 'then' ? undefined : () => {
      throw notConfigured(what);
    }),
  });
}

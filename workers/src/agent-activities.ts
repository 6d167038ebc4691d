import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { agentMessages, approvalReason, checkFinalAnswer, NodeError, requestOptions, type CallApprovalRule, type NodeContext, type NodeExecutor, type Sandbox, type ToolSpec } from '@weft/nodes/executors';
import type { AgentCallApproval, AgentCallData, AgentStep, AgentTaskData, AgentToolCall, AgentTurnData, ExpressionScope, PlanNode, PlanTool, RunError, RunRequest } from '@weft/schemas';
import type { AttemptNotes } from './attempt-detail.js';
import type { NodeActivityDeps } from './activities.js';
import type { NodeRequest } from './node-requests.js';
import type { AgentStepWrite, RunStore } from '@weft/store';
import { errorMessage } from '@weft/schemas';

/** What the tools of an agent read in their expressions: what the agent node itself saw. */
export interface ToolContext {
  readonly input: unknown;
  readonly upstream: Readonly<Record<string, { readonly output: unknown }>>;
  readonly runInput: unknown;
  readonly runRequest?: RunRequest;
}

/** An agent's params, resolved when the agent node began. */
export interface AgentSettings {
  readonly instructions: string;
  readonly task: string;
  readonly model?: string;
  readonly providers?: readonly string[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly timeoutMs?: number;
  readonly maxTurns: number;
  readonly budget?: { readonly tokens?: number; readonly costUsd?: number };
  readonly toolConcurrency: number;
  readonly outputSchema?: Readonly<Record<string, unknown>>;
  readonly onLimit: 'fail' | 'route';
}

/** A tool as offered to the model, with where it comes from. */
export interface OfferedTool extends ToolSpec {
  /** Position of its node in the agent's tools. */
  readonly index: number;
  /** For a node offering several tools (an MCP server): the tool's own name there. */
  readonly remote?: string;
}

/** What one model turn gave. */
export interface TurnResult {
  readonly text: string;
  readonly toolCalls: readonly AgentToolCall[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly finishReason: string;
  /** For a final answer with an output schema: the parsed answer, or what is wrong with it. */
  readonly checked?: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };
}

/** How a tool call ended, as the model will be told. */
export type CallResult = { readonly ok: true; readonly output: unknown } | { readonly ok: false; readonly error: RunError };

/** How a tool call ended, as the workflow hears it: the output stays in the transcript, out of Temporal history. */
export type CallOutcome = { readonly ok: true } | { readonly ok: false; readonly error: RunError };

/** What the agent activities borrow from the node activities. */
export interface NodeRuntime {
  readonly deps: NodeActivityDeps;
  readonly store: RunStore;
  readonly executors: ReadonlyMap<string, NodeExecutor>;
  /** A node type's definition (also the types the engine runs itself). */
  definitionOf(type: string): NodeExecutor['definition'];
  readonly timeoutMs: number | undefined;
  /** Where expressions and code run, stopped from outside at their limits. */
  readonly sandbox: Sandbox;
  scopeOf(req: NodeRequest): Promise<ExpressionScope>;
  resolveParams(def: NodeExecutor['definition'], node: PlanNode, scope: ExpressionScope): Promise<Record<string, unknown>>;
  contextFor(activity: Context, req: NodeRequest, scope: ExpressionScope, key: string, read: Map<string, string>, notes: AttemptNotes, toolCall?: NodeContext['toolCall']): NodeContext;
  /** Reads secrets for a destination, checking their binding and collecting them in `read` for masking. */
  secretReader(activity: Context, who: { runId: string; nodeId: string }, read: Map<string, string>): (name: string, destination: URL) => Promise<string>;
  newNotes(): AttemptNotes;
  scrub<T>(value: T, secrets: ReadonlyMap<string, string>): T;
  recordedError(e: unknown, nodeId: string, secrets: ReadonlyMap<string, string>): RunError;
  heartbeat(activity: Context): () => void;
}

/** Text the model writes is sent to viewers at most this often. */
const TEXT_FLUSH_MS = 150;

/** The activities of the agent loop (`runAgent`): tools, turns, calls and transcript steps. */
export function createAgentActivities(rt: NodeRuntime) {
  const { store } = rt;
  const requestOf = (runId: string, workflowId: string, node: PlanNode, context: ToolContext, toolArgs?: Readonly<Record<string, unknown>>): NodeRequest => ({
    runId,
    workflowId,
    node,
    input: context.input,
    upstream: context.upstream,
    runInput: context.runInput,
    ...(context.runRequest ? { runRequest: context.runRequest } : {}),
    ...(toolArgs ? { toolArgs } : {}),
  });
  const stepAt = async (runId: string, agent: string, turn: number, part: number): Promise<AgentStep | undefined> =>
    (await store.agentSteps(runId, agent, turn)).find((s) => s.part === part);

  return {
    /**
     * Lists the tools an agent offers the model (a node that offers several, such as an MCP
     * server, is asked for them) and, on the agent's first start, records its task.
     */
    async agentStart(req: {
      readonly runId: string;
      readonly workflowId: string;
      readonly agent: string;
      readonly nodeId: string;
      readonly settings: AgentSettings;
      readonly tools: readonly PlanTool[];
      readonly context: ToolContext;
      readonly record: boolean;
    }): Promise<OfferedTool[]> {
      const activity = Context.current();
      const offered: OfferedTool[] = [];
      for (const [index, t] of req.tools.entries()) {
        const executor = rt.executors.get(t.node.type);
        if (!executor?.tools) {
          offered.push({ name: t.name, description: t.description, parameters: t.parameters, index });
          continue;
        }
        const request = requestOf(req.runId, req.workflowId, t.node, req.context);
        const scope = await rt.scopeOf(request);
        const params = await rt.resolveParams(executor.definition, t.node, scope);
        const read = new Map<string, string>();
        const ctx = rt.contextFor(activity, request, scope, `${req.runId}:${t.node.id}`, read, rt.newNotes());
        for (const spec of await executor.tools(ctx, params as never)) offered.push({ ...spec, name: spec.name, index, remote: spec.name });
      }
      // Names must be unique and follow the providers' rules: a clash is prefixed with the node id.
      const seen = new Set<string>();
      const tools = offered.map((t) => {
        let name = t.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'tool';
        if (seen.has(name)) name = `${req.tools[t.index]!.node.id}_${name}`.slice(0, 64);
        seen.add(name);
        return { ...t, name };
      });
      if (req.record) {
        const data: AgentTaskData = {
          instructions: req.settings.instructions,
          task: req.settings.task,
          tools: tools.map((t) => ({ name: t.name, description: t.description, node: req.tools[t.index]!.node.id })),
        };
        await store.putAgentStep({ runId: req.runId, agent: req.agent, nodeId: req.nodeId, turn: 0, part: 0, kind: 'task', status: 'succeeded', data });
      }
      return tools;
    },

    /**
     * One model turn: rebuilds the conversation from the transcript, asks the model (streaming
     * its text to viewers) and records the turn. A turn already recorded is returned, never asked
     * again.
     */
    async agentTurn(req: {
      readonly runId: string;
      readonly agent: string;
      readonly nodeId: string;
      readonly turn: number;
      readonly settings: AgentSettings;
      readonly tools: readonly ToolSpec[];
      readonly maxAttempts: number;
    }): Promise<TurnResult> {
      const activity = Context.current();
      const steps = await store.agentSteps(req.runId, req.agent);
      const done = steps.find((s) => s.kind === 'turn' && s.turn === req.turn && s.status === 'succeeded');
      if (done) return turnResult(done.data as AgentTurnData, req.settings);
      const task = steps.find((s) => s.kind === 'task')?.data as AgentTaskData | undefined;
      const messages = agentMessages(task ?? req.settings, steps.filter((s) => s.turn < req.turn));
      const base = { runId: req.runId, agent: req.agent, nodeId: req.nodeId, turn: req.turn, part: 0, kind: 'turn' as const };
      await store.putAgentStep({ ...base, status: 'running', data: { text: '', toolCalls: [] } });
      const read = new Map<string, string>();
      const secret = rt.secretReader(activity, { runId: req.runId, nodeId: req.nodeId }, read);
      if (!rt.deps.llm) throw ApplicationFailure.create({ type: 'NotConfigured', message: 'LLM providers are not configured on this worker', nonRetryable: true });
      const llm = rt.deps.llm.forAttempt({ runId: req.runId, nodeId: req.nodeId, attempt: activity.info.attempt, signal: activity.cancellationSignal, secret, usage: store });
      // Text is sent on in small batches, so a viewer sees it grow without one write per token.
      let pending = '';
      let flushing = Promise.resolve();
      const flush = () => {
        if (!pending) return;
        const delta = rt.scrub(pending, read);
        pending = '';
        flushing = flushing.then(() => store.agentText({ runId: req.runId, agent: req.agent, nodeId: req.nodeId, turn: req.turn, delta })).catch(() => undefined);
      };
      const timer = setInterval(flush, TEXT_FLUSH_MS);
      const stopBeating = rt.heartbeat(activity);
      try {
        const result = await llm.complete({
          ...requestOptions(req.settings),
          messages,
          ...(req.tools.length ? { tools: req.tools } : {}),
          onText: (delta) => {
            pending += delta;
          },
        });
        flush();
        await flushing;
        const data: AgentTurnData = rt.scrub(
          {
            text: result.text,
            toolCalls: result.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments, ...(c.invalidArguments === undefined ? {} : { invalidArguments: c.invalidArguments }) })),
            provider: result.provider,
            model: result.model,
            inputTokens: result.inputTokens,
            outputTokens: result.outputTokens,
            costUsd: result.costUsd,
            latencyMs: Math.round(result.latencyMs),
            finishReason: result.finishReason,
          },
          read,
        );
        await store.putAgentStep({ ...base, status: 'succeeded', data });
        return turnResult(data, req.settings);
      } catch (e) {
        const error = rt.recordedError(e, req.nodeId, read);
        const willRetry = error.retryable !== false && activity.info.attempt < req.maxAttempts;
        await store.putAgentStep({ ...base, status: willRetry ? 'running' : 'failed', data: { text: '', toolCalls: [], error } });
        throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: !willRetry });
      } finally {
        clearInterval(timer);
        stopBeating();
      }
    },

    /**
     * Runs one tool call: the tool node's executor with `$tool` set to the arguments and the
     * idempotency key `<runId>:<agent>:<turn>:<callId>`. A call already recorded as ended is
     * returned, never run again. An error a retry cannot fix (or the last attempt's) is returned
     * as the result, for the model to read, instead of failing the agent.
     */
    async agentCall(req: {
      readonly runId: string;
      readonly workflowId: string;
      readonly agent: string;
      readonly nodeId: string;
      readonly turn: number;
      readonly part: number;
      readonly call: AgentToolCall;
      /** The arguments the tool runs with: the model's, or the approver's edit. */
      readonly arguments: Readonly<Record<string, unknown>>;
      readonly tool: PlanNode;
      readonly remote?: string;
      readonly context: ToolContext;
      readonly approval?: AgentCallApproval;
    }): Promise<CallOutcome> {
      const activity = Context.current();
      const prior = await stepAt(req.runId, req.agent, req.turn, req.part);
      if (prior && prior.status !== 'running' && prior.status !== 'waiting') return outcome(prior);
      const key = `${req.runId}:${req.agent}:${req.turn}:${req.call.id}`;
      const data = { callId: req.call.id, name: req.call.name, tool: req.tool.id, arguments: req.arguments, key, ...(req.approval ? { approval: req.approval } : {}) } satisfies AgentCallData;
      const base = { runId: req.runId, agent: req.agent, nodeId: req.nodeId, turn: req.turn, part: req.part, kind: 'call' as const };
      const end = async (step: Pick<AgentStepWrite, 'status' | 'data'>) => {
        await store.putAgentStep({ ...base, ...step });
        return step;
      };
      await store.putAgentStep({ ...base, status: 'running', data });
      const read = new Map<string, string>();
      const stopBeating = rt.heartbeat(activity);
      try {
        if (req.call.invalidArguments !== undefined) throw new NodeError('InvalidArguments', `the arguments are not a JSON object: ${req.call.invalidArguments.slice(0, 200)}`, false);
        const executor = rt.executors.get(req.tool.type);
        if (!executor?.execute) throw new NodeError('UnknownNodeType', `this worker has no executor for node type "${req.tool.type}"`, false);
        const request = requestOf(req.runId, req.workflowId, req.tool, req.context, req.arguments);
        const scope = await rt.scopeOf(request);
        const params = await rt.resolveParams(executor.definition, req.tool, scope);
        const ctx = rt.contextFor(activity, request, scope, key, read, rt.newNotes(), { name: req.remote ?? req.call.name, arguments: req.arguments });
        const result = await executor.execute(ctx, params, scope.input);
        const output = rt.scrub((result !== null && typeof result === 'object' && 'ports' in result && 'output' in result ? (result as { output: unknown }).output : result) ?? null, read);
        return outcome(await end({ status: 'succeeded', data: { ...data, output } }));
      } catch (e) {
        const error = rt.recordedError(e, req.tool.id, read);
        const willRetry = error.retryable !== false && activity.info.attempt < req.tool.retry.maximumAttempts && !req.tool.retry.nonRetryableErrorTypes.includes(error.type);
        if (willRetry) {
          await store.putAgentStep({ ...base, status: 'running', data: { ...data, error } });
          throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: false });
        }
        return outcome(await end({ status: 'failed', data: { ...data, error } }));
      } finally {
        stopBeating();
      }
    },

    /** Why a tool call must wait for a person, or nothing when it may run at once. */
    async agentApproval(req: {
      readonly runId: string;
      readonly workflowId: string;
      readonly tool: PlanNode;
      readonly name: string;
      readonly rule: CallApprovalRule;
      readonly arguments: Readonly<Record<string, unknown>>;
      readonly context: ToolContext;
    }): Promise<string | undefined> {
      const scope = await rt.scopeOf(requestOf(req.runId, req.workflowId, req.tool, req.context, req.arguments));
      try {
        return await approvalReason(req.rule, req.name, req.arguments, scope, rt.sandbox, rt.timeoutMs);
      } catch (e) {
        // A rule that cannot be evaluated asks a person rather than letting the call through.
        return `the approval rule failed (${errorMessage(e)}), so a person decides`;
      }
    },

    /** A node's params resolved with `$tool` set to a call's arguments (an agent or sub-workflow called as a tool). */
    async agentResolve(req: { readonly runId: string; readonly workflowId: string; readonly node: PlanNode; readonly context: ToolContext; readonly arguments: Readonly<Record<string, unknown>> }): Promise<Record<string, unknown>> {
      const def = rt.definitionOf(req.node.type);
      const scope = await rt.scopeOf(requestOf(req.runId, req.workflowId, req.node, req.context, req.arguments));
      try {
        return await rt.resolveParams(def, req.node, scope);
      } catch (e) {
        const error = rt.recordedError(e, req.node.id, new Map());
        throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true });
      }
    },

    /** Records a step the workflow decides itself: a call waiting for approval or refused, a request to correct the answer, a nested agent's or sub-workflow's result. */
    async agentStep(step: AgentStepWrite): Promise<void> {
      await store.putAgentStep(step);
    },
  };
}

function turnResult(d: AgentTurnData, settings: AgentSettings): TurnResult {
  const final = d.toolCalls.length === 0 && settings.outputSchema ? { checked: checkFinalAnswer(d.text, settings.outputSchema) } : {};
  return { text: d.text, toolCalls: d.toolCalls, inputTokens: d.inputTokens, outputTokens: d.outputTokens, costUsd: d.costUsd, finishReason: d.finishReason, ...final };
}

function outcome(step: { readonly status: AgentStep['status']; readonly data: unknown }): CallOutcome {
  const d = step.data as AgentCallData;
  if (step.status === 'succeeded') return { ok: true };
  return { ok: false, error: d.error ?? { type: step.status === 'rejected' ? 'Rejected' : 'Error', message: step.status === 'rejected' ? 'a person rejected the call' : 'the call failed' } };
}

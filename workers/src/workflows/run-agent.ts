import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { durationToMs, temporalAttempts, type PlanNode, type PlanTool } from '@weft/schemas/plan';
import type { AgentCallApproval, AgentCallData, AgentToolCall, RunError } from '@weft/schemas/run';
import type { NodeActivities } from '../activities.js';
import type { AgentSettings, CallResult, ToolContext, TurnResult } from '../agent-activities.js';
import { agentSettings } from './agent.js';
import { agentApprovalSignal, approveSignal, RUN_GRAPH, type ApprovalDecision } from './definitions.js';
import { recording, RECORDING_OPTIONS } from './recording.js';
import { toRunError } from './run-error.js';

/** What an agent's loop needs; `progress` carries it across continue-as-new. */
export interface AgentInput {
  readonly runId: string;
  readonly workflowId: string;
  /** The agent node, with its tools. */
  readonly node: PlanNode;
  /** The conversation's key in the transcript: the node id, or a path for an agent called as a tool. */
  readonly agent: string;
  readonly settings: AgentSettings;
  /** What the tools' expressions read. */
  readonly context: ToolContext;
  /** The run's workflow id: waiting tool calls are announced there. */
  readonly root: string;
  /** This loop's own workflow id (from the input, so that replays under another id stay the same). */
  readonly self: string;
  readonly progress?: AgentProgress;
}

/** How far an agent has come. */
export interface AgentProgress {
  readonly turn: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly toolCalls: number;
  /** Whether the final answer was already asked for again once. */
  readonly reasked: boolean;
}

/** The agent node's output. */
export interface AgentOutput {
  readonly answer: unknown;
  readonly text: string;
  readonly outcome: 'answer' | 'MaxTurnsReached' | 'BudgetExceeded';
  readonly turns: number;
  readonly toolCalls: number;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number };
}

/** How the loop ended: an answer, or a limit reached with `onLimit: route`. */
export interface AgentRunResult {
  readonly output: AgentOutput;
  readonly limit?: RunError;
}

/** Turns one run of this workflow takes before it continues as new (well inside history limits). */
const TURNS_PER_RUN = 50;
/** How long a tool call waits for a person when the tool sets no time. */
const DEFAULT_APPROVAL_MS = 86_400_000;

const steps = proxyActivities<Pick<NodeActivities, 'agentStart' | 'agentStep' | 'agentApproval' | 'agentResolve'>>(RECORDING_OPTIONS);

/**
 * An agent's loop: each model turn is one activity, each tool call the tool node's activity (or a
 * child workflow for sub-workflows and agents called as tools), calls of a turn run in parallel
 * up to the agent's concurrency. The transcript is kept in the database, so the workflow carries
 * only counters and continues as new every few dozen turns. A crashed worker resumes at the turn
 * it stopped in: recorded turns are not asked again, recorded calls do not run again.
 */
export async function runAgent(input: AgentInput): Promise<AgentRunResult> {
  const { node, settings, runId, agent } = input;
  const tools = node.tools ?? [];
  const turnActivity = proxyActivities<Pick<NodeActivities, 'agentTurn'>>({
    startToCloseTimeout: node.startToCloseTimeout,
    heartbeatTimeout: node.heartbeatTimeout,
    retry: { ...node.retry, maximumAttempts: temporalAttempts(node.retry.maximumAttempts), nonRetryableErrorTypes: [...node.retry.nonRetryableErrorTypes] },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const decisions = new Map<string, ApprovalDecision>();
  const waiting = new Set<string>();
  setHandler(approveSignal, (d) => {
    if (d.call !== undefined && waiting.has(d.call) && !decisions.has(d.call)) decisions.set(d.call, d);
  });

  let p: AgentProgress = input.progress ?? { turn: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, toolCalls: 0, reasked: false };
  const offered = await steps.agentStart({ runId, workflowId: input.workflowId, agent, nodeId: node.id, settings, tools, context: input.context, record: input.progress === undefined });
  const specs = offered.map(({ name, description, parameters }) => ({ name, description, parameters }));
  const firstTurn = p.turn;
  let last: TurnResult | undefined;

  const output = (outcome: AgentOutput['outcome'], answer: unknown): AgentOutput => ({
    answer,
    text: last?.text ?? '',
    outcome,
    turns: p.turn,
    toolCalls: p.toolCalls,
    usage: { inputTokens: p.inputTokens, outputTokens: p.outputTokens, costUsd: p.costUsd },
  });
  const limit = (type: 'MaxTurnsReached' | 'BudgetExceeded', message: string): AgentRunResult => {
    if (settings.onLimit === 'fail') throw ApplicationFailure.create({ type, message, nonRetryable: true });
    return { output: output(type, null), limit: { type, message, nodeId: node.id, retryable: false } };
  };

  for (;;) {
    if (p.turn >= settings.maxTurns) return limit('MaxTurnsReached', `the agent took ${p.turn} turns without a final answer (maxTurns ${settings.maxTurns})`);
    const spent = overBudget(p, settings.budget);
    if (spent) return limit('BudgetExceeded', spent);
    if (p.turn - firstTurn >= TURNS_PER_RUN || workflowInfo().continueAsNewSuggested) await continueAsNew<typeof runAgent>({ ...input, progress: p });

    const turn = p.turn + 1;
    try {
      last = await turnActivity.agentTurn({ runId, agent, nodeId: node.id, turn, settings, tools: specs, maxAttempts: node.retry.maximumAttempts });
    } catch (err) {
      const error = toRunError(node.id, err);
      if (error.type === 'BudgetExceeded') return limit('BudgetExceeded', error.message);
      throw err;
    }
    p = { ...p, turn, inputTokens: p.inputTokens + last.inputTokens, outputTokens: p.outputTokens + last.outputTokens, costUsd: p.costUsd + last.costUsd };

    if (last.toolCalls.length === 0) {
      const checked = last.checked;
      if (!checked) return { output: output('answer', last.text) };
      if (checked.ok) return { output: output('answer', checked.value) };
      if (p.reasked) throw ApplicationFailure.create({ type: 'InvalidLlmOutput', message: `the agent's answer was still not valid after asking again: ${checked.problem}`, nonRetryable: true });
      p = { ...p, reasked: true };
      const message = `That answer is not valid: ${checked.problem}. Answer again with only the corrected JSON.`;
      await steps.agentStep({ runId, agent, nodeId: node.id, turn, part: 1, kind: 'reask', status: 'succeeded', data: { message } });
      continue;
    }

    const calls = last.toolCalls;
    let next = 0;
    const worker = async () => {
      while (next < calls.length) {
        const i = next++;
        await runCall(turn, i + 1, calls[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.toolConcurrency, calls.length) }, worker));
    p = { ...p, toolCalls: p.toolCalls + calls.length };
  }

  /** One tool call: approval when the tool asks for it, then the tool, its result recorded for the model. */
  async function runCall(turn: number, part: number, call: AgentToolCall): Promise<void> {
    const key = `${runId}:${agent}:${turn}:${call.id}`;
    const found = offered.find((o) => o.name === call.name);
    const base = { runId, agent, nodeId: node.id, turn, part, kind: 'call' as const };
    if (!found) {
      const error: RunError = { type: 'UnknownTool', message: `there is no tool named "${call.name}" (tools: ${offered.map((o) => o.name).join(', ') || 'none'})`, retryable: false };
      await steps.agentStep({ ...base, status: 'failed', data: { callId: call.id, name: call.name, tool: '', arguments: call.arguments, key, error } satisfies AgentCallData });
      return;
    }
    const tool = tools[found.index]!;
    const data: AgentCallData = { callId: call.id, name: call.name, tool: tool.node.id, arguments: call.arguments, key };
    let args = call.arguments;
    let approval: AgentCallApproval | undefined;

    const asks = tool.node.mode === 'approval';
    const rule = asks ? { require: 'always' as const } : tool.approval;
    if (rule && call.invalidArguments === undefined) {
      const reason =
        rule.require === 'always'
          ? asks
            ? 'the agent asks a person'
            : `every call of ${call.name} needs approval`
          : await steps.agentApproval({ runId, workflowId: input.workflowId, tool: tool.node, name: call.name, rule, arguments: args, context: input.context });
      if (reason !== undefined) {
        // An approval node asks with its own title and text (rendered with the call's arguments) and keeps its own time limit.
        let ask: Ask | undefined;
        if (asks) {
          try {
            ask = askOf(await steps.agentResolve({ runId, workflowId: input.workflowId, node: tool.node, context: input.context, arguments: args }));
          } catch (err) {
            if (isCancellation(err)) throw err;
            await steps.agentStep({ ...base, status: 'failed', data: { ...data, error: toRunError(tool.node.id, err) } });
            return;
          }
        }
        const decision = await awaitDecision(tool, key, turn, part, call, reason, data, found.parameters, ask);
        approval = decision.approval;
        if (ask) {
          const timedOut = approval.status === 'timed_out';
          if (timedOut && ask.onTimeout === 'fail') {
            const error: RunError = { type: 'ApprovalTimeout', message: `nobody decided within ${ask.timeout}`, nodeId: tool.node.id, retryable: false };
            await steps.agentStep({ ...base, status: 'failed', data: { ...data, approval, error } });
            return;
          }
          const approved = timedOut ? ask.onTimeout === 'approve' : approval.status !== 'rejected';
          const answer = { approved, by: approval.by ?? null, comment: approval.comment ?? null, timedOut };
          await steps.agentStep({ ...base, status: 'succeeded', data: { ...data, approval, output: answer } });
          return;
        }
        if (approval.status === 'rejected' || approval.status === 'timed_out') {
          await steps.agentStep({ ...base, status: 'rejected', data: { ...data, approval } });
          return;
        }
        if (approval.arguments) args = approval.arguments;
      }
    }

    const context = input.context;
    if (tool.node.mode === 'activity') {
      await toolActivity(tool.node).agentCall({ runId, workflowId: input.workflowId, agent, nodeId: node.id, turn, part, call, arguments: args, tool: tool.node, ...(found.remote ? { remote: found.remote } : {}), context, ...(approval ? { approval } : {}) });
      return;
    }
    const record = (result: CallResult) =>
      steps.agentStep({ ...base, status: result.ok ? 'succeeded' : 'failed', data: { ...data, arguments: args, ...(approval ? { approval } : {}), ...(result.ok ? { output: result.output } : { error: result.error }) } });
    await steps.agentStep({ ...base, status: 'running', data: { ...data, arguments: args, ...(approval ? { approval } : {}) } });
    try {
      if (tool.node.mode === 'agent') {
        const resolved = await steps.agentResolve({ runId, workflowId: input.workflowId, node: tool.node, context, arguments: args });
        const nested = await executeChild(runAgent, {
          workflowId: `${input.self}-${turn}-${part}`,
          args: [{ runId, workflowId: input.workflowId, node: tool.node, agent: `${agent}/${turn}.${part}`, settings: agentSettings(resolved), context, root: input.root, self: `${input.self}-${turn}-${part}` }],
        });
        await record(nested.limit ? { ok: false, error: nested.limit } : { ok: true, output: nested.output.answer });
      } else if (tool.node.mode === 'subworkflow') {
        const resolved = await steps.agentResolve({ runId, workflowId: input.workflowId, node: tool.node, context, arguments: args });
        const child = await recording.prepareChild({ runId, nodeId: tool.node.id, workflowId: String(resolved['workflowId']), version: Number(resolved['version']), input: resolved['input'] });
        await record({ ok: true, output: await executeChild(RUN_GRAPH, { workflowId: child.runId, args: [child] }) });
      } else {
        await record({ ok: false, error: { type: 'NotATool', message: `a ${tool.node.type} node cannot be called as a tool`, nodeId: tool.node.id, retryable: false } });
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      await record({ ok: false, error: toRunError(tool.node.id, err) });
    }
  }

  /**
   * Records the call as waiting, tells the run, and waits for a person (or the tool's time limit).
   * Cancelled meanwhile, the call ends failed, so the transcript shows nothing still waiting.
   */
  async function awaitDecision(
    tool: PlanTool,
    key: string,
    turn: number,
    part: number,
    call: AgentToolCall,
    reason: string,
    data: AgentCallData,
    parameters: Readonly<Record<string, unknown>>,
    ask?: Ask,
  ): Promise<{ approval: AgentCallApproval }> {
    const timeoutMs = ask?.timeoutMs ?? durationToMs(tool.approval?.timeout ?? '24h') ?? DEFAULT_APPROVAL_MS;
    const step = { runId, agent, nodeId: node.id, turn, part, kind: 'call' as const };
    await steps.agentStep({ ...step, status: 'waiting', data: { ...data, approval: { status: 'waiting', reason } } });
    const root = getExternalWorkflowHandle(input.root);
    waiting.add(key);
    let decided: boolean;
    try {
      await root.signal(agentApprovalSignal, {
        workflowId: input.self,
        waiting: {
          nodeId: node.id,
          title: ask?.title ?? `${call.name}: approve this call?`,
          description: ask?.description ?? reason,
          deadline: new Date(Date.now() + timeoutMs).toISOString(),
          call: { key, agent, turn, tool: call.name, toolNode: tool.node.id, arguments: call.arguments, reason, ...(ask ? {} : { parameters }) },
        },
      });
      decided = await condition(() => decisions.has(key), timeoutMs);
    } catch (err) {
      if (isCancellation(err)) {
        const error: RunError = { type: 'Cancelled', message: `the run was cancelled while the call waited for a person (${reason})`, nodeId: tool.node.id, retryable: false };
        await CancellationScope.nonCancellable(() => steps.agentStep({ ...step, status: 'failed', data: { ...data, error } }));
      }
      throw err;
    } finally {
      waiting.delete(key);
    }
    await root.signal(agentApprovalSignal, { done: key });
    const d = decisions.get(key);
    const at = new Date().toISOString();
    if (!decided || !d) return { approval: { status: 'timed_out', reason, at } };
    const who = { by: d.by, ...(d.comment ? { comment: d.comment } : {}), at };
    if (!d.approved) return { approval: { status: 'rejected', reason, ...who } };
    return { approval: d.arguments ? { status: 'edited', reason, ...who, arguments: d.arguments } : { status: 'approved', reason, ...who } };
  }
}

/** How an approval node wired as a tool asks: its params, resolved with the call's arguments. */
interface Ask {
  readonly title: string;
  readonly description?: string;
  readonly timeout: string;
  readonly timeoutMs: number;
  readonly onTimeout: 'reject' | 'approve' | 'fail';
}

/** An approval node's resolved params as a tool call's question (checked by the node's schema when they were resolved). */
function askOf(p: Readonly<Record<string, unknown>>): Ask {
  const timeout = typeof p['timeout'] === 'string' ? p['timeout'] : '24h';
  const onTimeout = p['onTimeout'] === 'approve' || p['onTimeout'] === 'fail' ? p['onTimeout'] : 'reject';
  return {
    title: typeof p['title'] === 'string' ? p['title'] : 'Approval needed',
    ...(typeof p['description'] === 'string' ? { description: p['description'] } : {}),
    timeout,
    timeoutMs: durationToMs(timeout) ?? DEFAULT_APPROVAL_MS,
    onTimeout,
  };
}

/**
 * A tool node's activity, with the node's own timeouts and retries: a local activity for a light
 * tool (a transform, a condition: no effect on the world, so running it again after a crash is
 * harmless), as the engine runs light nodes; a regular one otherwise.
 */
function toolActivity(tool: PlanNode): Pick<NodeActivities, 'agentCall'> {
  const retry = { ...tool.retry, maximumAttempts: temporalAttempts(tool.retry.maximumAttempts), nonRetryableErrorTypes: [...tool.retry.nonRetryableErrorTypes] };
  // On cancel, wait for the call to end: the transcript then says what it did.
  const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
  // Agents that began before light tools ran locally keep calling them as regular activities.
  if (tool.local && patched(LOCAL_TOOLS)) return proxyLocalActivities<Pick<NodeActivities, 'agentCall'>>({ startToCloseTimeout: tool.startToCloseTimeout, retry, cancellationType });
  return proxyActivities<Pick<NodeActivities, 'agentCall'>>({ startToCloseTimeout: tool.startToCloseTimeout, heartbeatTimeout: tool.heartbeatTimeout, retry, cancellationType });
}

/** The patch that runs light tools as local activities. */
const LOCAL_TOOLS = 'agent-light-tools-local';

/** Why the agent is over its budget, or nothing when it is not. */
function overBudget(p: AgentProgress, budget: AgentSettings['budget']): string | undefined {
  const tokens = p.inputTokens + p.outputTokens;
  if (budget?.tokens !== undefined && tokens >= budget.tokens) return `the agent used ${tokens} of its ${budget.tokens} tokens`;
  if (budget?.costUsd !== undefined && p.costUsd >= budget.costUsd) return `the agent spent $${p.costUsd.toFixed(4)} of its $${budget.costUsd} budget`;
  return undefined;
}


import type { AgentCallData, AgentEventData, AgentStep, AgentStepKind, AgentStepStatus, AgentTaskData, AgentTurnData, NodeStatus, RunEvent } from '@weft/schemas';

// An agent's transcript as the editor shows it, from the steps the API returns and the `agent` /
// `agent_text` run events. Plain functions over data, so the views and the canvas share them and
// they are tested without a browser.

/** What an `agent` run event says about one step. */
export interface StepSignal extends AgentEventData {
  /** The agent node that runs the conversation. */
  readonly nodeId: string;
  /** Increases with every signal, so "latest" does not depend on the order of a map. */
  readonly seq: number;
}

/** The key of one step: its conversation, turn and part. */
export function stepKey(s: Pick<AgentStep, 'agent' | 'turn' | 'part'>): string {
  return `${s.agent}|${s.turn}|${s.part}`;
}

/** The key of the text a turn streams. */
export function textKey(agent: string, turn: number): string {
  return `${agent}|${turn}`;
}

/** The step an `agent` event reports, or null when the event is not one. */
export function signalOfEvent(event: Pick<RunEvent, 'type' | 'nodeId' | 'data'>, seq: number): StepSignal | null {
  if (event.type !== 'agent' || !event.nodeId || typeof event.data !== 'object' || event.data === null) return null;
  const d = event.data as Record<string, unknown>;
  if (typeof d['agent'] !== 'string' || typeof d['turn'] !== 'number' || typeof d['part'] !== 'number') return null;
  return {
    agent: d['agent'],
    nodeId: event.nodeId,
    turn: d['turn'],
    part: d['part'],
    kind: d['kind'] as AgentStepKind,
    status: d['status'] as AgentStepStatus,
    ...(typeof d['tool'] === 'string' ? { tool: d['tool'] } : {}),
    ...(typeof d['name'] === 'string' ? { name: d['name'] } : {}),
    seq,
  };
}

/** The text delta an `agent_text` event carries, or null when the event is not one. */
export function textOfEvent(event: Pick<RunEvent, 'type' | 'data'>): { readonly key: string; readonly delta: string } | null {
  if (event.type !== 'agent_text' || typeof event.data !== 'object' || event.data === null) return null;
  const d = event.data as Record<string, unknown>;
  if (typeof d['agent'] !== 'string' || typeof d['turn'] !== 'number' || typeof d['delta'] !== 'string') return null;
  return { key: textKey(d['agent'], d['turn']), delta: d['delta'] };
}

/** The signal a recorded step gives (a transcript fetched from the API). */
export function signalOfStep(s: AgentStep, seq: number): StepSignal {
  const call = s.kind === 'call' ? (s.data as AgentCallData) : undefined;
  return {
    agent: s.agent,
    nodeId: s.nodeId,
    turn: s.turn,
    part: s.part,
    kind: s.kind,
    status: s.status,
    ...(call?.tool ? { tool: call.tool } : {}),
    ...(call?.name ? { name: call.name } : {}),
    seq,
  };
}

const OPEN: readonly AgentStepStatus[] = ['running', 'waiting'];

/** What an agent node is doing, for its card: `turn 3 · calling lookup`, or its totals once idle. */
export function agentActivity(signals: Iterable<StepSignal>, nodeId: string): string | null {
  let turns = 0;
  let calls = 0;
  const running: string[] = [];
  const waiting: string[] = [];
  let thinking = false;
  for (const s of signals) {
    if (s.nodeId !== nodeId) continue;
    if (s.kind === 'turn') {
      if (s.turn > turns) turns = s.turn;
      if (s.status === 'running') thinking = true;
    } else if (s.kind === 'call') {
      calls++;
      const name = s.name ?? s.tool ?? 'a tool';
      if (s.status === 'running' && !running.includes(name)) running.push(name);
      if (s.status === 'waiting' && !waiting.includes(name)) waiting.push(name);
    }
  }
  if (turns === 0 && calls === 0) return null;
  const turn = `turn ${turns}`;
  if (waiting.length) return `${turn} · ${waiting.join(', ')} waits for approval`;
  if (running.length) return `${turn} · calling ${running.join(', ')}`;
  if (thinking) return `${turn} · thinking`;
  return `${turns} turn${turns === 1 ? '' : 's'} · ${calls} tool call${calls === 1 ? '' : 's'}`;
}

/**
 * The status each tool node shows: running or waiting while any call of it is, else how its last
 * call ended (a refused call counts as failed, as in the run's record).
 */
export function toolStatuses(signals: Iterable<StepSignal>): Record<string, NodeStatus> {
  const latest = new Map<string, StepSignal>();
  const open = new Map<string, NodeStatus>();
  for (const s of signals) {
    if (s.kind !== 'call' || !s.tool) continue;
    if (OPEN.includes(s.status)) {
      // Running wins over waiting: the tool is at work.
      if (s.status === 'running' || open.get(s.tool) !== 'running') open.set(s.tool, s.status === 'running' ? 'running' : 'waiting');
    }
    const before = latest.get(s.tool);
    if (!before || s.seq > before.seq) latest.set(s.tool, s);
  }
  const out: Record<string, NodeStatus> = {};
  for (const [tool, s] of latest) out[tool] = open.get(tool) ?? (s.status === 'succeeded' ? 'succeeded' : 'failed');
  return out;
}

/** One tool call as shown: the recorded call, and the conversation of an agent called as a tool. */
export interface CallView {
  readonly step: AgentStep;
  readonly data: AgentCallData;
  readonly nested?: Conversation;
}

/** One model turn as shown: what it wrote (so far, while it streams) and the calls it asked for. */
export interface TurnView {
  readonly turn: number;
  /** The turn's step; absent while a call of a turn not yet recorded is shown (never, in practice). */
  readonly step?: AgentStep;
  readonly data?: AgentTurnData;
  readonly text: string;
  /** Whether the text is still being written. */
  readonly streaming: boolean;
  readonly calls: readonly CallView[];
  /** Requests to correct the final answer, after this turn. */
  readonly reasks: readonly string[];
  /** Whether this turn gave the final answer (no tool calls, the conversation ended). */
  readonly final: boolean;
}

/** Tokens and cost of a conversation's turns. */
export interface ConversationTotals {
  readonly turns: number;
  readonly toolCalls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** An agent's conversation: its task, its turns in order, totals, and where it stands. */
export interface Conversation {
  readonly agent: string;
  readonly nodeId: string;
  readonly task?: AgentTaskData;
  readonly turns: readonly TurnView[];
  readonly totals: ConversationTotals;
  /** running: a turn or call is under way; waiting: a call waits for a person; failed: a turn failed; done: nothing is open. */
  readonly state: 'running' | 'waiting' | 'failed' | 'done';
}

/** Where a nested conversation hangs: the parent's key and the call's turn and part (`a/2.1` → `a`, 2, 1). */
export function parentOf(agent: string): { readonly parent: string; readonly turn: number; readonly part: number } | null {
  const m = /^(.*)\/(\d+)\.(\d+)$/.exec(agent);
  return m ? { parent: m[1]!, turn: Number(m[2]), part: Number(m[3]) } : null;
}

/**
 * The top-level conversations of a run, each with its turns and calls, and the conversation of an
 * agent called as a tool hung under the call that started it. `texts` holds the text of turns
 * still being written, by {@link textKey}.
 */
export function conversations(steps: readonly AgentStep[], texts: Readonly<Record<string, string>> = {}): Conversation[] {
  const byAgent = new Map<string, AgentStep[]>();
  for (const s of steps) {
    const list = byAgent.get(s.agent);
    if (list) list.push(s);
    else byAgent.set(s.agent, [s]);
  }
  const built = new Map<string, Conversation>();
  const build = (agent: string): Conversation => {
    const done = built.get(agent);
    if (done) return done;
    const own = [...(byAgent.get(agent) ?? [])].sort((a, b) => a.turn - b.turn || a.part - b.part);
    const task = own.find((s) => s.kind === 'task')?.data as AgentTaskData | undefined;
    const numbers = [...new Set(own.filter((s) => s.turn > 0).map((s) => s.turn))].sort((a, b) => a - b);
    const turns = numbers.map((turn): TurnView => {
      const at = own.filter((s) => s.turn === turn);
      const step = at.find((s) => s.kind === 'turn');
      const data = step?.data as AgentTurnData | undefined;
      const streaming = step?.status === 'running';
      const calls = at
        .filter((s) => s.kind === 'call')
        .map((s): CallView => {
          const key = `${agent}/${turn}.${s.part}`;
          return { step: s, data: s.data as AgentCallData, ...(byAgent.has(key) ? { nested: build(key) } : {}) };
        });
      const reasks = at.filter((s) => s.kind === 'reask').map((s) => (s.data as { message?: string }).message ?? '');
      const text = streaming ? (texts[textKey(agent, turn)] ?? data?.text ?? '') : (data?.text ?? '');
      return { turn, ...(step ? { step } : {}), ...(data ? { data } : {}), text, streaming, calls, reasks, final: false };
    });
    // The last turn gave the final answer when it succeeded without asking for tools.
    const last = turns.at(-1);
    if (last?.step?.status === 'succeeded' && last.data && last.data.toolCalls.length === 0 && last.reasks.length === 0) turns[turns.length - 1] = { ...last, final: true };
    const totals = turns.reduce<ConversationTotals>(
      (t, v) => ({
        turns: t.turns + (v.step ? 1 : 0),
        toolCalls: t.toolCalls + v.calls.length,
        inputTokens: t.inputTokens + (v.data?.inputTokens ?? 0),
        outputTokens: t.outputTokens + (v.data?.outputTokens ?? 0),
        costUsd: t.costUsd + (v.data?.costUsd ?? 0),
      }),
      { turns: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    );
    const state = own.some((s) => s.status === 'waiting')
      ? 'waiting'
      : own.some((s) => s.status === 'running')
        ? 'running'
        : own.some((s) => s.kind === 'turn' && s.status === 'failed')
          ? 'failed'
          : 'done';
    const conversation: Conversation = { agent, nodeId: own[0]?.nodeId ?? agent, ...(task ? { task } : {}), turns, totals, state };
    built.set(agent, conversation);
    return conversation;
  };
  return [...byAgent.keys()].filter((agent) => {
    const p = parentOf(agent);
    return !p || !byAgent.has(p.parent);
  }).map(build);
}

/** The id the page gives a conversation's panel, for links (`/runs/<id>#agent-<key>`). */
export function conversationAnchor(agent: string): string {
  return `agent-${agent.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

/** How a tool node was used in a run: the conversation that offered it, and how often it was called. */
export interface ToolUse {
  readonly agent: string;
  readonly calls: number;
}

/** Each tool node of a run's agents (as their tasks offered them), with its calls. */
export function toolUse(steps: readonly AgentStep[]): Map<string, ToolUse> {
  const out = new Map<string, ToolUse>();
  for (const s of steps) {
    if (s.kind !== 'task') continue;
    for (const t of (s.data as AgentTaskData).tools) if (!out.has(t.node)) out.set(t.node, { agent: s.agent, calls: 0 });
  }
  for (const s of steps) {
    const tool = s.kind === 'call' ? (s.data as AgentCallData).tool : undefined;
    const use = tool ? out.get(tool) : undefined;
    if (tool && use) out.set(tool, { ...use, calls: use.calls + 1 });
  }
  return out;
}

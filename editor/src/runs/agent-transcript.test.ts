import type { AgentStep } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { agentStep } from './agent-step.fixture';
import { agentActivity, conversationAnchor, conversations, parentOf, signalOfEvent, signalOfStep, textKey, textOfEvent, toolStatuses, toolUse } from './agent-transcript';

const at = '2026-12-06T09:00:00.000Z';
const step = (agent: string, turn: number, part: number, kind: AgentStep['kind'], status: AgentStep['status'], data: unknown, nodeId = agent.split('/')[0]!): AgentStep =>
  agentStep({ agent, nodeId, turn, part, kind, status, data }, at, at);
const turn = (text: string, calls: { id: string; name: string }[] = [], tokens = { in: 100, out: 20, cost: 0.001 }) => ({
  text,
  toolCalls: calls.map((c) => ({ ...c, arguments: {} })),
  provider: 'fake',
  model: 'm',
  inputTokens: tokens.in,
  outputTokens: tokens.out,
  costUsd: tokens.cost,
  latencyMs: 900,
  finishReason: calls.length ? 'tool_calls' : 'stop',
});
const call = (id: string, name: string, tool: string, extra: object = {}) => ({ callId: id, name, tool, arguments: { q: 1 }, key: `run:a:${id}`, ...extra });

const TASK = step('boss', 0, 0, 'task', 'succeeded', { instructions: 'Be brief', task: 'Plan it', tools: [{ name: 'lookup', description: 'Finds', node: 'lookup' }, { name: 'helper', description: 'Asks', node: 'helper' }] });

describe('conversations from a transcript', () => {
  it('orders turns and calls, sums tokens and cost, and marks the final answer', () => {
    const [c] = conversations([
      step('boss', 2, 0, 'turn', 'succeeded', turn('Done: it is 42.', [], { in: 300, out: 10, cost: 0.002 })),
      TASK,
      step('boss', 1, 1, 'call', 'succeeded', call('c1', 'lookup', 'lookup', { output: { answer: 42 } })),
      step('boss', 1, 0, 'turn', 'succeeded', turn('Let me look.', [{ id: 'c1', name: 'lookup' }])),
    ]);
    expect(c!.task?.task).toBe('Plan it');
    expect(c!.turns.map((t) => [t.turn, t.text, t.final, t.calls.length])).toEqual([
      [1, 'Let me look.', false, 1],
      [2, 'Done: it is 42.', true, 0],
    ]);
    expect(c!.totals).toEqual({ turns: 2, toolCalls: 1, inputTokens: 400, outputTokens: 30, costUsd: 0.003 });
    expect(c!.state).toBe('done');
  });

  it('shows the streamed text of a turn still being written, and says the conversation runs', () => {
    const [c] = conversations([TASK, step('boss', 1, 0, 'turn', 'running', { text: '', toolCalls: [] })], { [textKey('boss', 1)]: 'Let me th' });
    expect(c!.turns[0]).toMatchObject({ text: 'Let me th', streaming: true, final: false });
    expect(c!.state).toBe('running');
  });

  it('hangs the conversation of an agent called as a tool under the call that started it', () => {
    const list = conversations([
      TASK,
      step('boss', 1, 0, 'turn', 'succeeded', turn('Asking the helper.', [{ id: 'c1', name: 'helper' }])),
      step('boss', 1, 1, 'call', 'running', call('c1', 'helper', 'helper')),
      step('boss/1.1', 1, 0, 'turn', 'waiting', turn('', [{ id: 'x', name: 'pay' }]), 'helper'),
      step('boss/1.1', 1, 1, 'call', 'waiting', call('x', 'pay', 'pay', { approval: { status: 'waiting', reason: 'every call of pay needs approval' } }), 'helper'),
    ]);
    expect(list.map((c) => c.agent)).toEqual(['boss']);
    const nested = list[0]!.turns[0]!.calls[0]!.nested!;
    expect(nested).toMatchObject({ agent: 'boss/1.1', nodeId: 'helper', state: 'waiting' });
    expect(parentOf('boss/1.1')).toEqual({ parent: 'boss', turn: 1, part: 1 });
    expect(parentOf('boss')).toBeNull();
  });

  it('names each conversation\'s panel with an id a link can use', () => {
    expect(conversationAnchor('boss')).toBe('agent-boss');
    expect(conversationAnchor('boss/1.2')).toBe('agent-boss_2f1_2e2');
  });
});

describe('what cards show during a run', () => {
  const signals = (steps: AgentStep[]) => steps.map((s, i) => signalOfStep(s, i));

  it('says the turn and the tool being called, then the totals', () => {
    const calling = signals([step('boss', 1, 0, 'turn', 'succeeded', turn('', [])), step('boss', 2, 0, 'turn', 'succeeded', turn('')), step('boss', 2, 1, 'call', 'running', call('c', 'lookup', 'lookup'))]);
    expect(agentActivity(calling, 'boss')).toBe('turn 2 · calling lookup');
    expect(agentActivity(signals([step('boss', 3, 0, 'turn', 'running', turn(''))]), 'boss')).toBe('turn 3 · thinking');
    expect(agentActivity(signals([step('boss', 1, 1, 'call', 'waiting', call('c', 'pay', 'pay'))]), 'boss')).toBe('turn 0 · pay waits for approval');
    expect(agentActivity(signals([step('boss', 1, 0, 'turn', 'succeeded', turn('')), step('boss', 1, 1, 'call', 'succeeded', call('c', 'lookup', 'lookup'))]), 'boss')).toBe('1 turn · 1 tool call');
    expect(agentActivity(calling, 'other')).toBeNull();
  });

  it('lights a tool while it is called, then shows how its last call ended', () => {
    expect(toolStatuses(signals([step('a', 1, 1, 'call', 'succeeded', call('1', 'l', 'lookup')), step('a', 2, 1, 'call', 'running', call('2', 'l', 'lookup'))]))).toEqual({ lookup: 'running' });
    expect(toolStatuses(signals([step('a', 1, 1, 'call', 'succeeded', call('1', 'l', 'lookup')), step('a', 2, 1, 'call', 'failed', call('2', 'l', 'lookup'))]))).toEqual({ lookup: 'failed' });
    expect(toolStatuses(signals([step('a', 1, 1, 'call', 'rejected', call('1', 'p', 'pay')), step('a', 1, 2, 'call', 'waiting', call('2', 'p', 'book'))]))).toEqual({ pay: 'failed', book: 'waiting' });
  });

  it('reads agent and agent_text events', () => {
    expect(signalOfEvent({ type: 'agent', nodeId: 'boss', data: { agent: 'boss', turn: 2, part: 1, kind: 'call', status: 'running', tool: 'lookup', name: 'lookup' } }, 7)).toEqual({ agent: 'boss', nodeId: 'boss', turn: 2, part: 1, kind: 'call', status: 'running', tool: 'lookup', name: 'lookup', seq: 7 });
    expect(signalOfEvent({ type: 'started', nodeId: 'boss', data: null }, 1)).toBeNull();
    expect(textOfEvent({ type: 'agent_text', data: { agent: 'boss', turn: 2, delta: 'Hel' } })).toEqual({ key: textKey('boss', 2), delta: 'Hel' });
    expect(textOfEvent({ type: 'agent', data: {} })).toBeNull();
  });

  it('counts the calls of each tool the agents offered, for the timeline', () => {
    const use = toolUse([TASK, step('boss', 1, 1, 'call', 'succeeded', call('1', 'lookup', 'lookup')), step('boss', 2, 1, 'call', 'succeeded', call('2', 'lookup', 'lookup'))]);
    expect(use.get('lookup')).toEqual({ agent: 'boss', calls: 2 });
    expect(use.get('helper')).toEqual({ agent: 'boss', calls: 0 });
  });
});

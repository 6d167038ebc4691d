import { describe, expect, it } from 'vitest';
import type { AgentStep } from '@weft/schemas';
import { agentLines } from './agent-lines.js';

const step = (turn: number, part: number, kind: AgentStep['kind'], status: AgentStep['status'], data: unknown): AgentStep => ({
  agent: 'agent',
  nodeId: 'agent',
  turn,
  part,
  kind,
  status,
  data: data as AgentStep['data'],
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
});

const call = (name: string, extra: Record<string, unknown>) => ({ callId: 'c1', name, tool: name, arguments: { sku: 'A1' }, key: 'k', ...extra });

/** A transcript as `GET /api/runs/:id/transcript?agent=` answers it, and the paths asked for. */
function api(steps: AgentStep[]) {
  const asked: string[] = [];
  return {
    asked,
    request: async <T>(_method: string, path: string): Promise<T> => {
      asked.push(path);
      return { steps } as T;
    },
  };
}

const event = (turn: number, part: number, kind: AgentStep['kind'], status: AgentStep['status']) => ({ data: { agent: 'agent', turn, part, kind, status } });

describe('agentLines', () => {
  const steps = [
    step(1, 0, 'turn', 'succeeded', { text: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { sku: 'A1' } }, { id: 'c2', name: 'refund', arguments: { amount: 250 } }] }),
    step(1, 1, 'call', 'succeeded', call('lookup', { output: '14' })),
    step(1, 2, 'call', 'rejected', call('refund', { approval: { status: 'rejected', reason: 'the rule holds: amount > 100', by: 'ops', comment: 'too much' } })),
    step(2, 0, 'turn', 'succeeded', { text: 'There are\n14 left.', toolCalls: [] }),
  ];

  it('prints the calls a turn asks for, each result, a refusal and the answer, reading the step from the transcript', async () => {
    const client = api(steps);
    const lines = [
      ...(await agentLines(client, 'run_1', event(1, 0, 'turn', 'succeeded'))),
      ...(await agentLines(client, 'run_1', event(1, 1, 'call', 'succeeded'))),
      ...(await agentLines(client, 'run_1', event(1, 2, 'call', 'rejected'))),
      ...(await agentLines(client, 'run_1', event(2, 0, 'turn', 'succeeded'))),
    ];
    expect(lines).toEqual([
      'agent › turn 1: calling lookup {"sku":"A1"}',
      'agent › turn 1: calling refund {"amount":250}',
      'agent › lookup → "14"',
      'agent › refund not run: rejected by ops: too much',
      'agent › answer: There are 14 left.',
    ]);
    expect(client.asked[0]).toBe('/api/runs/run_1/transcript?agent=agent');
  });

  it('prints a call that waits for a person, an approved one, a failed one, and nothing for steps under way', async () => {
    const client = api([
      step(1, 1, 'call', 'succeeded', call('refund', { output: { id: 're_1' }, approval: { status: 'edited', reason: 'r', by: 'ops' }, arguments: { amount: 100 } })),
      step(1, 2, 'call', 'failed', call('lookup', { error: { type: 'HttpStatusError', message: 'GET https://x answered 404' } })),
    ]);
    expect(await agentLines(client, 'run_1', event(1, 1, 'call', 'waiting'))).toEqual(['agent › refund waits for approval: r']);
    expect(await agentLines(client, 'run_1', event(1, 1, 'call', 'succeeded'))).toEqual(['agent › refund → {"id":"re_1"} (arguments changed by ops: {"amount":100})']);
    expect(await agentLines(client, 'run_1', event(1, 2, 'call', 'failed'))).toEqual(['agent › lookup failed: GET https://x answered 404']);
    expect(await agentLines(client, 'run_1', event(1, 3, 'call', 'running'))).toEqual([]);
    expect(client.asked).toHaveLength(3);
  });
});

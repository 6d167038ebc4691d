import { describe, expect, it } from 'vitest';
import type { AgentStep } from '@weft/schemas';
import { sharedSandbox } from '../../sandbox/pool.js';
import { agentMessages, approvalReason, checkFinalAnswer, toolResult, TOOL_RESULT_MAX_CHARS } from './conversation.js';

const step = (s: Partial<AgentStep> & Pick<AgentStep, 'kind' | 'turn' | 'part' | 'data'>): AgentStep => ({ agent: 'a', nodeId: 'a', status: 'succeeded', startedAt: '', endedAt: '', ...s });
const turn = (n: number, text: string, calls: { id: string; name: string; arguments: Record<string, unknown> }[] = []) =>
  step({ kind: 'turn', turn: n, part: 0, data: { text, toolCalls: calls, provider: 'p', model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0, latencyMs: 1, finishReason: calls.length ? 'tool_calls' : 'stop' } });
const call = (n: number, part: number, status: AgentStep['status'], data: Record<string, unknown>) =>
  step({ kind: 'call', turn: n, part, status, data: { callId: `c${part}`, name: 'lookup', tool: 'lookup', arguments: {}, key: 'k', ...data } as never });
const scope = { input: null, nodes: {}, run: { id: 'run_1' } };

describe('the conversation rebuilt from a transcript', () => {
  it('orders turns and call results by turn and part, whatever order the rows come in', () => {
    const steps = [call(1, 2, 'failed', { callId: 'c2', error: { type: 'HttpStatusError', message: 'HTTP 503' } }), turn(2, 'done'), call(1, 1, 'succeeded', { output: { stock: 4 } }), turn(1, 'looking', [{ id: 'c1', name: 'lookup', arguments: { sku: 'A' } }, { id: 'c2', name: 'lookup', arguments: { sku: 'B' } }])];
    expect(agentMessages({ instructions: 'Be brief.', task: 'How many?' }, steps)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'How many?' },
      { role: 'assistant', content: 'looking', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { sku: 'A' } }, { id: 'c2', name: 'lookup', arguments: { sku: 'B' } }] },
      { role: 'tool', toolCallId: 'c1', name: 'lookup', content: '{"stock":4}' },
      { role: 'tool', toolCallId: 'c2', name: 'lookup', content: 'The tool failed: HttpStatusError: HTTP 503', isError: true },
      { role: 'assistant', content: 'done' },
    ]);
  });

  it('leaves out turns and calls that have not ended, and adds a request to correct the answer', () => {
    const steps = [turn(1, '{"n": "x"}'), step({ kind: 'reask', turn: 1, part: 1, data: { message: 'That answer is not valid: n' } }), step({ kind: 'turn', turn: 2, part: 0, status: 'running', data: { text: 'partial', toolCalls: [] } as never })];
    expect(agentMessages({ instructions: '', task: 'T' }, steps).map((m) => m.content)).toEqual(['T', '{"n": "x"}', 'That answer is not valid: n']);
  });

  it('tells the model what a person decided: rejected with a reason, timed out, or run with changed arguments', () => {
    expect(toolResult('rejected', { approval: { status: 'rejected', reason: 'r', comment: 'too much money' } } as never)).toEqual({ content: 'The call was not run: a person rejected it: too much money.', isError: true });
    expect(toolResult('rejected', { approval: { status: 'timed_out', reason: 'r' } } as never).content).toBe('The call was not run: nobody approved it in time.');
    expect(toolResult('succeeded', { output: 'ok', approval: { status: 'edited', reason: 'r', arguments: { amount: 50 } } } as never).content).toBe('(A person changed the arguments before the call ran: {"amount":50})\nok');
  });

  it('cuts a very long result, saying how long it was', () => {
    const { content } = toolResult('succeeded', { output: 'x'.repeat(TOOL_RESULT_MAX_CHARS + 10) } as never);
    expect(content).toHaveLength(TOOL_RESULT_MAX_CHARS + `… (cut: ${TOOL_RESULT_MAX_CHARS + 10} characters in all)`.length);
    expect(content.endsWith(`(cut: ${TOOL_RESULT_MAX_CHARS + 10} characters in all)`)).toBe(true);
  });
});

describe('when a tool call needs a person', () => {
  it('always, when the rule holds over the arguments, or when a detector finds personal data or a secret', async () => {
    expect(await approvalReason(undefined, 'refund', { amount: 500 }, scope, sharedSandbox())).toBeUndefined();
    expect(await approvalReason({ require: 'always' }, 'refund', {}, scope, sharedSandbox())).toBe('every call of refund needs approval');
    expect(await approvalReason({ require: 'when', when: 'amount > 100' }, 'refund', { amount: 50 }, scope, sharedSandbox())).toBeUndefined();
    expect(await approvalReason({ require: 'when', when: '$tool.amount > 100' }, 'refund', { amount: 150 }, scope, sharedSandbox())).toBe('the rule holds: $tool.amount > 100');
    expect(await approvalReason({ require: 'when', detectors: ['email'] }, 'send', { to: 'ann@example.org' }, scope, sharedSandbox())).toBe('the arguments contain email in $.to');
    expect(await approvalReason({ require: 'when', detectors: ['secret'] }, 'send', { body: 'key ghp_abcdefghijklmnopqrstuvwxyz0123456789' }, scope, sharedSandbox())).toMatch(/^the arguments contain .* in \$\.body$/);
    expect(await approvalReason({ require: 'when', detectors: ['email'] }, 'send', { to: 'nobody' }, scope, sharedSandbox())).toBeUndefined();
  });
});

describe('a final answer checked against the output schema', () => {
  it('parses JSON in or out of a code fence and says what is wrong otherwise', () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    expect(checkFinalAnswer('```json\n{"total": 3}\n```', schema)).toEqual({ ok: true, value: { total: 3 } });
    expect(checkFinalAnswer('{"total": "3"}', schema)).toMatchObject({ ok: false, problem: expect.stringContaining('at total') });
    expect(checkFinalAnswer('three', schema)).toMatchObject({ ok: false, problem: expect.stringContaining('not JSON') });
  });
});

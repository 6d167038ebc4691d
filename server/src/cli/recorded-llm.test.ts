import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@weft/nodes/executors';
import { MemoryLlmUsage } from '@weft/nodes/testing/fake-llm';
import { RecordedLlm, replyFor } from './recorded-llm.js';

const user: ChatMessage = { role: 'user', content: 'task' };
const said = (n: number): ChatMessage[] => Array.from({ length: n }, () => ({ role: 'assistant', content: '' }));

describe('replyFor', () => {
  const answers = { agent: [{ toolCalls: [{ name: 'lookup', arguments: { sku: 'A1' } }, { id: 'mine', name: 'lookup', arguments: {} }] }, { text: 'done', usage: { input: 3, output: 1 } }] };

  it('tells the turn by the answers the conversation already holds, numbering calls that have no id', () => {
    expect(replyFor(answers, 'agent', [user])).toEqual({ toolCalls: [{ id: 'call_1_1', name: 'lookup', arguments: { sku: 'A1' } }, { id: 'mine', name: 'lookup', arguments: {} }] });
    expect(replyFor(answers, 'agent', [user, ...said(1), { role: 'tool', toolCallId: 'call_1_1', name: 'lookup', content: '14' }])).toEqual({ text: 'done', usage: { input: 3, output: 1 } });
  });

  it('refuses with the reason a turn or a node nothing was recorded for', () => {
    const extra = replyFor(answers, 'agent', [user, ...said(2)]);
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.raw!).error.message).toBe('the test case records 2 answers for node "agent", and turn 3 asked for one more');
    expect(JSON.parse(replyFor(answers, 'other', [user]).raw!).error.message).toContain('no recorded answers for node "other"');
  });
});

describe('RecordedLlm', () => {
  const llm = new RecordedLlm();
  beforeAll(() => llm.start());
  afterAll(() => llm.close());
  const scope = (runId: string, nodeId: string, usage = new MemoryLlmUsage()) => ({ runId, nodeId, attempt: 1, signal: new AbortController().signal, secret: async () => '', usage });

  it('answers each node of the playing case through the gateway, streamed, whatever providers the request names', async () => {
    llm.play({ agent: [{ toolCalls: [{ name: 'lookup', arguments: { sku: 'A1' } }] }], writer: [{ text: 'Hello' }] });
    const usage = new MemoryLlmUsage();
    let streamed = '';
    const writer = await llm.gateway().forAttempt(scope('run_1', 'writer', usage)).complete({ messages: [user], providers: ['openai-main'], onText: (d) => (streamed += d) });
    expect(writer).toMatchObject({ text: 'Hello', provider: 'recorded', toolCalls: [] });
    expect(streamed).toBe('Hello');
    expect(usage.calls).toHaveLength(1);
    const agent = await llm.gateway().forAttempt(scope('run_1', 'agent')).complete({ messages: [user], tools: [{ name: 'lookup', description: '', parameters: { type: 'object' } }] });
    expect(agent.toolCalls).toEqual([{ id: 'call_1_1', name: 'lookup', arguments: { sku: 'A1' } }]);
  });

  it('fails a request of another run than the playing case once its run is known', async () => {
    llm.play({ writer: [{ text: 'Hello' }] }, 'run_2');
    await expect(llm.gateway().forAttempt(scope('run_1', 'writer')).complete({ messages: [user] })).rejects.toThrow(/run run_1 asked for a recorded answer while the test case of run run_2 runs/);
  });
});

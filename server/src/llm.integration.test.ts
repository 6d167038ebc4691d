import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmCallView, WorkflowInput } from '@weft/schemas';
import { FakeLlm, type FakeLlmRequest, type FakeLlmReply } from '@weft/nodes/testing/fake-llm';
import { BACKENDS } from '@weft/store/testing';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

const PLAN = { steps: [{ id: 'read', title: 'Read the question' }, { id: 'reply', title: 'Reply briefly' }] };

/** What the fake providers answer: `flaky` always fails; the others plan, route and reply by what they are asked. */
function answer(req: FakeLlmRequest): FakeLlmReply {
  const provider = req.path.split('/')[1];
  if (provider === 'flaky') return { status: 500 };
  if (req.system.startsWith('You are a planner')) return { text: PLAN, usage: { input: 100, output: 40 } };
  if (req.system.includes('You route a request')) return { text: { port: 'quick', reason: 'a short question' }, usage: { input: 80, output: 10 } };
  return { text: `${provider} says: ${req.prompt}`, usage: { input: 50, output: 20 } };
}

/** Prices of the fake models, USD per million tokens. */
const PRICES = { 'gpt-test': { inputPerMTok: 1, outputPerMTok: 4 }, 'claude-test': { inputPerMTok: 3, outputPerMTok: 15 } };
const cost = (model: keyof typeof PRICES, input: number, output: number) => (input * PRICES[model].inputPerMTok + output * PRICES[model].outputPerMTok) / 1e6;

const ask = (id: string, prompt: string, params: Record<string, unknown> = {}) => ({ id, type: 'analysis.llm', params: { prompt, ...params } });

describe.each(BACKENDS)('LLM nodes on %s', (backend) => {
  const fake = new FakeLlm();
  // Filled in once the fake listens, before the stack reads it.
  const env: Record<string, string> = {};
  beforeAll(async () => {
    await fake.start();
    fake.script(answer);
    env['WEFT_LLM_PROVIDERS'] = JSON.stringify([
      { name: 'flaky', type: 'openai', baseUrl: `${fake.url}/flaky/v1`, model: 'flaky-model' },
      { name: 'main', type: 'openai', baseUrl: `${fake.url}/main/v1`, model: 'gpt-test', pricing: { 'gpt-test': PRICES['gpt-test'] } },
      { name: 'claude', type: 'anthropic', baseUrl: `${fake.url}/claude`, model: 'claude-test', pricing: { 'claude-test': PRICES['claude-test'] } },
    ]);
  });
  afterAll(() => fake.close());
  let stack: Stack;
  useStack(backend, (s) => (stack = s), { env });

  const llmCalls = (run: { nodes: readonly { id: string; llm?: readonly LlmCallView[] }[] }, id: string) => run.nodes.find((n) => n.id === id)?.llm ?? [];

  it('plans, routes and answers with LLMs, and shows every call with its tokens and cost', async () => {
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'support desk',
      settings: { concurrency: 4, providers: ['main'] },
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'plan', type: 'strategy.plan', params: { goal: 'Answer the customer', context: '{{ $input }}' } },
        {
          id: 'route',
          type: 'strategy.route',
          params: {
            mode: 'llm',
            prompt: '{{ $nodes.start.output.question }}',
            routes: [
              { port: 'quick', description: 'a short question' },
              { port: 'thorough', description: 'a question needing research' },
            ],
          },
        },
        ask('answer', 'Reply to "{{ $nodes.start.output.question }}" in {{ $count($nodes.plan.output.plan.steps) }} steps', { providers: ['claude'] }),
        ask('research', 'Research {{ $nodes.start.output.question }}'),
        { id: 'done', type: 'control.output', params: { value: '{{ { "reply": $nodes.answer.output.text, "steps": $nodes.plan.output.plan.steps.id } }}' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'plan' },
        { id: 'e2', source: 'plan', target: 'route' },
        { id: 'e3', source: 'route', sourcePort: 'quick', target: 'answer' },
        { id: 'e4', source: 'route', sourcePort: 'thorough', target: 'research' },
        { id: 'e5', source: 'answer', target: 'done' },
      ],
    };
    const runId = await stack.startRun(await stack.createWorkflow(doc), { question: 'Where is my parcel?' });
    const run = await stack.waitForRun(runId);

    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect(Object.fromEntries(run.nodes.map((n) => [n.id, n.status]))).toEqual({
      start: 'succeeded',
      plan: 'succeeded',
      route: 'succeeded',
      answer: 'succeeded',
      research: 'skipped',
      done: 'succeeded',
    });
    expect(run.output).toEqual({ reply: 'claude says: Reply to "Where is my parcel?" in 2 steps', steps: ['read', 'reply'] });
    const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    expect(byId['plan']!.output).toEqual({ plan: PLAN, provider: 'main', model: 'gpt-test', usage: { inputTokens: 100, outputTokens: 40, costUsd: cost('gpt-test', 100, 40) } });
    expect(byId['answer']!.output).toMatchObject({ provider: 'claude', model: 'claude-test', usage: { inputTokens: 50, outputTokens: 20 } });

    // The workflow's chain serves plan and route; the answer node names its own provider.
    expect(llmCalls(run, 'plan')).toEqual([
      expect.objectContaining({ attempt: 1, provider: 'main', model: 'gpt-test', inputTokens: 100, outputTokens: 40, costUsd: cost('gpt-test', 100, 40), error: null }),
    ]);
    expect(llmCalls(run, 'route')).toEqual([expect.objectContaining({ provider: 'main', model: 'gpt-test', inputTokens: 80, outputTokens: 10, costUsd: cost('gpt-test', 80, 10), error: null })]);
    expect(llmCalls(run, 'answer')).toEqual([expect.objectContaining({ provider: 'claude', model: 'claude-test', inputTokens: 50, outputTokens: 20, costUsd: cost('claude-test', 50, 20), error: null })]);
    expect(llmCalls(run, 'start')).toEqual([]);
    expect(llmCalls(run, 'answer')[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('fails over to the next provider when the first answers 500, and records both calls', async () => {
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'failover',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        ask('answer', 'Hello', { providers: ['flaky', 'main'] }),
        { id: 'done', type: 'control.output' },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'answer' },
        { id: 'e2', source: 'answer', target: 'done' },
      ],
    };
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc)));
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect(run.output).toMatchObject({ text: 'main says: Hello', provider: 'main' });
    expect(llmCalls(run, 'answer')).toEqual([
      expect.objectContaining({ attempt: 1, provider: 'flaky', model: 'flaky-model', inputTokens: 0, outputTokens: 0, costUsd: 0, error: 'HTTP 500: fake failure 500' }),
      expect.objectContaining({ attempt: 1, provider: 'main', model: 'gpt-test', inputTokens: 50, outputTokens: 20, error: null }),
    ]);
  });

  it('fails the run with BudgetExceeded once its LLM budget is spent', async () => {
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'budget',
      settings: { concurrency: 4, budget: { tokens: 60 } },
      nodes: [
        { id: 'start', type: 'control.trigger' },
        ask('first', 'One', { providers: ['main'] }),
        ask('second', 'Two', { providers: ['main'] }),
        { id: 'done', type: 'control.output' },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'first' },
        { id: 'e2', source: 'first', target: 'second' },
        { id: 'e3', source: 'second', target: 'done' },
      ],
    };
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(doc)));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ type: 'BudgetExceeded', nodeId: 'second', message: "the run's LLM budget is used up: 70 of 60 tokens spent" });
    const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    expect(byId['first']).toMatchObject({ status: 'succeeded' });
    // Not retried: a retry cannot make the budget larger.
    expect(byId['second']).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'BudgetExceeded' } });
    expect(byId['done']!.status).toBe('skipped');
    expect(llmCalls(run, 'first')).toHaveLength(1);
    expect(llmCalls(run, 'second')).toEqual([]);
  });
});

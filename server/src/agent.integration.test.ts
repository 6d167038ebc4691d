import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentCallData, AgentStep, AgentTurnData, WorkflowInput } from '@weft/schemas';
import { FakeLlm, type FakeLlmReply, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import { BACKENDS } from './testing/databases.js';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

/** The scripted model: each request names its script in the task (`script:<name>`), the reply depends on what the conversation holds so far. */
type Script = (req: FakeLlmRequest, toolResults: { name: string; content: string; isError: boolean }[]) => FakeLlmReply;

const SCRIPTS: Record<string, Script> = {
  // Calls the lookup tool twice in parallel, then answers from the results.
  parallel: (_req, results) =>
    results.length === 0
      ? { toolCalls: [{ id: 'c1', name: 'lookup', arguments: { sku: 'A1' } }, { id: 'c2', name: 'lookup', arguments: { sku: 'B2' } }] }
      : { text: `found ${results.map((r) => r.content).join(' and ')}` },
  // Calls a tool that fails, reads the error, then calls another one.
  recover: (_req, results) =>
    results.length === 0
      ? { toolCalls: [{ id: 'x', name: 'broken', arguments: {} }] }
      : results.length === 1
        ? { toolCalls: [{ id: 'y', name: 'lookup', arguments: { sku: 'C3' } }] }
        : { text: `recovered after: ${results[0]!.isError ? 'an error' : 'no error'}` },
  // Never stops calling tools.
  forever: (_req, results) => ({ toolCalls: [{ id: `t${results.length}`, name: 'lookup', arguments: { sku: `S${results.length}` } }] }),
  // First answer breaks the schema, the second follows it.
  structured: (req) => (req.messages.some((m) => m.role === 'user' && m.content.startsWith('That answer is not valid')) ? { text: '{"total": 3}' } : { text: '{"total": "three"}' }),
};

function answer(req: FakeLlmRequest): FakeLlmReply {
  const task = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const name = /script:(\w+)/.exec(task)?.[1] ?? '';
  const results = req.messages.flatMap((m) => (m.role === 'tool' ? [{ name: m.name, content: m.content, isError: m.isError === true || m.content.startsWith('Error') }] : []));
  const script = SCRIPTS[name];
  return script ? { ...script(req, results), usage: { input: 100, output: 10 } } : { text: `no script for ${task}` };
}

const agentDoc = (task: string, params: Record<string, unknown> = {}, extra: Partial<WorkflowInput> = {}): WorkflowInput => ({
  schemaVersion: 1,
  name: `agent ${task}`,
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'agent', type: 'strategy.agent', params: { instructions: 'You help with stock.', task: `script:${task} {{ $input.q }}`, ...params } },
    {
      id: 'lookup',
      type: 'analysis.transform',
      params: { expression: '"stock of " & $tool.sku & " is " & $string($length($tool.sku) * 7)' },
      tool: { description: 'Looks up the stock of a product', arguments: [{ name: 'sku', type: 'string', description: 'Product code' }] },
    },
    { id: 'broken', type: 'analysis.transform', params: { expression: '$error("the warehouse is closed")' }, tool: { description: 'Always fails' } },
    { id: 'out', type: 'control.output', params: { value: '{{ $input }}' } },
    ...(extra.nodes ?? []),
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'agent' },
    { id: 't1', source: 'lookup', target: 'agent', targetPort: 'tools' },
    { id: 't2', source: 'broken', target: 'agent', targetPort: 'tools' },
    { id: 'e2', source: 'agent', target: 'out' },
    ...(extra.edges ?? []),
  ],
});

describe.each(BACKENDS)('agents on %s', (backend) => {
  const fake = new FakeLlm();
  const env: Record<string, string> = {};
  beforeAll(async () => {
    await fake.start();
    fake.script(answer);
    env['WEFT_LLM_PROVIDERS'] = JSON.stringify([{ name: 'main', type: 'openai', baseUrl: `${fake.url}/main/v1`, model: 'gpt-test' }]);
  });
  afterAll(() => fake.close());
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { env, receiver: true });

  const transcript = async (runId: string): Promise<AgentStep[]> => (await stack.api('GET', `/api/runs/${runId}/transcript`)).json.steps as AgentStep[];

  it('runs the tools the model calls in parallel and gives it their results', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(agentDoc('parallel')), { q: 'how many?' });
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toMatchObject({ answer: 'found stock of A1 is 14 and stock of B2 is 14', outcome: 'answer', turns: 2, toolCalls: 2 });
    const steps = await transcript(runId);
    expect(steps.map((s) => [s.kind, s.turn, s.part, s.status])).toEqual([
      ['task', 0, 0, 'succeeded'],
      ['turn', 1, 0, 'succeeded'],
      ['call', 1, 1, 'succeeded'],
      ['call', 1, 2, 'succeeded'],
      ['turn', 2, 0, 'succeeded'],
    ]);
    expect((steps[2]!.data as AgentCallData).key).toBe(`${runId}:agent:1:c1`);
    expect((steps[1]!.data as AgentTurnData).toolCalls).toHaveLength(2);
    // The model was offered both tools with the declared arguments.
    const first = fake.requests.find((r) => r.messages.some((m) => m.role === 'user' && m.content.includes('script:parallel')))!;
    expect(first.tools.sort()).toEqual(['broken', 'lookup']);
    expect(first.body.tools.find((t: { function: { name: string } }) => t.function.name === 'lookup').function.parameters).toEqual({
      type: 'object',
      properties: { sku: { type: 'string', description: 'Product code' } },
      required: ['sku'],
      additionalProperties: false,
    });
  });

  it('tells the model when a tool fails, and the agent recovers', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(agentDoc('recover')), { q: 'x' });
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toMatchObject({ answer: 'recovered after: an error', turns: 3, toolCalls: 2 });
    const failed = (await transcript(runId)).find((s) => s.kind === 'call' && s.status === 'failed')!;
    expect((failed.data as AgentCallData).error).toMatchObject({ message: expect.stringContaining('the warehouse is closed') });
  });

  it('stops at maxTurns with MaxTurnsReached, or routes it out of the error port', async () => {
    const failing = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(agentDoc('forever', { maxTurns: 3 })), {}));
    expect(failing.status).toBe('failed');
    expect(failing.error).toMatchObject({ type: 'MaxTurnsReached', nodeId: 'agent' });

    const routed = agentDoc('forever', { maxTurns: 2, onLimit: 'route' }, {
      nodes: [{ id: 'limit', type: 'control.output', params: { value: '{{ "stopped: " & $input.outcome }}' } }],
      edges: [{ id: 'e3', source: 'agent', sourcePort: 'error', target: 'limit' }],
    });
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(routed), {}));
    expect(run.status).toBe('completed');
    expect(run.output).toBe('stopped: MaxTurnsReached');
  });

  it('stops with BudgetExceeded when the agent has spent its tokens', async () => {
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(agentDoc('forever', { maxTurns: 50, budget: { tokens: 250 } })), {}));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ type: 'BudgetExceeded' });
    expect((await transcript(run.id)).filter((s) => s.kind === 'turn')).toHaveLength(3);
  });

  it('asks once more when the final answer does not follow the output schema', async () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    const run = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(agentDoc('structured', { outputSchema: schema })), {}));
    expect(run.status).toBe('completed');
    expect(run.output).toMatchObject({ answer: { total: 3 }, turns: 2 });
    expect((await transcript(run.id)).map((s) => s.kind)).toEqual(['task', 'turn', 'reask', 'turn']);
  });

  it('refuses $tool outside a tool node and tool nodes with other connections', async () => {
    const doc = agentDoc('parallel', {}, { nodes: [{ id: 'stray', type: 'analysis.transform', params: { expression: '$tool.sku' } }], edges: [{ id: 'e9', source: 'lookup', target: 'stray' }] });
    const res = await stack.api('POST', '/api/workflows', doc);
    expect(res.status).toBe(422);
    const codes = (res.json.error.issues as { code: string; path: string }[]).map((i) => `${i.code} ${i.path}`);
    expect(codes).toEqual(expect.arrayContaining(['tool_connection $.edges[4]', 'tool_outside_tool $.nodes[5].params.expression']));
    void receiver;
  });
});

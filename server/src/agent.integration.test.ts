import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentCallData, AgentStep, AgentTaskData, AgentTurnData, RunEvent, WorkflowInput } from '@weft/schemas';
import { FakeLlm } from '@weft/nodes/testing/fake-llm';
import { startHttpMcpServer, stdioTestServerCommand, type HttpMcpServer } from '@weft/nodes/testing/mcp-server';
import { parseSse, scriptedModel, toolFlow, transcript as transcriptOf, type Script } from './testing/agents.js';
import { BACKENDS } from '@weft/store/testing';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

const PARTS = ['A1', 'B2', 'C3', 'D4'];
/** A long answer, streamed a word at a time. */
const STORY = 'The parcel left the warehouse on Monday, crossed the border on Tuesday and will reach your door on Thursday before noon.';

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
  // Orders four products in one turn, then answers with the receipts the HTTP tool got back.
  orders: (_req, results) =>
    results.length === 0
      ? { toolCalls: PARTS.map((sku, i) => ({ id: `c${i + 1}`, name: 'order', arguments: { sku, qty: i + 1 } })) }
      : { text: `receipts: ${results.map((r) => (JSON.parse(r.content) as { body: { id: string } }).body.id).join(', ')}` },
  // Hands one question to each specialist in one turn, then answers from both answers.
  supervise: (_req, results) =>
    results.length === 0
      ? { toolCalls: [{ id: 's1', name: 'billing', arguments: { question: 'is invoice 7 paid?' } }, { id: 's2', name: 'shipping', arguments: { question: 'where is parcel 9?' } }] }
      : { text: `billing says "${results[0]!.content}"; shipping says "${results[1]!.content}"` },
  billing: (_req, results) => (results.length === 0 ? { toolCalls: [{ id: 'b1', name: 'invoice', arguments: { number: '7' } }] } : { text: `from billing: ${results[0]!.content}` }),
  shipping: (_req, results) => (results.length === 0 ? { toolCalls: [{ id: 'p1', name: 'track', arguments: { parcel: '9' } }] } : { text: `from shipping: ${results[0]!.content}` }),
  // Asks a sub-workflow to add two numbers.
  delegate: (_req, results) => (results.length === 0 ? { toolCalls: [{ id: 'd1', name: 'adder', arguments: { a: 2, b: 5 } }] } : { text: `the sub-workflow says ${results[0]!.content}` }),
  // Adds with the tools of two MCP servers (the second server's clashing names are prefixed with its node id).
  mcp: (_req, results) =>
    results.length === 0
      ? { toolCalls: [{ id: 'm1', name: 'add', arguments: { a: 2, b: 3 } }, { id: 'm2', name: 'local_add', arguments: { a: 40, b: 2 } }] }
      : { text: `sums: ${results.map((r) => (JSON.parse(r.content) as { text: string }).text).join(' and ')}` },
  // Calls a tool that works and one that fails in one turn, then tells what each gave.
  both: (_req, results) =>
    results.length === 0
      ? { toolCalls: [{ id: 'u1', name: 'lookup', arguments: { sku: 'A1' } }, { id: 'u2', name: 'broken', arguments: {} }] }
      : { text: results.map((r) => `${r.name}: ${r.isError ? 'failed' : r.content}`).join('; ') },
  // Looks a product up, then tells a long story slowly, one word per event.
  story: (_req, results) => (results.length === 0 ? { toolCalls: [{ id: 'l1', name: 'lookup', arguments: { sku: 'A1' } }] } : { text: STORY, chunkDelayMs: 40 }),
};

const answer = scriptedModel(SCRIPTS);

/** The most steps whose [startedAt, endedAt) intervals overlap at one instant. */
function mostAtOnce(steps: readonly AgentStep[]): number {
  const spans = steps.map((s) => [Date.parse(s.startedAt), Date.parse(s.endedAt!)] as const);
  return Math.max(...spans.map(([at]) => spans.filter(([from, to]) => from <= at && at < to).length));
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
  let mcpServer: HttpMcpServer;
  beforeAll(async () => {
    await fake.start();
    fake.script(answer);
    mcpServer = await startHttpMcpServer();
    env['WEFT_LLM_PROVIDERS'] = JSON.stringify([
      { name: 'main', type: 'openai', baseUrl: `${fake.url}/main/v1`, model: 'gpt-test' },
      { name: 'claude', type: 'anthropic', baseUrl: `${fake.url}/claude`, model: 'claude-test' },
    ]);
    env['WEFT_MCP_COMMANDS'] = JSON.stringify({ 'test-tools': stdioTestServerCommand() });
  });
  afterAll(async () => {
    await fake.close();
    await mcpServer.close();
  });
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { env, receiver: true });

  const transcript = (runId: string, agent?: string): Promise<AgentStep[]> => transcriptOf(stack, runId, agent);
  /** The requests of one run's conversation, told by the question in its task. */
  const asked = (q: string) => fake.requests.filter((r) => r.messages.some((m) => m.role === 'user' && m.content.endsWith(q)));

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
  });

  it('sends each HTTP tool call once with its own idempotency key, at most toolConcurrency at a time', async () => {
    const order = {
      id: 'order',
      type: 'execution.http',
      params: { method: 'POST', url: `${receiver.url}/orders/{{ $tool.sku }}?delay=300`, body: { sku: '{{ $tool.sku }}', qty: '{{ $tool.qty }}' } },
      tool: { description: 'Orders a product', arguments: [{ name: 'sku', type: 'string' as const }, { name: 'qty', type: 'integer' as const }] },
    };
    const runId = await stack.startRun(await stack.createWorkflow(toolFlow('orders', { toolConcurrency: 2 }, [order])), { q: 'order them' });
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    const keys = PARTS.map((_, i) => `${runId}:agent:1:c${i + 1}`);
    // Each call reached the service once, under its own key, with the model's arguments in the body.
    PARTS.forEach((sku, i) => expect(receiver.keys.get(keys[i]!)).toEqual({ requests: 1, effects: 1, body: { sku, qty: i + 1 } }));
    expect((run.output as { answer: string }).answer).toBe(`receipts: ${keys.map((k) => `effect-${k}`).join(', ')}`);
    // Two at a time: the last two orders reach the service only after the first two...
    const arrivals = receiver.log.filter((l) => l.key.startsWith(`${runId}:`)).map((l) => l.path);
    expect(arrivals).toHaveLength(4);
    expect(new Set(arrivals.slice(0, 2))).toEqual(new Set(['/orders/A1', '/orders/B2']));
    expect(new Set(arrivals.slice(2))).toEqual(new Set(['/orders/C3', '/orders/D4']));
    // ...and the recorded calls never overlap more than two deep (each waits 300 ms at the service).
    const calls = (await transcript(runId)).filter((s) => s.kind === 'call');
    expect(calls.map((c) => [c.part, c.status, (c.data as AgentCallData).key])).toEqual(keys.map((k, i) => [i + 1, 'succeeded', k]));
    expect(mostAtOnce(calls)).toBe(2);
  });

  it('lets a supervisor delegate to two specialist agents, each with its own tool and transcript', async () => {
    const specialist = (id: string) => ({
      id,
      type: 'strategy.agent',
      params: { instructions: `You answer ${id} questions.`, task: `script:${id} {{ $tool.question }}` },
      tool: { description: `Answers ${id} questions`, arguments: [{ name: 'question', type: 'string' as const }] },
    });
    const doc = toolFlow('supervise', {}, [specialist('billing'), specialist('shipping')], {
      nodes: [
        { id: 'invoice', type: 'analysis.transform', params: { expression: '"invoice " & $tool.number & " was paid on May 2"' }, tool: { description: 'Reads an invoice', arguments: [{ name: 'number', type: 'string' }] } },
        { id: 'track', type: 'analysis.transform', params: { expression: '"parcel " & $tool.parcel & " is in Lyon"' }, tool: { description: 'Tracks a parcel', arguments: [{ name: 'parcel', type: 'string' }] } },
      ],
      edges: [
        { id: 't-invoice', source: 'invoice', target: 'billing', targetPort: 'tools' },
        { id: 't-track', source: 'track', target: 'shipping', targetPort: 'tools' },
      ],
    });
    const runId = await stack.startRun(await stack.createWorkflow(doc), { q: 'two questions' });
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect(run.output).toMatchObject({
      answer: 'billing says "from billing: invoice 7 was paid on May 2"; shipping says "from shipping: parcel 9 is in Lyon"',
      turns: 2,
      toolCalls: 2,
    });

    // Each specialist had its own conversation, under the path of the call that started it, and only its own tool.
    for (const [agent, name, tool, callId] of [['agent/1.1', 'billing', 'invoice', 'b1'], ['agent/1.2', 'shipping', 'track', 'p1']] as const) {
      const steps = await transcript(runId, agent);
      expect(steps.map((s) => [s.kind, s.turn, s.part, s.status])).toEqual([
        ['task', 0, 0, 'succeeded'],
        ['turn', 1, 0, 'succeeded'],
        ['call', 1, 1, 'succeeded'],
        ['turn', 2, 0, 'succeeded'],
      ]);
      expect((steps[0]!.data as AgentTaskData).task).toBe(`script:${name} ${name === 'billing' ? 'is invoice 7 paid?' : 'where is parcel 9?'}`);
      expect(steps[2]!.data).toMatchObject({ tool, key: `${runId}:${agent}:1:${callId}` });
      const nestedAsked = fake.requests.filter((r) => r.messages.some((m) => m.role === 'user' && m.content.startsWith(`script:${name}`)));
      expect(nestedAsked.at(-1)!.tools).toEqual([tool]);
    }
    const top = (await transcript(runId, 'agent')).filter((s) => s.kind === 'call');
    expect(top.map((s) => [(s.data as AgentCallData).tool, (s.data as AgentCallData).output])).toEqual([
      ['billing', 'from billing: invoice 7 was paid on May 2'],
      ['shipping', 'from shipping: parcel 9 is in Lyon'],
    ]);
    expect(new Set((await transcript(runId)).map((s) => s.agent))).toEqual(new Set(['agent', 'agent/1.1', 'agent/1.2']));
  });

  it('runs a sub-workflow as a tool with the call\'s arguments as its input', async () => {
    const child = await stack.createWorkflow({
      schemaVersion: 1,
      name: 'adder',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'sum', type: 'control.output', params: { value: '{{ $input.a + $input.b }}' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'sum' }],
    });
    const adder = {
      id: 'adder',
      type: 'control.subworkflow',
      params: { workflowId: child, version: 1, input: '{{ $tool }}' },
      tool: { description: 'Adds a and b', arguments: [{ name: 'a', type: 'number' as const }, { name: 'b', type: 'number' as const }] },
    };
    const runId = await stack.startRun(await stack.createWorkflow(toolFlow('delegate', {}, [adder])), { q: 'add' });
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect((run.output as { answer: string }).answer).toBe('the sub-workflow says 7');
    const children = (await stack.api('GET', `/api/runs?workflowId=${child}`)).json.items as { id: string; status: string; trigger: { type: string } }[];
    expect(children.map((c) => [c.status, c.trigger.type])).toEqual([['completed', 'subworkflow']]);
    expect((await stack.api('GET', `/api/runs/${children[0]!.id}`)).json.input).toEqual({ a: 2, b: 5 });
  });

  it('offers the tools of MCP servers over streamable HTTP and stdio, and gives the model their results', async () => {
    const doc = toolFlow('mcp', {}, [
      { id: 'remote', type: 'execution.mcp', params: { server: { transport: 'http', url: mcpServer.url } } },
      { id: 'local', type: 'execution.mcp', params: { server: { transport: 'stdio', command: 'test-tools' } } },
    ]);
    const runId = await stack.startRun(await stack.createWorkflow(doc), { q: 'add with MCP' });
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect((run.output as { answer: string }).answer).toBe('sums: 5 and 42');

    // The model was offered both servers' tools, with their own descriptions and input schemas.
    const first = asked('add with MCP')[0]!;
    expect([...first.tools].sort()).toEqual(['add', 'count', 'echo', 'fail', 'local_add', 'local_count', 'local_echo', 'local_fail']);
    const offered = (name: string) => (first.body.tools as { function: { name: string } }[]).find((t) => t.function.name === name)!.function;
    for (const name of ['add', 'local_add']) {
      expect(offered(name)).toMatchObject({ description: 'Adds two numbers', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } });
    }
    const calls = (await transcript(runId)).filter((s) => s.kind === 'call').map((s) => s.data as AgentCallData);
    expect(calls.map((c) => [c.name, c.tool, (c.output as { tool: string; structuredContent: unknown }).tool, (c.output as { structuredContent: unknown }).structuredContent])).toEqual([
      ['add', 'remote', 'add', { sum: 5 }],
      ['local_add', 'local', 'add', { sum: 42 }],
    ]);
    // Sessions are closed after each use.
    expect(mcpServer.openSessions()).toBe(0);
  });

  it('speaks the Anthropic wire format end to end: parallel tool calls, a failed one marked is_error', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(agentDoc('both', { providers: ['claude'] })), { q: 'through claude' });
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect((run.output as { answer: string }).answer).toBe('lookup: stock of A1 is 14; broken: failed');
    const reqs = asked('through claude');
    expect(reqs.map((r) => [r.format, r.path])).toEqual([
      ['anthropic', '/claude/v1/messages'],
      ['anthropic', '/claude/v1/messages'],
    ]);
    expect(reqs[0]!.body.system).toBe('You help with stock.');
    const lookup = (reqs[0]!.body.tools as { name: string }[]).find((t) => t.name === 'lookup');
    expect(lookup).toEqual({ name: 'lookup', description: 'Looks up the stock of a product', input_schema: { type: 'object', properties: { sku: { type: 'string', description: 'Product code' } }, required: ['sku'], additionalProperties: false } });
    // The second request carries both calls as tool_use blocks and both results in one user message, the error flagged.
    const wire = reqs[1]!.body.messages as { role: string; content: unknown }[];
    expect(wire.at(-2)).toEqual({
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'u1', name: 'lookup', input: { sku: 'A1' } },
        { type: 'tool_use', id: 'u2', name: 'broken', input: {} },
      ],
    });
    expect(wire.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'u1', content: 'stock of A1 is 14', is_error: false },
        { type: 'tool_result', tool_use_id: 'u2', content: expect.stringContaining('the warehouse is closed'), is_error: true },
      ],
    });
  });

  it('streams the text of a turn as agent_text events while the turn runs, and marks each step with an agent event', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(agentDoc('story')), { q: 'tell me' });
    const res = await stack.app.request(`/api/runs/${runId}/events`, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    // Read the stream as it comes; when the first text arrives, the turn writing it must still be under way.
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let turnWhenTextCame: string | undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      if (turnWhenTextCame === undefined && parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2)).some((e) => e.type === 'agent_text')) {
        const steps = await transcript(runId);
        turnWhenTextCame = steps.find((s) => s.kind === 'turn' && s.turn === 2)?.status;
      }
    }
    expect(turnWhenTextCame).toBe('running');
    const events = parseSse(text);
    expect((await stack.waitForRun(runId)).status).toBe('completed');
    const deltas = events.filter((e) => e.type === 'agent_text').map((e) => e.data as { agent: string; turn: number; delta: string });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((d) => d.agent === 'agent' && d.turn === 2)).toBe(true);
    expect(deltas.map((d) => d.delta).join('')).toBe(STORY);
    expect(asked('tell me').map((r) => r.stream)).toEqual([true, true]);
    const steps = events.filter((e) => e.type === 'agent').map((e) => e.data as { kind: string; turn: number; part: number; status: string });
    expect(steps.map((s) => `${s.kind} ${s.turn}.${s.part} ${s.status}`)).toEqual([
      'task 0.0 succeeded',
      'turn 1.0 running',
      'turn 1.0 succeeded',
      'call 1.1 running',
      'call 1.1 succeeded',
      'turn 2.0 running',
      'turn 2.0 succeeded',
    ]);
    // The text came between the turn's start and its end.
    const ids = (pred: (e: RunEvent) => boolean) => events.filter(pred).map((e) => e.id);
    const turn2 = ids((e) => e.type === 'agent' && (e.data as { kind: string; turn: number }).kind === 'turn' && (e.data as { turn: number }).turn === 2);
    const textIds = ids((e) => e.type === 'agent_text');
    expect(Math.min(...textIds)).toBeGreaterThan(turn2[0]!);
    expect(Math.max(...textIds)).toBeLessThan(turn2[1]!);
  });
});

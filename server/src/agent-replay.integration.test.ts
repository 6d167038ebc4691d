import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { FakeLlm, type FakeLlmReply, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import { BACKENDS } from '@weft/store/testing';
import { saveHistory, savingHistories } from './testing/histories.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

/** The model: the task says how many steps to take; each turn calls `step` until then, and a `helper` agent answers at once. */
function answer(req: FakeLlmRequest): FakeLlmReply {
  const task = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const results = req.messages.filter((m) => m.role === 'tool').length;
  if (task.startsWith('help:')) return { text: `helped with ${task.slice(5).trim()}` };
  const steps = Number(/steps:(\d+)/.exec(task)?.[1] ?? 1);
  if (task.includes('delegate') && results === 0) {
    return { toolCalls: [{ id: 'd1', name: 'helper', arguments: { topic: 'stock' } }, { id: 'd2', name: 'step', arguments: { n: 0 } }] };
  }
  if (results < steps) return { toolCalls: [{ id: `c${results}`, name: 'step', arguments: { n: results + 1 } }] };
  return { text: `took ${results} steps` };
}

const doc = (task: string, extra: Partial<WorkflowInput> = {}): WorkflowInput => ({
  schemaVersion: 1,
  name: `agent ${task}`,
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'agent', type: 'strategy.agent', params: { task, maxTurns: 200 } },
    { id: 'step', type: 'analysis.transform', params: { expression: '$tool.n * 2' }, tool: { description: 'One step', arguments: [{ name: 'n', type: 'integer' }] } },
    { id: 'out', type: 'control.output', params: { value: '{{ $input.answer }}' } },
    ...(extra.nodes ?? []),
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'agent' },
    { id: 't1', source: 'step', target: 'agent', targetPort: 'tools' },
    { id: 'e2', source: 'agent', target: 'out' },
    ...(extra.edges ?? []),
  ],
});

// Agent runs whose histories the replay tests keep (WEFT_UPDATE_HISTORIES=1 saves them): a
// change that makes runAgent non-deterministic fails `workers/src/workflows/replay.test.ts`.
describe.each(BACKENDS)('agent histories on %s', (backend) => {
  const fake = new FakeLlm();
  const env: Record<string, string> = {};
  beforeAll(async () => {
    await fake.start();
    fake.script(answer);
    env['WEFT_LLM_PROVIDERS'] = JSON.stringify([{ name: 'main', type: 'anthropic', baseUrl: fake.url, model: 'claude-test' }]);
  });
  afterAll(() => fake.close());
  let stack: Stack;
  useStack(backend, (s) => (stack = s), { env });

  const history = async (workflowId: string) => (await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

  it('continues a long agent as new past its bound, with every turn kept', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(doc('steps:120')), {});
    const run = await stack.waitForRun(runId, 120_000);
    expect(run.status).toBe('completed');
    expect(run.output).toBe('took 120 steps');
    expect((run.nodes.find((n) => n.id === 'agent')?.output as { turns: number }).turns).toBe(121);
    // The tool shows as called, not as skipped.
    expect(run.nodes.find((n) => n.id === 'step')).toMatchObject({ status: 'succeeded', toolCalls: 120 });
    // The child's first history ends in continue-as-new; the latest one finishes the loop.
    const chain = await stack.temporal.client.workflow.list({ query: `WorkflowId = "${runId}-agent-agent"` });
    let runs = 0;
    for await (const _ of chain) runs++;
    expect(runs).toBe(3);
    const steps = (await stack.api('GET', `/api/runs/${runId}/transcript`)).json.steps as { kind: string }[];
    expect(steps.filter((s) => s.kind === 'turn')).toHaveLength(121);
    expect(steps.filter((s) => s.kind === 'call')).toHaveLength(120);
  });

  it('runs an agent called as a tool and saves the histories of both loops', async () => {
    const nested = doc('delegate steps:1', {
      nodes: [{ id: 'helper', type: 'strategy.agent', params: { task: 'help: {{ $tool.topic }}' }, tool: { description: 'A helper', arguments: [{ name: 'topic', type: 'string' }] } }],
      edges: [{ id: 't2', source: 'helper', target: 'agent', targetPort: 'tools' }],
    });
    const runId = await stack.startRun(await stack.createWorkflow(nested), {});
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('completed');
    const steps = (await stack.api('GET', `/api/runs/${runId}/transcript`)).json.steps as { agent: string; kind: string; data: { output?: unknown } }[];
    expect(steps.find((s) => s.agent === 'agent' && s.kind === 'call' && s.data.output === 'helped with stock')).toBeDefined();
    expect(steps.filter((s) => s.agent === 'agent/1.1').map((s) => s.kind)).toEqual(['task', 'turn']);
    expect((await history(`${runId}-agent-agent`)).length).toBeGreaterThan(0);
    if (savingHistories(backend)) {
      await saveHistory(stack.temporal.client, runId, 'agent-nested');
      await saveHistory(stack.temporal.client, `${runId}-agent-agent`, 'agent-nested.run-agent');
      await saveHistory(stack.temporal.client, `${runId}-agent-agent-1-1`, 'agent-nested.run-agent-tool');
    }
  });

  it('saves the history of an agent whose call waited for a person', async () => {
    const gated = doc('steps:1');
    gated.nodes[2] = { ...gated.nodes[2]!, tool: { description: 'One step', arguments: [{ name: 'n', type: 'integer' }], approval: { require: 'always' } } };
    const runId = await stack.startRun(await stack.createWorkflow(gated), {});
    let call: string | undefined;
    for (let i = 0; i < 100 && !call; i++) {
      const items = (await stack.api('GET', '/api/approvals')).json.items as { runId: string; call: { key: string } | null }[];
      call = items.find((a) => a.runId === runId)?.call?.key;
      if (!call) await new Promise((r) => setTimeout(r, 100));
    }
    expect(call).toBe(`${runId}:agent:1:c0`);
    expect((await stack.api('POST', `/api/runs/${runId}/approve`, { call, arguments: { n: 21 } })).status).toBe(202);
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('completed');
    const steps = (await stack.api('GET', `/api/runs/${runId}/transcript`)).json.steps as { kind: string; data: { output?: unknown; approval?: { status: string } } }[];
    expect(steps.find((s) => s.kind === 'call')?.data).toMatchObject({ output: 42, approval: { status: 'edited' } });
    if (savingHistories(backend)) {
      await saveHistory(stack.temporal.client, runId, 'agent-approval');
      await saveHistory(stack.temporal.client, `${runId}-agent-agent`, 'agent-approval.run-agent');
    }
  });
});

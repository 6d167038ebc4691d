import { describe, expect, it } from 'vitest';
import { Workflow } from '@weft/schemas';
import { compilePlan } from './plan.js';
import { builtinRegistry } from './executors.js';

const registry = builtinRegistry();
const version = { workflowId: 'wf', version: 1, hash: 'h' };
const doc = Workflow.parse({
  schemaVersion: 1,
  name: 'light and heavy',
  nodes: [
    { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
    { id: 'shape', type: 'analysis.transform', params: { expression: '$' }, position: { x: 0, y: 0 } },
    { id: 'check', type: 'security.policy', position: { x: 0, y: 0 } },
    { id: 'rules', type: 'strategy.route', params: { routes: [{ port: 'big', when: '$.n > 1' }] }, position: { x: 0, y: 0 } },
    { id: 'ask', type: 'strategy.route', params: { mode: 'llm', routes: [{ port: 'big', description: 'large' }] }, position: { x: 0, y: 0 } },
    { id: 'call', type: 'execution.http', params: { url: 'https://example.org' }, position: { x: 0, y: 0 } },
    { id: 'code', type: 'execution.code', params: { code: 'return 1' }, position: { x: 0, y: 0 } },
    { id: 'pause', type: 'control.wait', params: { duration: '1s' }, position: { x: 0, y: 0 } },
    { id: 'each', type: 'control.loop', params: { items: '{{ $input }}', body: { type: 'analysis.transform', params: { expression: '$' } } }, position: { x: 0, y: 0 } },
    { id: 'done', type: 'control.output', position: { x: 0, y: 0 } },
  ],
  edges: [],
});
const local = (options?: { localActivities?: boolean }) =>
  Object.fromEntries(compilePlan(doc, version, registry, options).nodes.map((n) => [n.id, n.local === true]));

describe('compiling light nodes', () => {
  it('runs light, side-effect-free nodes as local activities', () => {
    expect(local()).toEqual({ start: true, shape: true, check: true, rules: true, ask: false, call: false, code: false, pause: false, each: false, done: true });
  });

  it('keeps a loop body one activity per item', () => {
    const each = compilePlan(doc, version, registry).nodes.find((n) => n.id === 'each')!;
    expect(each.body?.type).toBe('analysis.transform');
    expect(each.body?.local).toBeUndefined();
  });

  it('runs every node as an activity when local activities are turned off', () => {
    expect(Object.values(local({ localActivities: false })).some(Boolean)).toBe(false);
  });
});

describe('compiling an agent and its tools', () => {
  const agentDoc = Workflow.parse({
    schemaVersion: 1,
    name: 'agent',
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 'agent', type: 'strategy.agent', params: { task: 'help' } },
      {
        id: 'refund',
        type: 'execution.http',
        label: 'Refund an order',
        params: { method: 'POST', url: 'https://shop.example/refund/{{ $tool.order }}' },
        tool: { arguments: [{ name: 'order', description: 'Order id' }, { name: 'amount', type: 'number', required: false }], approval: { require: 'when', when: 'amount > 100' } },
      },
      { id: 'out', type: 'control.output' },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'agent' },
      { id: 't1', source: 'refund', target: 'agent', targetPort: 'tools' },
      { id: 'e2', source: 'agent', target: 'out' },
    ],
  });

  it('takes tool nodes and their edges out of the flow and hands them to the agent with a schema of their arguments', () => {
    const plan = compilePlan(agentDoc, version, registry);
    expect(plan.nodes.map((n) => n.id)).toEqual(['start', 'agent', 'out']);
    expect(plan.edges.map((e) => e.id)).toEqual(['e1', 'e2']);
    const agent = plan.nodes.find((n) => n.id === 'agent')!;
    expect(agent.mode).toBe('agent');
    expect(agent.tools).toEqual([
      {
        node: expect.objectContaining({ id: 'refund', type: 'execution.http', sideEffects: true }),
        name: 'refund',
        description: 'Refund an order',
        parameters: {
          type: 'object',
          properties: { order: { type: 'string', description: 'Order id' }, amount: { type: 'number' } },
          required: ['order'],
          additionalProperties: false,
        },
        approval: { require: 'when', when: 'amount > 100', timeout: '24h' },
      },
    ]);
  });
});

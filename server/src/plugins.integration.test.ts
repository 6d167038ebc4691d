import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NodeTypeView, WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

/** The example plugin, built by `npm run build`. */
const EXAMPLE = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'examples', 'plugin-hello');

const greeting = (name: string): WorkflowInput => ({
  schemaVersion: 1,
  name: 'greeting',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'greet', type: 'analysis.greet', params: { name, greeting: 'Welcome' } },
    { id: 'out', type: 'control.output', params: { value: '{{ $nodes.greet.output.text }}' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'greet' },
    { id: 'e2', source: 'greet', target: 'out' },
  ],
});

describe.each(BACKENDS)('a plugin node type on %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s), { env: { WEFT_PLUGINS: EXAMPLE } });

  it('is in the node catalog with its params as JSON Schema', async () => {
    const res = await stack.api('GET', '/api/node-types');
    expect(res.status).toBe(200);
    const greet = (res.json.items as NodeTypeView[]).find((t) => t.type === 'analysis.greet');
    expect(greet).toMatchObject({ kind: 'analysis', category: 'Analysis', version: 1, title: 'Greet', inputs: ['in'], outputs: ['out'], policy: { timeout: '10s', maxAttempts: 2 } });
    expect(greet!.params).toMatchObject({ type: 'object', required: ['name'], properties: { name: { type: 'string' }, greeting: { type: 'string', default: 'Hello' } } });
    expect(greet!.output).toMatchObject({ type: 'object', properties: { text: { type: 'string' } } });
  });

  it('runs on the worker in a workflow, its params resolved from the run input', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(greeting('{{ $input.name }}')), { name: 'Ada' });
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect(run.output).toBe('Welcome, Ada!');
    expect(run.nodes.find((n) => n.id === 'greet')).toMatchObject({ type: 'analysis.greet', status: 'succeeded', attempts: 1, output: { text: 'Welcome, Ada!' } });
  });

  it('fails the node for good when its resolved params break the plugin schema', async () => {
    const runId = await stack.startRun(await stack.createWorkflow(greeting('{{ $input.name }}')), { name: '   ' });
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('failed');
    expect(run.nodes.find((n) => n.id === 'greet')).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'InvalidParams', retryable: false } });
  });

  it('is refused by the validator with bad static params', async () => {
    const res = await stack.api('POST', '/api/workflows', greeting(''));
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain('greet');
  });
});

import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

const order = (url: string, shipPath: string): WorkflowInput => ({
  schemaVersion: 1,
  name: 'order',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'charge', type: 'execution.http', params: { method: 'POST', url: `${url}/charge`, body: '{{ $input }}' } },
    { id: 'label', type: 'analysis.transform', params: { expression: '"order " & $input.body.id' } },
    { id: 'ship', type: 'execution.http', params: { method: 'POST', url: `${url}${shipPath}`, body: '{{ { "label": $input } }}' }, policy: { maxAttempts: 1 } },
    { id: 'out', type: 'control.output', params: { value: '{{ $nodes.label.output }}' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'charge' },
    { id: 'e2', source: 'charge', target: 'label' },
    { id: 'e3', source: 'label', target: 'ship' },
    { id: 'e4', source: 'ship', target: 'out' },
  ],
});

describe.each(BACKENDS)('re-run from a node on %s', (backend) => {
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { receiver: true });

  it('previews what runs again and what has side effects, then re-runs a fixed version without charging twice', async () => {
    const wf = await stack.createWorkflow(order(receiver.url, '/ship?status=404'));
    const first = await stack.waitForRun(await stack.startRun(wf, { sku: 'A-1' }));
    expect(first.status).toBe('failed');
    expect(first.error).toMatchObject({ nodeId: 'ship' });

    // The fix: version 2 ships to the right place.
    expect((await stack.api('PUT', `/api/workflows/${wf}`, order(receiver.url, '/ship'))).json.version).toBe(2);

    const preview = await stack.api('POST', `/api/runs/${first.id}/rerun?dryRun=1`, { fromNode: 'ship', version: 2 });
    expect(preview.status).toBe(200);
    expect(preview.json).toEqual({ rerunOf: first.id, version: 2, fromNode: 'ship', rerun: ['ship', 'out'], reused: ['start', 'charge', 'label'], sideEffects: ['ship'] });
    expect((await stack.api('GET', `/api/runs?workflowId=${wf}`)).json.items).toHaveLength(1); // nothing started

    const wide = await stack.api('POST', `/api/runs/${first.id}/rerun?dryRun=1`, { fromNode: 'charge' });
    expect(wide.json).toMatchObject({ version: 1, rerun: ['charge', 'label', 'ship', 'out'], sideEffects: ['charge', 'ship'] });

    const started = await stack.api('POST', `/api/runs/${first.id}/rerun`, { fromNode: 'ship', version: 2 });
    expect(started.status).toBe(202);
    const second = await stack.waitForRun(started.json.runId);
    expect(second.status).toBe('completed');
    expect(second.version).toBe(2);
    expect(second.output).toBe(`order effect-${first.id}:charge`);
    const byId = Object.fromEntries(second.nodes.map((n) => [n.id, n]));
    expect(byId['charge']).toMatchObject({ status: 'succeeded', reused: true, attempts: 0 });
    expect(byId['ship']).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(byId['ship']!.reused).toBeUndefined();
    // The charge happened once, in the first run; the re-run never called it.
    expect(receiver.log.filter((l) => l.path === '/charge').map((l) => l.key)).toEqual([`${first.id}:charge`]);
    expect(receiver.keys.get(`${second.id}:ship`)).toMatchObject({ requests: 1, effects: 1, body: { label: `order effect-${first.id}:charge` } });
  });

  it('refuses a node the version does not have, and a version that does not exist', async () => {
    const wf = await stack.createWorkflow(order(receiver.url, '/ship'));
    const run = await stack.waitForRun(await stack.startRun(wf, {}));
    const bad = await stack.api('POST', `/api/runs/${run.id}/rerun?dryRun=1`, { fromNode: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].path).toBe('$.fromNode');
    expect((await stack.api('POST', `/api/runs/${run.id}/rerun`, { fromNode: 'ship', version: 9 })).status).toBe(404);
  });
});

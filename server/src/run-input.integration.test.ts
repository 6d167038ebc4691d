import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import { signedWebhookHeaders } from './routes/webhooks.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

const ordered: WorkflowInput = {
  schemaVersion: 1,
  name: 'takes an order',
  inputSchema: {
    type: 'object',
    properties: { order: { type: 'integer', minimum: 1 }, email: { type: 'string' }, items: { type: 'array', items: { type: 'string' } } },
    required: ['order'],
  },
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'out', type: 'control.output', params: { value: '{{ "order " & $input.order }}' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'out' }],
};
const BAD = { order: 0, email: 3, items: ['tea', 7] };
const BAD_PATHS = ['$.order', '$.email', '$.items[1]'];

describe.each(BACKENDS)('run inputs checked against the workflow input schema, on %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s));

  const runCount = async () => (await stack.db.db.selectFrom('run').select('id').execute()).length;
  const paths = (json: { error: { issues: { path: string }[] } }) => json.error.issues.map((i) => i.path).sort();

  it('refuses a bad input to the start API with 422 and the path of every problem, and starts nothing', async () => {
    const workflowId = await stack.createWorkflow(ordered);
    const before = await runCount();
    const res = await stack.api('POST', `/api/workflows/${workflowId}/runs`, { input: BAD });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('invalid_input');
    expect(paths(res.json)).toEqual(BAD_PATHS.map((p) => p.replace('$', '$.input')).sort());
    expect((await stack.api('POST', `/api/workflows/${workflowId}/runs`, {})).status).toBe(422);
    expect(await runCount()).toBe(before);

    const ok = await stack.api('POST', `/api/workflows/${workflowId}/runs`, { input: { order: 7, items: ['tea'] } });
    expect(ok.status).toBe(202);
    const run = await stack.waitForRun(ok.json.runId);
    expect(run).toMatchObject({ status: 'completed', output: 'order 7', input: { order: 7, items: ['tea'] } });
  });

  it('takes any input for a workflow without an input schema', async () => {
    const { inputSchema: _none, ...free } = ordered;
    const workflowId = await stack.createWorkflow({ ...free, name: 'takes anything' });
    expect((await stack.api('POST', `/api/workflows/${workflowId}/runs`, { input: BAD })).status).toBe(202);
  });

  it('refuses a webhook call whose body does not fit, without using up its signature', async () => {
    const workflowId = await stack.createWorkflow({ ...ordered, name: 'hooked order' });
    const { secret } = (await stack.api('POST', '/api/webhooks', { path: 'checked-orders', workflowId })).json as { secret: string };
    const call = (body: string) => {
      const headers = signedWebhookHeaders(secret, { timestamp: Math.floor(Date.now() / 1000), method: 'POST', path: '/hooks/checked-orders', query: '', headers: {}, body });
      return stack.app.request('/hooks/checked-orders', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    };
    const before = await runCount();
    const bad = await call(JSON.stringify(BAD));
    expect(bad.status).toBe(422);
    expect(paths((await bad.json()) as never)).toEqual([...BAD_PATHS].sort());
    expect(await runCount()).toBe(before);
    expect(await stack.db.db.selectFrom('webhook_signature').select('hook_path').where('hook_path', '=', 'checked-orders').execute()).toEqual([]);

    const good = await call(JSON.stringify({ order: 3 }));
    expect(good.status).toBe(202);
    expect((await stack.waitForRun(((await good.json()) as { runId: string }).runId)).output).toBe('order 3');
  });

  it('refuses a schedule whose input does not fit, and creates no schedule', async () => {
    const workflowId = await stack.createWorkflow({ ...ordered, name: 'scheduled order' });
    const res = await stack.api('POST', '/api/schedules', { workflowId, every: '1h', paused: true, input: BAD });
    expect(res.status).toBe(422);
    expect(paths(res.json)).toEqual(BAD_PATHS.map((p) => p.replace('$', '$.input')).sort());
    expect((await stack.api('GET', `/api/schedules?workflowId=${workflowId}`)).json.items).toEqual([]);
  });
});

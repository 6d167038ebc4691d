import { randomBytes } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { FakeLlm } from '@weft/nodes/testing/fake-llm';
import { BACKENDS } from '@weft/store/testing';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

/** USD per million tokens: 50 tokens in and 20 out cost $0.000029. */
const PRICE = { inputPerMTok: 0.1, outputPerMTok: 1.2 };
/** A history as JSON with every payload decoded (Temporal keeps payload data as base64). */
function decoded(json: string): string {
  const payloads: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['data'] === 'string' && 'metadata' in o) payloads.push(Buffer.from(o['data'], 'base64').toString('utf8'));
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return `${json}\n${payloads.join('\n')}`;
}

const EDGE = (id: string, source: string, target: string, sourcePort?: string) => ({ id, source, target, ...(sourcePort ? { sourcePort } : {}) });

describe.each(BACKENDS)('what each node got and gave, on %s', (backend) => {
  const fake = new FakeLlm();
  const env: Record<string, string> = {};
  beforeAll(async () => {
    await fake.start();
    fake.script(() => ({ text: 'Order A-17 ships today.', usage: { input: 50, output: 20 } }));
    env['WEFT_LLM_PROVIDERS'] = JSON.stringify([{ name: 'main', type: 'openai', baseUrl: `${fake.url}/main/v1`, model: 'note-model', pricing: { 'note-model': PRICE } }]);
  });
  afterAll(() => fake.close());
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { receiver: true, env });

  it('shows the rendered prompt, the requests sent with the secret masked, the error answer, the route\'s choice and why, the undo and the totals', async () => {
    const token = `shop_${randomBytes(12).toString('hex')}`;
    const r = receiver.url;
    expect((await stack.api('PUT', '/api/secrets/SHOP_TOKEN', { value: token, hosts: [r] })).status).toBe(201);
    const auth = { type: 'bearer', secret: 'SHOP_TOKEN' };
    const fast = { maxAttempts: 1 };
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: 'order desk',
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'note', type: 'analysis.llm', params: { system: 'You write short order notes.', prompt: 'Write a note for order {{ $nodes.start.output.order }}', providers: ['main'] } },
        { id: 'rush', type: 'strategy.route', params: { routes: [{ port: 'now', when: '$nodes.start.output.rush = true' }] } },
        {
          id: 'triage',
          type: 'strategy.route',
          params: { routes: [{ port: 'small', when: '$nodes.start.output.amount < 100' }, { port: 'big', when: '$nodes.start.output.amount >= 100' }] },
        },
        {
          id: 'create',
          type: 'execution.http',
          params: { method: 'POST', url: `${r}/orders`, body: { order: '{{ $nodes.start.output.order }}', note: '{{ $nodes.note.output.text }}' }, auth, compensation: { method: 'DELETE', url: `${r}/orders/{{ $output.body.id }}` } },
          policy: fast,
        },
        { id: 'notify', type: 'execution.http', params: { method: 'POST', url: `${r}/notify?status=422`, body: { order: '{{ $nodes.start.output.order }}' }, auth }, policy: fast },
      ],
      edges: [EDGE('e1', 'start', 'note'), EDGE('e2', 'note', 'rush'), EDGE('e3', 'rush', 'triage', 'default'), EDGE('e4', 'triage', 'create', 'big'), EDGE('e5', 'create', 'notify')],
    };
    const runId = await stack.startRun(await stack.createWorkflow(doc), { order: 'A-17', amount: 250, rush: false });
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('rolled_back');
    expect(run.error).toMatchObject({ type: 'HttpStatusError', nodeId: 'notify', compensated: ['create'] });
    const node = (id: string) => run.nodes.find((n) => n.id === id)!;

    // The LLM node: what it got, the prompt as sent, what it gave.
    expect(node('note')).toMatchObject({
      status: 'succeeded',
      input: { order: 'A-17', amount: 250, rush: false },
      prompt: { system: 'You write short order notes.', prompt: 'Write a note for order A-17', calls: 1 },
      output: { text: 'Order A-17 ships today.', provider: 'main' },
    });
    expect(fake.requests.filter((q) => q.prompt === 'Write a note for order A-17')).toHaveLength(1);

    // Routes: the rule that held, or that none did.
    expect(node('rush').route).toEqual({ port: 'default', by: 'fallback' });
    expect(node('triage').route).toEqual({ port: 'big', by: 'rule', index: 1, condition: '$nodes.start.output.amount >= 100' });

    // The HTTP node: the request as sent, the token masked; then undone, with the undo request and its answer.
    const masked = { authorization: 'Bearer [secret:SHOP_TOKEN]', 'content-type': 'application/json', 'idempotency-key': `${runId}:create` };
    expect(node('create')).toMatchObject({
      status: 'compensated',
      request: { method: 'POST', url: `${r}/orders`, headers: masked, body: { order: 'A-17', note: 'Order A-17 ships today.' } },
      output: { status: 200, body: { id: `effect-${runId}:create` } },
      compensation: {
        status: 'succeeded',
        request: { method: 'DELETE', url: `${r}/orders/effect-${runId}:create`, headers: { authorization: 'Bearer [secret:SHOP_TOKEN]', 'idempotency-key': `${runId}:create:compensate` } },
        output: { status: 200, body: { id: `effect-${runId}:create:compensate` } },
      },
    });
    expect(receiver.log.filter((l) => l.key === `${runId}:create:compensate`)).toEqual([expect.objectContaining({ method: 'DELETE', path: `/orders/effect-${runId}:create` })]);

    // The failing call: its request, and the answer's body in its error.
    expect(node('notify')).toMatchObject({
      status: 'failed',
      request: { method: 'POST', url: `${r}/notify?status=422`, headers: { ...masked, 'idempotency-key': `${runId}:notify` }, body: { order: 'A-17' } },
      error: { type: 'HttpStatusError', message: `POST ${r}/notify answered 422`, details: { status: 422, body: { error: 'answering 422 as asked' } } },
    });

    // Totals of the run's LLM calls, cost to the millionth of a dollar.
    expect(run.totals).toEqual({ llmCalls: 1, inputTokens: 50, outputTokens: 20, costUsd: expect.closeTo(0.000029, 12) });

    // The token went out, but neither the view, the attempt rows nor the history hold it.
    expect(JSON.stringify(receiver.headers)).toContain(`Bearer ${token}`);
    const rows = await stack.db.db.selectFrom('node_run').selectAll().where('run_id', '=', runId).execute();
    expect(rows.filter((row) => row.detail !== null).map((row) => `${row.node_id}:${row.phase}`).sort()).toEqual(['create:compensate', 'create:execute', 'note:execute', 'notify:execute', 'rush:execute', 'triage:execute']);
    const history = decoded(historyToJSON(await stack.temporal.client.workflow.getHandle(runId).fetchHistory()));
    expect(history).toContain('Order A-17 ships today.');
    for (const text of [JSON.stringify(run), JSON.stringify(rows), history]) expect(text).not.toContain(token);
    // What was sent stays out of Temporal history: it is written with the attempt's row only.
    expect(history).not.toContain('Bearer [secret:SHOP_TOKEN]');
  });
});

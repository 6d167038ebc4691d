import { describe, expect, it } from 'vitest';
import type { NodeRunRow } from '@weft/store';
import { nodeViews, runTotals } from './run-view.js';

let id = 0;
const row = (r: Partial<NodeRunRow> & Pick<NodeRunRow, 'node_id' | 'node_type'>): NodeRunRow => ({
  id: ++id,
  run_id: 'run_a',
  phase: 'execute',
  attempt: 1,
  status: 'succeeded',
  input: null,
  output: null,
  error: null,
  started_at: new Date('2026-12-01T10:00:00Z'),
  finished_at: new Date('2026-12-01T10:00:01Z'),
  item: -1,
  routes: null,
  detail: null,
  ...r,
});

const request = { method: 'POST', url: 'https://shop.example/orders', headers: { authorization: 'Bearer [secret:SHOP]' }, body: { sku: 'A-1' } };
const undo = { method: 'DELETE', url: 'https://shop.example/orders/o-7', headers: { authorization: 'Bearer [secret:SHOP]' } };

describe('nodeViews', () => {
  it('shows what each node got and what it sent: the prompt, the HTTP request, the port a route chose and why', () => {
    const views = nodeViews(undefined, [
      row({ node_id: 'ask', node_type: 'analysis.llm', input: { q: 'hi' }, output: { text: 'hello' }, detail: { prompt: { system: 'Be brief.', prompt: 'Answer hi', calls: 1 } } }),
      row({ node_id: 'order', node_type: 'execution.http', input: { sku: 'A-1' }, output: { status: 201 }, detail: { request } }),
      row({ node_id: 'triage', node_type: 'strategy.route', input: { size: 3 }, output: { size: 3 }, detail: { route: { port: 'fast', by: 'rule', index: 0, condition: 'size < 10' } } }),
    ], 'completed');
    expect(views).toEqual([
      expect.objectContaining({ id: 'ask', input: { q: 'hi' }, output: { text: 'hello' }, prompt: { system: 'Be brief.', prompt: 'Answer hi', calls: 1 } }),
      expect.objectContaining({ id: 'order', input: { sku: 'A-1' }, request }),
      expect.objectContaining({ id: 'triage', route: { port: 'fast', by: 'rule', index: 0, condition: 'size < 10' } }),
    ]);
    expect(views[0]).not.toHaveProperty('request');
    expect(views[1]).not.toHaveProperty('prompt');
  });

  it('takes the latest attempt: the failed request with the answer in its error', () => {
    const failed = { type: 'HttpStatusError', message: 'POST https://shop.example/orders answered 422', retryable: false, details: { status: 422, headers: {}, body: { error: 'sku unknown' } } };
    const [view] = nodeViews(undefined, [
      row({ node_id: 'order', node_type: 'execution.http', attempt: 1, status: 'failed', input: { n: 1 }, error: { type: 'HttpStatusError', message: 'answered 503', retryable: true }, detail: { request: { ...request, body: { sku: 'old' } } } }),
      row({ node_id: 'order', node_type: 'execution.http', attempt: 2, status: 'failed', input: { n: 2 }, error: failed, detail: { request } }),
    ], 'failed');
    expect(view).toMatchObject({ status: 'failed', attempts: 2, input: { n: 2 }, request, error: failed });
  });

  it('names the attempts that were lost, also those recorded as failed before `lost` existed', () => {
    const lost = { type: 'AttemptLost', message: 'attempt lost (worker stopped answering), retrying', retryable: true };
    const [view, old, plain] = nodeViews(undefined, [
      row({ node_id: 'charge', node_type: 'execution.http', attempt: 1, status: 'lost', error: lost }),
      row({ node_id: 'charge', node_type: 'execution.http', attempt: 2, status: 'running', finished_at: null }),
      row({ node_id: 'legacy', node_type: 'execution.http', attempt: 1, status: 'failed', error: { type: 'AttemptLost', message: 'the attempt stopped answering', retryable: true } }),
      row({ node_id: 'legacy', node_type: 'execution.http', attempt: 2 }),
      row({ node_id: 'plain', node_type: 'execution.http' }),
    ], 'running');
    expect(view).toMatchObject({ status: 'running', attempts: 2, lostAttempts: [1], error: null });
    expect(old).toMatchObject({ status: 'succeeded', attempts: 2, lostAttempts: [1] });
    expect(plain).not.toHaveProperty('lostAttempts');
  });

  it('shows the undo request and its answer beside the compensation', () => {
    const [view] = nodeViews(undefined, [
      row({ node_id: 'order', node_type: 'execution.http', output: { status: 201, body: { id: 'o-7' } }, detail: { request } }),
      row({ node_id: 'order', node_type: 'execution.http', phase: 'compensate', input: { status: 201 }, output: { status: 200, headers: {}, body: { deleted: true } }, detail: { request: undo } }),
    ], 'rolled_back');
    expect(view).toMatchObject({ status: 'compensated', request, compensation: { status: 'succeeded', attempts: 1, request: undo, output: { status: 200, body: { deleted: true } } } });
  });

  it('gives a node that did no attempt no input and no details', () => {
    const doc = { schemaVersion: 1, name: 'w', nodes: [{ id: 'later', type: 'execution.http', params: {}, position: { x: 0, y: 0 } }], edges: [], triggers: [], settings: { concurrency: 1 } };
    const [view] = nodeViews(doc as never, [], 'completed');
    expect(view).toEqual({ id: 'later', type: 'execution.http', status: 'skipped', attempts: 0, input: null, output: null, error: null, startedAt: null, finishedAt: null });
  });
});

describe('runTotals', () => {
  it('sums the tokens and cost of every call, failed ones included', () => {
    expect(runTotals([])).toEqual({ llmCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    const totals = runTotals([
      { input_tokens: 12, output_tokens: 5, cost_usd: 0.0000115 },
      { input_tokens: 0, output_tokens: 0, cost_usd: 0 },
      { input_tokens: 30, output_tokens: 9, cost_usd: 0.0000175 },
    ]);
    expect(totals).toEqual({ llmCalls: 3, inputTokens: 42, outputTokens: 14, costUsd: expect.closeTo(0.000029, 12) });
  });
});

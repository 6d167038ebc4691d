import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FINAL_RUN_STATUSES, type RunView, type WorkflowInput } from '@weft/schemas';
import { FakeLlm } from '@weft/nodes/testing/fake-llm';
import { createWorker, quietTemporalLogs } from '@weft/workers';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createRunStarter } from './runs/index.js';
import { BACKENDS, testDatabase, type TestDatabase } from '@weft/store/testing';
import { testConfig } from './testing/stack.js';
import { connectTemporal, type TemporalConnections } from './temporal/connect.js';
import { freePort } from './temporal/dev-server.js';
import { activityDeps, loadNodeTypes, type NodeTypes } from '@weft/workers/process';

const PRICING = { 'gpt-test': { inputPerMTok: 2, outputPerMTok: 8 } };

/** start → transform → llm → output. */
const WORKFLOW: WorkflowInput = {
  schemaVersion: 1,
  name: 'metrics probe',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'shape', type: 'analysis.transform', params: { expression: '$input.question' } },
    { id: 'ask', type: 'analysis.llm', params: { prompt: '{{ $input }}' } },
    { id: 'out', type: 'control.output', params: { value: '{{ $nodes.ask.output }}' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'shape' },
    { id: 'e2', source: 'shape', target: 'ask' },
    { id: 'e3', source: 'ask', target: 'out' },
  ],
};

/** The value of one series in Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe.each(BACKENDS)('operations endpoints on %s', (backend) => {
  const fake = new FakeLlm();
  let db: TestDatabase;
  let temporal: TemporalConnections;
  let worker: Worker;
  let running: Promise<void>;
  let metrics: Metrics;
  let types: NodeTypes;
  let app: ReturnType<typeof createApp>;
  let token: string;
  let taskQueue: string;

  beforeAll(async () => {
    quietTemporalLogs('ERROR');
    await fake.start();
    fake.script((req) => ({ text: `answer to ${req.prompt}`, usage: { input: 120, output: 30 } }));
    const config = testConfig({ WEFT_LLM_PROVIDERS: JSON.stringify([{ name: 'main', type: 'openai', baseUrl: `${fake.url}/main/v1`, model: 'gpt-test', pricing: PRICING }]) });
    db = await testDatabase(backend);
    temporal = await connectTemporal(inject('temporalAddress'), 'default', { worker: true });
    taskQueue = `test-${randomBytes(6).toString('hex')}`;
    types = await loadNodeTypes(config);
    metrics = createMetrics({ db: db.db });
    worker = await createWorker({ connection: temporal.native!, taskQueue, ...activityDeps(config, db.db, types, metrics) });
    running = worker.run();
    const runs = createRunStarter({ db: db.db, client: temporal.client, taskQueue, registry: types.registry });
    app = createApp({ db: db.db, registry: types.registry, runs, temporal: temporal.client, metrics });
    ({ token } = await createToken(db.db, { role: 'admin' }));
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await temporal?.close();
    await db?.close();
    await fake.close();
  });

  const call = (path: string, init: RequestInit = {}, as = token) => app.request(path, { ...init, headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json', ...init.headers } });

  it('is ready when the database and Temporal answer', async () => {
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: { ok: true }, temporal: { ok: true } } });
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('answers 503 naming temporal when Temporal does not answer', async () => {
    const closed = await freePort();
    const connection = Connection.lazy({ address: `127.0.0.1:${closed}` });
    const runs = createRunStarter({ db: db.db, client: temporal.client, taskQueue, registry: types.registry });
    const down = createApp({ db: db.db, registry: types.registry, runs, temporal: new Client({ connection }), metrics: createMetrics() });
    const started = Date.now();
    const res = await down.request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
    expect(body.status).toBe('degraded');
    expect(body.checks['database']).toEqual({ ok: true });
    expect(body.checks['temporal']!.ok).toBe(false);
    expect(body.checks['temporal']!.error).toMatch(/^Temporal does not answer: /);
    expect(Date.now() - started).toBeLessThan(5000);
    // Not closed: the client's retry timer of the refused call would then throw from a closed channel.
  });

  it('exposes request latency, runs by status, node durations and LLM usage after a real run', async () => {
    const created = await call('/api/workflows', { method: 'POST', body: JSON.stringify(WORKFLOW) });
    expect(created.status).toBe(201);
    const { id: workflowId } = (await created.json()) as { id: string };
    const started = await call(`/api/workflows/${workflowId}/runs`, { method: 'POST', body: JSON.stringify({ input: { question: 'why?' } }) });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    let run: RunView;
    for (let i = 0; ; i++) {
      run = (await (await call(`/api/runs/${runId}`)).json()) as RunView;
      if (FINAL_RUN_STATUSES.includes(run.status)) break;
      if (i > 600) throw new Error(`run still ${run.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run.status).toBe('completed');

    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    // The route pattern, not the run id: one series however many runs are read.
    expect(sample(text, 'weft_http_request_duration_seconds_count', { method: 'GET', route: '/api/runs/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(runId);
    expect(sample(text, 'weft_http_request_duration_seconds_count', { method: 'POST', route: '/api/workflows/:id/runs', status: '202' })).toBe(1);
    expect(sample(text, 'weft_runs', { workflow: workflowId, status: 'completed' })).toBe(1);
    expect(sample(text, 'weft_runs_started_total', { workflow: workflowId })).toBe(1);
    expect(sample(text, 'weft_node_duration_seconds_count', { type: 'analysis.transform', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'weft_node_duration_seconds_count', { type: 'analysis.llm', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'weft_node_duration_seconds_sum', { type: 'analysis.llm', status: 'succeeded' })).toBeGreaterThan(0);
    expect(sample(text, 'weft_llm_tokens_total', { provider: 'main', model: 'gpt-test', direction: 'input' })).toBe(120);
    expect(sample(text, 'weft_llm_tokens_total', { provider: 'main', model: 'gpt-test', direction: 'output' })).toBe(30);
    expect(sample(text, 'weft_llm_cost_usd_total', { provider: 'main', model: 'gpt-test' })).toBeCloseTo((120 * 2 + 30 * 8) / 1e6, 10);
  });

  it('answers 429 with Retry-After once a token spends its budget, and other tokens are unaffected', async () => {
    const runs = createRunStarter({ db: db.db, client: temporal.client, taskQueue, registry: types.registry });
    const limited = createApp({ db: db.db, registry: types.registry, runs, rateLimitPerMinute: 3, metrics: createMetrics() });
    const a = (await createToken(db.db, { role: 'viewer' })).token;
    const b = (await createToken(db.db, { role: 'viewer' })).token;
    const get = (as: string) => limited.request('/api/workflows', { headers: { authorization: `Bearer ${as}` } });
    for (let i = 0; i < 3; i++) expect((await get(a)).status).toBe(200);
    const over = await get(a);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(20);
    expect(await over.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('3 requests a minute'), issues: [] } });
    expect((await get(b)).status).toBe(200);
    // Public endpoints are not limited.
    expect((await limited.request('/healthz')).status).toBe(200);
  });

  it('answers 413 in the shared error shape when the body is too large', async () => {
    const runs = createRunStarter({ db: db.db, client: temporal.client, taskQueue, registry: types.registry });
    const small = createApp({ db: db.db, registry: types.registry, runs, maxBodyBytes: 1024, metrics: createMetrics() });
    const res = await small.request('/api/workflows', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...WORKFLOW, name: 'x'.repeat(4096) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'body_too_large', message: 'the request body is too large', issues: [] } });
  });
});

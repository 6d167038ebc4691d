import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeMetrics, serveMetrics, type MetricsEndpoint } from './metrics.js';

describe("a worker's metrics endpoint", () => {
  const metrics = createNodeMetrics();
  let endpoint: MetricsEndpoint;
  beforeAll(async () => {
    endpoint = await serveMetrics(metrics, '127.0.0.1', 0);
  });
  afterAll(() => endpoint.close());

  it('serves the node attempts the process ran, in Prometheus text format', async () => {
    metrics.onNodeAttempt('execution.http', 'succeeded', 0.02);
    const res = await fetch(`${endpoint.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('weft_node_duration_seconds_count{type="execution.http",status="succeeded"} 1');
  });

  it('answers /healthz, and says what it serves for any other path or method', async () => {
    expect(await (await fetch(`${endpoint.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const missing = await fetch(`${endpoint.url}/api/runs`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('/metrics and /healthz');
    expect((await fetch(`${endpoint.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView, WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

/**
 * One workflow must never stall Weft: hostile code and expressions run under the real stack (API
 * and worker in one process, as under `npm start`), while a second client asks `/healthz` every
 * 20 ms over real HTTP. Each case asserts how the node fails, that it was not retried, and how
 * long the longest `/healthz` answer took while it ran.
 */
describe.each(BACKENDS)('a hostile workflow on %s', (backend) => {
  let stack: Stack;
  let server: ServerType;
  let base: string;
  useStack(backend, (s) => (stack = s));
  beforeAll(async () => {
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: stack.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // What any first run costs this process once (the workflow bundle, the first sandbox task) is
    // not what these cases measure: a harmless run goes first.
    const warm = await stack.waitForRun(await stack.startRun(await stack.createWorkflow({ schemaVersion: 1, name: 'warm-up', nodes: [{ id: 'start', type: 'control.trigger' }, { id: 'code', type: 'execution.code', params: { code: 'return 1' } }, { id: 'calls', type: 'analysis.transform', params: { expression: '$string(1)' } }], edges: [{ id: 'e1', source: 'start', target: 'code' }, { id: 'e2', source: 'code', target: 'calls' }] })));
    expect(warm.status).toBe('completed');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs a workflow of `nodes` after a trigger, one after the other, watching `/healthz` throughout. */
  async function runWatched(nodes: WorkflowInput['nodes'], edges?: WorkflowInput['edges']): Promise<{ run: RunView; healthzMaxMs: number; healthzCount: number; rssGrowthMb: number }> {
    const doc: WorkflowInput = {
      schemaVersion: 1,
      name: `hostile ${Math.random().toString(36).slice(2, 8)}`,
      nodes: [{ id: 'start', type: 'control.trigger' }, ...nodes],
      edges: edges ?? nodes.map((n, i) => ({ id: `e${i}`, source: i === 0 ? 'start' : nodes[i - 1]!.id, target: n.id })),
    };
    const workflowId = await stack.createWorkflow(doc);
    const rssBefore = process.memoryUsage().rss;
    let watching = true;
    let healthzMaxMs = 0;
    let healthzCount = 0;
    const watcher = (async () => {
      while (watching) {
        const started = performance.now();
        const res = await fetch(`${base}/healthz`);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        healthzMaxMs = Math.max(healthzMaxMs, performance.now() - started);
        healthzCount++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const run = await stack.waitForRun(await stack.startRun(workflowId), 60_000);
    watching = false;
    await watcher;
    // Every case's figure comes from real answers taken while the node ran.
    expect(healthzCount).toBeGreaterThan(0);
    return { run, healthzMaxMs, healthzCount, rssGrowthMb: (process.memoryUsage().rss - rssBefore) / 2 ** 20 };
  }

  const code = (id: string, source: string, params: Record<string, unknown> = {}, policy: Record<string, unknown> = {}) => ({ id, type: 'execution.code', params: { code: source, ...params }, policy });
  const node = (run: RunView, id: string) => run.nodes.find((n) => n.id === id)!;

  it('stops a native loop inside a built-in at the code time limit (1)', async () => {
    const r = await runWatched([code('spin', 'return Array.prototype.indexOf.call({ length: 1e15 }, 1)', { timeoutMs: 100 })]);
    console.info(`[security] native loop: ${r.run.status}, ${node(r.run, 'spin').error?.type}, healthz max ${r.healthzMaxMs.toFixed(1)} ms over ${r.healthzCount} calls`);
    expect(r.run.status).toBe('failed');
    expect(node(r.run, 'spin')).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'CodeTimeout' } });
    expect(r.healthzMaxMs).toBeLessThan(200);
  });

  it('caps the memory of a code node: the process does not keep what it took (2)', async () => {
    const r = await runWatched([code('bomb', "const a = []; for (;;) a.push('x'.repeat(1 << 20))", { memoryMb: 32, timeoutMs: 20_000 })]);
    console.info(`[security] memory bomb: ${node(r.run, 'bomb').error?.type}, rss growth ${r.rssGrowthMb.toFixed(0)} MB, healthz max ${r.healthzMaxMs.toFixed(1)} ms`);
    expect(node(r.run, 'bomb')).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'CodeMemoryLimit' } });
    expect(r.rssGrowthMb).toBeLessThan(256);
    expect(r.healthzMaxMs).toBeLessThan(200);
  });

  it('runs a busy loop off the main thread: heartbeats go on, the node is not taken for lost (3)', async () => {
    // The heartbeat timeout is shorter than the loop: a blocked event loop would lose the attempt and retry it.
    const r = await runWatched([code('busy', 'for (;;) {}', { timeoutMs: 3000 }, { heartbeatTimeout: '1s', maxAttempts: 5, initialInterval: '100ms' })]);
    console.info(`[security] busy loop: ${node(r.run, 'busy').error?.type} after ${node(r.run, 'busy').attempts} attempt(s), healthz max ${r.healthzMaxMs.toFixed(1)} ms`);
    expect(node(r.run, 'busy')).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'CodeTimeout' } });
    expect(r.healthzMaxMs).toBeLessThan(200);
  });

  it('stops a catastrophic regex in a transform and in an edge condition at the expression limit (4)', async () => {
    const regex = "$match($pad('', 27, 'a') & '!', /(a+)+$/)";
    const inTransform = await runWatched([{ id: 'match', type: 'analysis.transform', params: { expression: regex } }]);
    console.info(`[security] regex in a transform: ${node(inTransform.run, 'match').error?.type}, healthz max ${inTransform.healthzMaxMs.toFixed(1)} ms`);
    expect(node(inTransform.run, 'match')).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'ExpressionTimeout' } });
    expect(inTransform.healthzMaxMs).toBeLessThan(200);

    const inEdge = await runWatched(
      [{ id: 'a', type: 'analysis.transform', params: { expression: '1' } }, { id: 'b', type: 'analysis.transform', params: { expression: '2' } }],
      [{ id: 'e0', source: 'start', target: 'a' }, { id: 'e1', source: 'a', target: 'b', when: `$exists(${regex})` }],
    );
    console.info(`[security] regex in an edge: ${node(inEdge.run, 'a').error?.type}, healthz max ${inEdge.healthzMaxMs.toFixed(1)} ms`);
    expect(node(inEdge.run, 'a')).toMatchObject({ status: 'failed', error: { type: 'ExpressionTimeout' } });
    expect(inEdge.healthzMaxMs).toBeLessThan(200);

    const big = await runWatched([{ id: 'pad', type: 'analysis.transform', params: { expression: "$length($pad('', 5e7, 'x'))" } }]);
    console.info(`[security] huge pad: ${node(big.run, 'pad').error?.type}, healthz max ${big.healthzMaxMs.toFixed(1)} ms`);
    expect(node(big.run, 'pad')).toMatchObject({ status: 'failed', attempts: 1, error: { type: expect.stringMatching(/^Expression(Timeout|MemoryLimit)$/) } });
    expect(big.healthzMaxMs).toBeLessThan(200);
  });

  it('fails deep recursion as a CodeError, and the next code node runs (5)', async () => {
    const r = await runWatched([code('deep', 'const f = (n) => f(n + 1) + 1; return f(0)', { timeoutMs: 5000 })]);
    expect(node(r.run, 'deep')).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'CodeError', message: expect.stringContaining('stack overflow') } });
    const after = await runWatched([code('fine', 'return 6 * 7')]);
    expect(after.run.status).toBe('completed');
    expect(node(after.run, 'fine').output).toBe(42);
  });
});

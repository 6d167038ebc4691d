import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { describeOnPostgres } from './testing/postgres-only.js';
import { Receiver } from './testing/receiver.js';
import { startStack } from './testing/stack.js';
import { spawnWorker, type WorkerProcess } from './testing/worker-process.js';
import { findTemporalCli, freePort, startDevServer, type DevServer } from './temporal/dev-server.js';

const RUNS = 30;
const KILLS = 5;
const HTTP_NODES = 4;
// Long enough per step that five kills land while runs are still going.

/** start → (http → transform) × 4 → output: 10 nodes, 4 of them side effects. */
function tenNodes(url: string): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [{ id: 'start', type: 'control.trigger' }];
  const edges: WorkflowInput['edges'] = [];
  let prev = 'start';
  for (let i = 1; i <= HTTP_NODES; i++) {
    const http = `call${i}`;
    nodes.push({
      id: http,
      type: 'execution.http',
      params: { method: 'POST', url: `${url}/step/${i}?delay=${1500 + i * 250}`, body: '{{ { "run": $run.id, "step": ' + i + ' } }}' },
      policy: { heartbeatTimeout: '2s', initialInterval: '200ms', maxInterval: '1s', maxAttempts: 50 },
    });
    edges.push({ id: `e-${http}`, source: prev, target: http });
    prev = http;
    const t = `note${i}`;
    nodes.push({ id: t, type: 'analysis.transform', params: { expression: `$input.body.effects` } });
    edges.push({ id: `e-${t}`, source: prev, target: t });
    prev = t;
  }
  nodes.push({ id: 'out', type: 'control.output', params: { value: '{{ $nodes.call4.output.body.id }}' } });
  edges.push({ id: 'e-out', source: prev, target: 'out' });
  return { schemaVersion: 1, name: 'crash test', nodes, edges };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Needs DATABASE_URL (skipped without it, failed without it on CI): this test needs a database two
// processes can hammer at once, and PGlite serves one process (the product never shares it; over
// a socket, concurrent queries from two processes interleave). `.ci/run` provides the server.
describeOnPostgres('crashes in the middle of 30 runs (needs the PostgreSQL server: DATABASE_URL)', () => {
  it(`every run completes after ${KILLS} worker kills and a Temporal restart, one idempotency key per run and node, no attempt after a success`, async () => {
    const backend = 'postgres' as const;
    const cli = findTemporalCli(process.env['TEMPORAL_CLI'])!;
    const dir = mkdtempSync(join(tmpdir(), 'weft-crash-'));
    // Its own dev server, on a file, at a fixed port: it is stopped and started again below.
    const port = await freePort();
    let temporal: DevServer = await startDevServer({ cli, port, dbFile: join(dir, 'temporal.db') });
    const stack = await startStack({ backend, temporalAddress: temporal.address, worker: false, shareable: true });
    const receiver = await new Receiver().start();
    const workers: WorkerProcess[] = [];
    const env = {
      DATABASE_URL: stack.db.url!,
      ...(stack.db.schema ? { DATABASE_SCHEMA: stack.db.schema } : {}),
      TEMPORAL_ADDRESS: temporal.address,
      WEFT_TASK_QUEUE: stack.taskQueue,
      WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1',
    };
    try {
      workers.push(await spawnWorker(env));
      const wf = await stack.createWorkflow(tenNodes(receiver.url));
      const runIds = await Promise.all(Array.from({ length: RUNS }, (_, i) => stack.startRun(wf, { order: i })));

      // Kill only once every run is under way: each has reached the receiver.
      for (let i = 0; i < 600 && receiver.keys.size < RUNS; i++) await sleep(100);
      let kills = 0;
      let restarts = 0;
      const progressAtKill: number[] = [];
      const unfinishedAtKill: number[] = [];
      const runningAtKill: number[] = [];
      for (let k = 0; k < KILLS; k++) {
        // Kill a worker that is working: wait for fresh progress (up to 5 s), then a random moment more.
        const seen = receiver.keys.size;
        for (let i = 0; i < 50 && receiver.keys.size < seen + 5; i++) await sleep(100);
        await sleep(200 + Math.floor(Math.random() * 1000));
        progressAtKill.push(receiver.keys.size);
        unfinishedAtKill.push(Number((await stack.db.db.selectFrom('run').select((eb) => eb.fn.countAll<string>().as('n')).where('id', 'in', runIds).where('status', 'in', ['queued', 'running']).executeTakeFirstOrThrow()).n));
        runningAtKill.push(Number((await stack.db.db.selectFrom('node_run').select((eb) => eb.fn.countAll<string>().as('n')).where('run_id', 'in', runIds).where('status', '=', 'running').executeTakeFirstOrThrow()).n));
        await workers.at(-1)!.kill('SIGKILL');
        kills++;
        if (k === 2) {
          // The Temporal server goes down too, and comes back on the same file and port.
          await temporal.stop();
          await sleep(1000);
          temporal = await startDevServer({ cli, port, dbFile: join(dir, 'temporal.db') });
          restarts++;
        }
        workers.push(await spawnWorker(env));
      }

      const runs = await Promise.all(runIds.map((id) => stack.waitForRun(id, 300_000)));
      const notDone = runs.filter((r) => r.status !== 'completed').map((r) => ({ id: r.id, status: r.status, error: r.error, nodes: r.nodes.filter((n) => n.status !== 'succeeded').map((n) => [n.id, n.status, n.error?.type, n.error?.message]) }));
      expect(notDone).toEqual([]);
      for (const r of runs) expect(r.output).toBe(`effect-${r.id}:call4`);
      // Every kill happened mid-run: runs were still going, and attempts were running on the worker.
      expect(progressAtKill[0]).toBeGreaterThanOrEqual(RUNS);
      for (const n of unfinishedAtKill) expect(n).toBeGreaterThan(0);
      expect(runningAtKill.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

      // Effects are applied once because the receiver applies each idempotency key's effect once,
      // whatever it is sent: its dedup hides repeated requests, so counting its effects proves
      // nothing about Weft. What Weft controls is the key: one per run and node, the same on every
      // attempt and retry after a kill, so a real service can dedup them.
      const expectedKeys = runIds.flatMap((id) => Array.from({ length: HTTP_NODES }, (_, i) => `${id}:call${i + 1}`));
      expect([...receiver.keys.keys()].sort()).toEqual(expectedKeys.sort());
      for (const request of receiver.log) {
        // The request of node call<i> (path /step/<i>) carries that node's key, never another's.
        const step = /^\/step\/(\d+)$/.exec(request.path)?.[1];
        expect(request.key.endsWith(`:call${step}`), `${request.path} sent with ${request.key}`).toBe(true);
      }

      // No node attempt was recorded after the node's recorded success, and each succeeded exactly once.
      const rows = await stack.db.db.selectFrom('node_run').select(['run_id', 'node_id', 'attempt', 'status', 'started_at', 'finished_at']).where('run_id', 'in', runIds).execute();
      const byNode = new Map<string, (typeof rows)[number][]>();
      for (const r of rows) byNode.set(`${r.run_id}/${r.node_id}`, [...(byNode.get(`${r.run_id}/${r.node_id}`) ?? []), r]);
      expect(byNode.size).toBe(RUNS * 10);
      let lost = 0;
      for (const [node, attempts] of byNode) {
        const ok = attempts.filter((a) => a.status === 'succeeded');
        const history = `${node}: ${JSON.stringify(attempts.map((x) => [x.attempt, x.status, x.started_at, x.finished_at]))}`;
        expect(ok, history).toHaveLength(1);
        const success = ok[0]!;
        expect(Math.max(...attempts.map((a) => a.attempt)), history).toBe(success.attempt);
        const later = attempts.filter((a) => a !== success && a.started_at.getTime() >= success.finished_at!.getTime());
        expect(later, history).toEqual([]);
        lost += attempts.length - 1;
      }
      const requests = receiver.log.length;
      console.log(
        `crash test (${backend}): ${RUNS} runs × 10 nodes, ${kills} worker kills, ${restarts} Temporal restart; ` +
          `at each kill: runs unfinished ${unfinishedAtKill.join(', ')}, attempts running ${runningAtKill.join(', ')}, effects requested ${progressAtKill.join(', ')} of ${RUNS * HTTP_NODES}; ${lost} attempts lost and retried; ${requests} requests for ${receiver.keys.size} keys`,
      );
    } finally {
      for (const w of workers) await w.kill();
      await receiver.close();
      await stack.stop();
      await temporal.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

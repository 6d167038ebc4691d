import { expect, inject, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { describeOnPostgres } from './testing/postgres-only.js';
import { Receiver } from './testing/receiver.js';
import { startStack } from './testing/stack.js';
import { spawnWorker, workerEnv, type WorkerProcess } from './testing/worker-process.js';

const RUNS = 20;
const STEPS = 3;

/** start → http × 3 (each ~0.6–0.9 s at the receiver) → output. */
function slowSteps(url: string): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [{ id: 'start', type: 'control.trigger' }];
  const edges: WorkflowInput['edges'] = [];
  let prev = 'start';
  for (let i = 1; i <= STEPS; i++) {
    const id = `call${i}`;
    nodes.push({
      id,
      type: 'execution.http',
      params: { method: 'POST', url: `${url}/step/${i}?delay=${600 + i * 100}`, body: '{{ { "run": $run.id, "step": ' + i + ' } }}' },
      policy: { heartbeatTimeout: '2s', initialInterval: '200ms', maxInterval: '1s', maxAttempts: 20 },
    });
    edges.push({ id: `e-${id}`, source: prev, target: id });
    prev = id;
  }
  nodes.push({ id: 'out', type: 'control.output', params: { value: `{{ $nodes.call${STEPS}.output.body.id }}` } });
  edges.push({ id: 'e-out', source: prev, target: 'out' });
  return { schemaVersion: 1, name: 'two workers', nodes, edges };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Needs DATABASE_URL for the same reason as the crash test: two worker processes and this one
// write one database at once, and PGlite serves one process.
describeOnPostgres('two worker processes on one task queue (needs the PostgreSQL server: DATABASE_URL)', () => {
  it(`share ${RUNS} runs, and the survivor finishes them all when the other is killed mid-load`, async () => {
    const began = Date.now();
    const stack = await startStack({ backend: 'postgres', temporalAddress: inject('temporalAddress'), worker: false, shareable: true });
    const receiver = await new Receiver().start();
    const env = workerEnv(stack, inject('temporalAddress'), { WEFT_METRICS_PORT: '0', WEFT_SHUTDOWN_GRACE_MS: '1000' });
    const workers: WorkerProcess[] = [];
    try {
      workers.push(...(await Promise.all([spawnWorker(env), spawnWorker(env)])));
      const [doomed, survivor] = workers as [WorkerProcess, WorkerProcess];
      const wf = await stack.createWorkflow(slowSteps(receiver.url));
      const runIds = await Promise.all(Array.from({ length: RUNS }, (_, i) => stack.startRun(wf, { order: i })));

      // Kill once every run has made its first call, while most second and third calls are still to come.
      for (let i = 0; i < 600 && receiver.keys.size < RUNS; i++) await sleep(50);
      const effectsAtKill = receiver.keys.size;
      await doomed.kill('SIGKILL');
      const killedAt = Date.now();

      const runs = await Promise.all(runIds.map((id) => stack.waitForRun(id, 180_000)));
      const finishedAt = Date.now();
      expect(runs.filter((r) => r.status !== 'completed').map((r) => [r.id, r.status, r.error])).toEqual([]);
      for (const r of runs) expect(r.output).toBe(`effect-${r.id}:call${STEPS}`);
      expect(effectsAtKill).toBeLessThan(RUNS * STEPS);

      // Who ran what: the identity (`<pid>@<host>`) of every workflow task completed and activity
      // started in the runs' histories. Workflow tasks count too: a run's status writes and light
      // nodes run inside them, and an activity retried after the kill records only its last attempt.
      const perWorker = new Map<number, number>();
      for (const id of runIds) {
        const history = await stack.temporal.client.workflow.getHandle(id).fetchHistory();
        for (const e of history.events ?? []) {
          const identity = e.activityTaskStartedEventAttributes?.identity ?? e.workflowTaskCompletedEventAttributes?.identity;
          if (!identity) continue;
          const pid = Number(identity.split('@')[0]);
          perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
        }
      }
      const byDoomed = perWorker.get(doomed.child.pid!) ?? 0;
      const bySurvivor = perWorker.get(survivor.child.pid!) ?? 0;
      expect([...perWorker.keys()].sort()).toEqual([doomed.child.pid!, survivor.child.pid!].sort());
      expect(byDoomed).toBeGreaterThan(0);
      expect(bySurvivor).toBeGreaterThan(0);
      // Every effect was applied once, though some attempts died with the killed worker.
      expect(receiver.keys.size).toBe(RUNS * STEPS);
      expect(new Set([...receiver.keys.values()].map((k) => k.effects))).toEqual(new Set([1]));
      console.log(
        `two workers: ${RUNS} runs × ${STEPS + 2} nodes; workflow tasks and activity starts: killed worker ${byDoomed}, survivor ${bySurvivor}; ` +
          `killed after ${effectsAtKill}/${RUNS * STEPS} effects, ${((killedAt - began) / 1000).toFixed(1)} s in; all runs completed ${((finishedAt - killedAt) / 1000).toFixed(1)} s after the kill`,
      );
    } finally {
      for (const w of workers) await w.kill();
      await receiver.close();
      await stack.stop();
    }
  }, 300_000);
});

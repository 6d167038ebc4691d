import { afterEach, describe, expect, inject, it } from 'vitest';
import { BACKENDS } from '@weft/store/testing';
import { Receiver } from './testing/receiver.js';
import { startStack, type Stack } from './testing/stack.js';
import { spawnWorker, workerEnv, type WorkerProcess } from './testing/worker-process.js';
import { chain } from './testing/workflows.js';

describe.each(BACKENDS)('a worker killed mid-run, on %s', (backend) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('is replaced by a new worker; the run completes with each effect applied once and the lost attempt on record', async () => {
    const address = inject('temporalAddress');
    const stack: Stack = await startStack({ backend, temporalAddress: address, worker: false, shareable: true });
    cleanup.push(() => stack.stop());
    const receiver = await new Receiver({ delayMs: 2500 }).start();
    cleanup.push(() => receiver.close());
    const env = workerEnv(stack, address);
    const workers: WorkerProcess[] = [];
    cleanup.push(async () => {
      for (const w of workers) await w.kill();
    });
    workers.push(await spawnWorker(env));

    const doc = chain('slow side effect', [
      { id: 'start', type: 'control.trigger' },
      { id: 'prepare', type: 'analysis.transform', params: { expression: '{ "amount": $input.amount }' } },
      {
        id: 'charge',
        type: 'execution.http',
        params: { method: 'POST', url: `${receiver.url}/charges`, body: '{{ $input }}' },
        // A short heartbeat timeout so the lost attempt is noticed within seconds.
        policy: { heartbeatTimeout: '2s', initialInterval: '200ms', maxAttempts: 5 },
      },
      { id: 'receipt', type: 'analysis.transform', params: { expression: '$input.body.id' } },
      { id: 'done', type: 'control.output' },
    ]);
    const runId = await stack.startRun(await stack.createWorkflow(doc), { amount: 42 });
    const key = `${runId}:charge`;

    // The charge request is in flight on the first worker: kill it without warning.
    await receiver.waitForKey(key);
    const killedPid = workers[0]!.child.pid;
    await workers[0]!.kill('SIGKILL');
    expect(workers[0]!.child.signalCode).toBe('SIGKILL');
    workers.push(await spawnWorker(env));
    expect(workers[1]!.child.pid).not.toBe(killedPid);

    const run = await stack.waitForRun(runId, 90_000);
    expect(run.status).toBe('completed');
    expect(run.output).toBe(`effect-${key}`);
    const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    // Nodes that had completed before the kill did not run again.
    expect(byId['start']).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(byId['prepare']).toMatchObject({ status: 'succeeded', attempts: 1 });
    // The in-flight node was retried with the same idempotency key...
    expect(byId['charge']!.status).toBe('succeeded');
    expect(byId['charge']!.attempts).toBeGreaterThanOrEqual(2);
    expect(byId['receipt']).toMatchObject({ status: 'succeeded', attempts: 1 });
    const record = receiver.keys.get(key)!;
    expect(record.requests).toBeGreaterThanOrEqual(2);
    // ...and the receiver applied its effect exactly once; no other key reached it.
    expect(record.effects).toBe(1);
    expect([...receiver.keys.keys()]).toEqual([key]);

    // The lost attempt is recorded as such, not left running, and the run's events say so
    // before the attempt that took over starts.
    const attempts = await stack.db.db.selectFrom('node_run').selectAll().where('run_id', '=', runId).where('node_id', '=', 'charge').orderBy('attempt').execute();
    const lostError = { type: 'AttemptLost', message: 'attempt lost (worker stopped answering), retrying' };
    expect(attempts[0]).toMatchObject({ attempt: 1, status: 'lost', error: lostError });
    expect(attempts[0]!.finished_at).not.toBeNull();
    expect(attempts.at(-1)).toMatchObject({ status: 'succeeded' });
    expect(byId['charge']!.lostAttempts).toEqual(attempts.filter((a) => a.status === 'lost').map((a) => a.attempt));
    const events = await stack.db.db.selectFrom('run_event').select(['type', 'attempt', 'data']).where('run_id', '=', runId).where('node_id', '=', 'charge').orderBy('id').execute();
    expect(events.map((e) => `${e.type}#${e.attempt}`).slice(0, 3)).toEqual(['started#1', 'lost#1', 'started#2']);
    expect(events[1]!.data).toMatchObject({ error: lostError });
    expect(events.filter((e) => e.type === 'lost')).toHaveLength(byId['charge']!.lostAttempts!.length);
  });
});

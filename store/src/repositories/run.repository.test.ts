import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, testDatabase, type TestDatabase } from '../testing/databases.js';
import { createWorkflow } from './workflow.repository.js';
import { finishNodeAttempt, insertRun, listEvents, listNodeRuns, recordNodeAttempt, startNodeAttempt } from './run.repository.js';

describe.each(BACKENDS)('recording node attempts (%s)', (backend) => {
  let database: TestDatabase;
  let n = 0;
  const newRun = async () => {
    const runId = `run_${backend}_${++n}`;
    await insertRun(database.db, { id: runId, workflowId: 'wf', version: 1, hash: 'h', input: {}, trigger: 'manual', createdBy: null });
    return runId;
  };
  const nodeEvents = async (runId: string) => (await listEvents(database.db, runId)).filter((e) => e.node_id !== null).map((e) => [e.type, e.node_id, e.attempt, e.item]);

  beforeAll(async () => {
    database = await testDatabase(backend);
    await createWorkflow(database.db, { id: 'wf', document: { schemaVersion: 1, name: 'wf', nodes: [], edges: [], groups: [], settings: { concurrency: 16 } } as never, hash: 'h', createdBy: null });
  });
  afterAll(async () => {
    await database.close();
  });

  it('records a start and an end with one event each, however often they are delivered', async () => {
    const runId = await newRun();
    const key = { runId, nodeId: 'a', attempt: 1 };
    await startNodeAttempt(database.db, { ...key, nodeType: 'analysis.transform', input: { x: 1 } });
    await startNodeAttempt(database.db, { ...key, nodeType: 'analysis.transform', input: { x: 1 } });
    const detail = { request: { method: 'GET', url: 'https://example.org/y', headers: { authorization: 'Bearer [secret:T]' } } };
    await finishNodeAttempt(database.db, { ...key, status: 'succeeded', output: { y: 2 }, routes: { falseEdges: [] }, detail });
    await finishNodeAttempt(database.db, { ...key, status: 'failed', error: { type: 'Late', message: 'late' } });
    expect(await nodeEvents(runId)).toEqual([
      ['started', 'a', 1, null],
      ['succeeded', 'a', 1, null],
    ]);
    const [row] = await listNodeRuns(database.db, runId);
    expect(row).toMatchObject({ status: 'succeeded', input: { x: 1 }, output: { y: 2 }, error: null, detail });
  });

  it('closes an attempt that never ended as lost, with one event before the next attempt starts, however often that start is delivered', async () => {
    const runId = await newRun();
    const lost = { type: 'AttemptLost', message: 'attempt lost (worker stopped answering), retrying', retryable: true };
    await startNodeAttempt(database.db, { runId, nodeId: 'a', attempt: 1, nodeType: 'execution.http', input: null });
    await finishNodeAttempt(database.db, { runId, nodeId: 'a', attempt: 1, status: 'failed', error: { type: 'HttpStatusError', message: '503' }, willRetry: true });
    await startNodeAttempt(database.db, { runId, nodeId: 'a', attempt: 2, nodeType: 'execution.http', input: null });
    const next = { runId, nodeId: 'a', attempt: 3, nodeType: 'execution.http', input: null };
    // Attempt 2's worker died: attempt 3 closes it; the failed attempt 1 still counts, the lost one not.
    expect(await startNodeAttempt(database.db, next)).toEqual({ failures: 1 });
    expect(await startNodeAttempt(database.db, next)).toEqual({ failures: 1 });
    // Its late end, should the attempt come back, changes nothing.
    await finishNodeAttempt(database.db, { runId, nodeId: 'a', attempt: 2, status: 'succeeded', output: 1 });
    expect(await nodeEvents(runId)).toEqual([
      ['started', 'a', 1, null],
      ['retrying', 'a', 1, null],
      ['started', 'a', 2, null],
      ['lost', 'a', 2, null],
      ['started', 'a', 3, null],
    ]);
    expect((await listEvents(database.db, runId)).find((e) => e.type === 'lost')?.data).toEqual({ error: lost });
    expect((await listNodeRuns(database.db, runId)).map((r) => [r.attempt, r.status, r.error])).toEqual([
      [1, 'failed', { type: 'HttpStatusError', message: '503' }],
      [2, 'lost', lost],
      [3, 'running', null],
    ]);
  });

  it('records a failed loop item with its error in the event', async () => {
    const runId = await newRun();
    const key = { runId, nodeId: 'each', attempt: 1, item: 3 };
    await startNodeAttempt(database.db, { ...key, nodeType: 'analysis.transform', input: 7 });
    await finishNodeAttempt(database.db, { ...key, status: 'failed', error: { type: 'ExpressionError', message: 'bad' }, willRetry: true });
    const events = await listEvents(database.db, runId);
    expect(events.filter((e) => e.node_id).map((e) => [e.type, e.item, e.data])).toEqual([
      ['started', 3, null],
      ['retrying', 3, { error: { type: 'ExpressionError', message: 'bad' } }],
    ]);
  });

  it('records a whole attempt at once: the row with its start time, then started and the end in order', async () => {
    const runId = await newRun();
    const startedAt = Date.now() - 1500;
    const detail = { route: { port: 'fast', by: 'rule' as const, index: 0, condition: 'size < 10' } };
    const attempt = { runId, nodeId: 'light', attempt: 1, nodeType: 'strategy.route', input: { x: 1 }, startedAt, status: 'succeeded' as const, output: 42, routes: { falseEdges: ['e2'] }, detail };
    await recordNodeAttempt(database.db, attempt);
    // A repeated delivery (the workflow task was retried) records nothing more.
    await recordNodeAttempt(database.db, { ...attempt, output: 43 });
    expect(await nodeEvents(runId)).toEqual([
      ['started', 'light', 1, null],
      ['succeeded', 'light', 1, null],
    ]);
    const [row] = await listNodeRuns(database.db, runId);
    expect(row).toMatchObject({ status: 'succeeded', output: 42, input: { x: 1 }, routes: { falseEdges: ['e2'] }, detail });
    expect(Math.abs(new Date(row!.started_at!).getTime() - startedAt)).toBeLessThan(5);
    expect(new Date(row!.finished_at!).getTime()).toBeGreaterThanOrEqual(startedAt + 1400);
  });

  it('records a whole failed attempt with its error', async () => {
    const runId = await newRun();
    await recordNodeAttempt(database.db, { runId, nodeId: 'bad', attempt: 1, nodeType: 'analysis.transform', input: null, startedAt: Date.now(), status: 'failed', error: { type: 'ExpressionError', message: 'no' }, willRetry: false });
    const events = await listEvents(database.db, runId);
    expect(events.filter((e) => e.node_id).map((e) => [e.type, e.data])).toEqual([
      ['started', null],
      ['failed', { error: { type: 'ExpressionError', message: 'no' } }],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '@weft/schemas';
import { createApp } from '../app.js';
import { createToken } from '../auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { recordLlmCall } from '@weft/store/repositories/llm.repository';
import { finishNodeAttempt, insertRun, putBlob, recordNodeAttempt, startNodeAttempt } from '@weft/store/repositories/run.repository';
import { createWorkflow } from '@weft/store/repositories/workflow.repository';
import { runsWithoutTemporal } from '../testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';

describe('GET /api/runs/:id', () => {
  let database: OpenDatabase;
  let app: ReturnType<typeof createApp>;
  let token = '';
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite' });
    app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_test') });
    token = (await createToken(database.db, { role: 'viewer' })).token;
  });
  afterAll(async () => {
    await database.close();
  });

  it('shows inputs kept as stored values in full, the recorded details, and the run totals', async () => {
    const db = database.db;
    const document = {
      schemaVersion: 1,
      name: 'w',
      nodes: [
        { id: 'a', type: 'analysis.transform', params: { expression: '$' }, position: { x: 0, y: 0 } },
        { id: 'b', type: 'analysis.transform', params: { expression: '$' }, position: { x: 0, y: 0 } },
        { id: 'join', type: 'control.merge', params: {}, position: { x: 0, y: 0 } },
        { id: 'ask', type: 'analysis.llm', params: { prompt: 'x' }, position: { x: 0, y: 0 } },
      ],
      edges: [],
      triggers: [],
      settings: { concurrency: 1 },
    };
    await createWorkflow(db, { id: 'wf_view', document: document as never, hash: 'h', createdBy: null });
    const runId = 'run_view1';
    await insertRun(db, { id: runId, workflowId: 'wf_view', version: 1, hash: 'h', input: {}, trigger: 'manual', createdBy: null });
    const big = { rows: Array.from({ length: 3 }, (_, i) => ({ i })) };
    const ref = { $weftBlob: await putBlob(db, runId, 'a', big), bytes: 100 };
    await recordNodeAttempt(db, { runId, nodeId: 'a', attempt: 1, nodeType: 'analysis.transform', input: ref, startedAt: Date.now(), status: 'succeeded', output: ref });
    await recordNodeAttempt(db, { runId, nodeId: 'join', attempt: 1, nodeType: 'control.merge', input: { a: ref, b: 2 }, startedAt: Date.now(), status: 'succeeded', output: null });
    await startNodeAttempt(db, { runId, nodeId: 'ask', attempt: 1, nodeType: 'analysis.llm', input: { q: 'hi' } });
    await finishNodeAttempt(db, { runId, nodeId: 'ask', attempt: 1, status: 'succeeded', output: { text: 'ok' }, detail: { prompt: { prompt: 'Say hi', calls: 2 } } });
    await recordLlmCall(db, { runId, nodeId: 'ask', attempt: 1, provider: 'p', model: 'm', inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 3, error: 'HTTP 500' });
    await recordLlmCall(db, { runId, nodeId: 'ask', attempt: 1, provider: 'q', model: 'm', inputTokens: 12, outputTokens: 5, costUsd: 0.000029, latencyMs: 9 });

    const res = await app.request(`/api/runs/${runId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const view = (await res.json()) as RunView;
    const node = (nodeId: string) => view.nodes.find((n) => n.id === nodeId)!;
    expect(node('a')).toMatchObject({ input: big, output: big });
    expect(node('join').input).toEqual({ a: big, b: 2 });
    expect(node('b')).toMatchObject({ status: 'pending', input: null });
    expect(node('ask')).toMatchObject({ input: { q: 'hi' }, prompt: { prompt: 'Say hi', calls: 2 }, llm: [{ provider: 'p' }, { provider: 'q' }] });
    expect(view.totals).toEqual({ llmCalls: 2, inputTokens: 12, outputTokens: 5, costUsd: 0.000029 });
  });
});

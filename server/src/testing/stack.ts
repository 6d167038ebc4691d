import { randomBytes } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { FINAL_RUN_STATUSES, type RunView, type WorkflowInput } from '@weft/schemas';
import { createWorker, quietTemporalLogs } from '@weft/workers';
import { createApp } from '../app.js';
import { createToken, type Role } from '../auth/tokens.js';
import { createRunStarter } from '../runs/index.js';
import { loadConfig, type Config } from '../config.js';
import { connectTemporal, type TemporalConnections } from '../temporal/connect.js';
import { testDatabase, type Backend, type TestDatabase } from '@weft/store/testing';
import { activityDeps, configuredEmbedders, loadNodeTypes, configuredSecretKey } from '@weft/workers/process';

/** A whole Weft (API, database, worker on its own task queue) against a real Temporal server. */
export interface Stack {
  readonly db: TestDatabase;
  readonly temporal: TemporalConnections;
  readonly taskQueue: string;
  readonly app: ReturnType<typeof createApp>;
  readonly token: string;
  /** Calls the API in process, as the admin token unless another is given. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: any }>;
  tokenFor(role: Role): Promise<string>;
  /** Stores a workflow and returns its id. */
  createWorkflow(doc: WorkflowInput): Promise<string>;
  /** Starts a run and returns its id. */
  startRun(workflowId: string, input?: unknown): Promise<string>;
  /** Polls until the run reaches a final status. */
  waitForRun(runId: string, timeoutMs?: number): Promise<RunView>;
  stop(): Promise<void>;
}

/** The configuration of a test stack: loopback open to outbound HTTP, a random secret key, plus what a test sets. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1', WEFT_LOG_LEVEL: 'warn', WEFT_SECRET_KEY: randomBytes(32).toString('base64'), ...env });
}

/** Starts a stack; with `worker: false` no worker runs in this process (a test runs its own). */
export async function startStack(o: { backend: Backend; temporalAddress: string; worker?: boolean; shareable?: boolean; env?: Record<string, string> }): Promise<Stack> {
  // Tests provoke failures on purpose; the SDK's warnings about them would only be noise.
  quietTemporalLogs('ERROR');
  const db = await testDatabase(o.backend, { shareable: o.shareable ?? false });
  const withWorker = o.worker ?? true;
  const temporal = await connectTemporal(o.temporalAddress, 'default', { worker: withWorker });
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  // The tests' HTTP services listen on loopback, which the SSRF guard opens for them only.
  const config = testConfig(o.env);
  const types = await loadNodeTypes(config);
  const { registry } = types;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (withWorker) {
    worker = await createWorker({ connection: temporal.native!, taskQueue, ...activityDeps(config, db.db, types) });
    running = worker.run();
  }
  const runs = createRunStarter({ db: db.db, client: temporal.client, taskQueue, registry });
  const app = createApp({ db: db.db, registry, runs, temporal: temporal.client, taskQueue, secretKey: configuredSecretKey(config), embedders: configuredEmbedders(config) });
  const { token } = await createToken(db.db, { role: 'admin' });

  const api: Stack['api'] = async (method, path, body, as = token) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  return {
    db,
    temporal,
    taskQueue,
    app,
    token,
    api,
    tokenFor: async (role) => (await createToken(db.db, { role })).token,
    async createWorkflow(doc) {
      const res = await api('POST', '/api/workflows', doc);
      if (res.status !== 201) throw new Error(`create workflow: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.id as string;
    },
    async startRun(workflowId, input = {}) {
      const res = await api('POST', `/api/workflows/${workflowId}/runs`, { input });
      if (res.status !== 202) throw new Error(`start run: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.runId as string;
    },
    async waitForRun(runId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await api('GET', `/api/runs/${runId}`);
        const run = res.json as RunView;
        if (FINAL_RUN_STATUSES.includes(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run.nodes)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (worker) {
        worker.shutdown();
        await running;
      }
      await temporal.close();
      await db.close();
    },
  };
}

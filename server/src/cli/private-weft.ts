import { randomBytes } from 'node:crypto';
import { NodeError } from '@weft/nodes';
import { createWorker, quietTemporalLogs } from '@weft/workers';
import { createApp } from '../app.js';
import { createToken } from '../auth/tokens.js';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '@weft/store';
import { createRunStarter } from '../runs/index.js';
import { listen } from '../runtime/http.js';
import { connectTemporal } from '../temporal/connect.js';
import { findTemporalCli, NO_TEMPORAL_CLI, startDevServer } from '../temporal/dev-server.js';
import { ApiClient } from './client.js';
import { RecordedLlm, type RecordedAnswers } from './recorded-llm.js';
import type { RecordedHttp, WorkflowTestFile } from './workflow-tests.js';
import { configuredSecretKey, activityDeps, configuredEmbedders, configuredMcp, loadNodeTypes } from '@weft/workers/process';

/**
 * A throwaway Weft for test files with recorded answers: a Temporal dev server and a database
 * in memory, a worker and the API in this process. Its LLM nodes get the case's recorded
 * answers and its HTTP requests the file's recorded ones; nothing reaches the network.
 */
export interface PrivateWeft {
  /** A client of its API, as an admin. */
  readonly api: ApiClient;
  /** Gives it a file's fixtures: its recorded HTTP answers from now on, its secrets and collections. */
  prepare(spec: WorkflowTestFile): Promise<void>;
  /** The recorded LLM answers of the case about to run; `runId` once the run has started. */
  play(answers: RecordedAnswers, runId?: string): void;
  stop(): Promise<void>;
}

/** Starts a private Weft; needs the `temporal` CLI, as `weft start` does. */
export async function startPrivateWeft(): Promise<PrivateWeft> {
  const cli = findTemporalCli(process.env['TEMPORAL_CLI']);
  if (!cli) throw new ConfigError(NO_TEMPORAL_CLI);
  // Request lines and the SDK's warnings about failures a test provokes would bury the results.
  quietTemporalLogs('ERROR');
  const config = loadConfig({ WEFT_LOG_LEVEL: 'warn', ...process.env, WEFT_SECRET_KEY: randomBytes(32).toString('base64') });
  const types = await loadNodeTypes(config);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const llm = await new RecordedLlm().start();
    stops.push(() => llm.close());
    const dev = await startDevServer({ cli, port: 0 });
    stops.push(() => dev.stop());
    const database = await openDatabase({ kind: 'pglite' });
    stops.push(() => database.close());
    const temporal = await connectTemporal(dev.address, 'default', { worker: true });
    stops.push(() => temporal.close());

    let http: readonly RecordedHttp[] = [];
    const taskQueue = 'weft-test';
    const worker = await createWorker({
      connection: temporal.native!,
      taskQueue,
      ...activityDeps(config, database.db, types),
      fetch: recordedFetch(() => http),
      llm: llm.gateway(),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    const { registry } = types;
    const runs = createRunStarter({ db: database.db, client: temporal.client, taskQueue, registry, localActivities: config.WEFT_LOCAL_ACTIVITIES });
    const app = createApp({
      db: database.db,
      registry,
      runs,
      temporal: temporal.client,
      taskQueue,
      rateLimitPerMinute: 0,
      secretKey: configuredSecretKey(config),
      embedders: configuredEmbedders(config),
      mcp: configuredMcp(config),
    });
    const server = await listen(app.fetch, '127.0.0.1', 0);
    stops.push(() => server.close(1000));
    const api = new ApiClient(server.url, (await createToken(database.db, { role: 'admin' })).token);

    return {
      api,
      async prepare(spec) {
        http = spec.http ?? [];
        for (const [name, secret] of Object.entries(spec.secrets ?? {})) await api.request('PUT', `/api/secrets/${encodeURIComponent(name)}`, { value: secret.value, hosts: secret.hosts });
        for (const [name, documents] of Object.entries(spec.collections ?? {})) {
          const exists = await api.request('GET', `/api/collections/${encodeURIComponent(name)}`).then(
            () => true,
            () => false,
          );
          if (!exists) await api.request('POST', '/api/collections', { name });
          await api.request('POST', `/api/collections/${encodeURIComponent(name)}/documents`, { documents });
        }
      },
      play: (answers, runId) => llm.play(answers, runId),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The worker's outbound HTTP in a private Weft: the recorded answer of the same method and URL,
 * else a non-retryable error naming the request, so a test never depends on the network.
 */
export function recordedFetch(answers: () => readonly RecordedHttp[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url).href;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const found = answers().find((a) => a.method === method && a.url === url);
    if (!found) throw new NodeError('NotRecorded', `weft test runs offline and has no recorded answer for ${method} ${url} (add one to "http" in the test file)`, false);
    const text = found.body === undefined ? null : typeof found.body === 'string' ? found.body : JSON.stringify(found.body);
    const headers = new Headers(text === null ? {} : { 'content-type': typeof found.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
    for (const [k, v] of Object.entries(found.headers)) headers.set(k, v);
    const empty = method === 'HEAD' || found.status === 204 || found.status === 304;
    return new Response(empty ? null : text, { status: found.status, headers });
  };
}

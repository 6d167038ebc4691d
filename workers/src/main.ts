import { DefaultLogger, NativeConnection, Runtime, type Logger, type Worker } from '@temporalio/worker';
import type { Db } from '@weft/store';
import { log } from './process/log.js';
import { loadWorkerConfig, requireServices, type WorkerConfig } from './process/config.js';
import { openConfiguredDatabase } from './process/database.js';
import { createNodeMetrics, serveMetrics, type NodeMetrics } from './process/metrics.js';
import { withSecretKey } from './process/secret-key.js';
import { activityDeps, loadNodeTypes, type NodeTypes } from './process/services.js';
import { untilSignal } from './process/signals.js';
import { createWorker, type WeftWorkerOptions } from './worker.js';

/** Levels of the process log the Temporal runtime writes into. */
export type WorkerLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the Temporal runtime's messages and node logs go: the process's own log. */
export type WorkerLogSink = (level: WorkerLogLevel, message: string, meta: Record<string, unknown>) => void;

let runtimeInstalled = false;

/**
 * Installs the Temporal runtime once: its logging down to warnings (or into `logger`, which
 * also receives activity logs), and no signal handlers of its own, so the process stops in its
 * own order (HTTP, worker, connections, database, dev server). Says whether this call installed it.
 */
export function installTemporalRuntime(level: 'WARN' | 'ERROR', logger: Logger): boolean {
  if (runtimeInstalled) return false;
  runtimeInstalled = true;
  // The SDK's native core logs (connection retries among them) go through `logger` too, so the
  // log stays one JSON object per line instead of coloured console text.
  Runtime.install({ logger, shutdownSignals: [], telemetryOptions: { logging: { forward: {}, filter: { core: level, other: 'ERROR' } } } });
  return true;
}

/**
 * The Temporal runtime's logger, into `sink`: node logs (they carry `runId` and `nodeId`) at every
 * level, the SDK's own messages from `sdkLevel` up.
 */
export function temporalLogger(sink: WorkerLogSink, sdkLevel: 'WARN' | 'ERROR' = 'WARN'): Logger {
  const rank = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 } as const;
  const to = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  return new DefaultLogger('DEBUG', (entry) => {
    const meta = entry.meta ?? {};
    const fromNode = typeof meta['nodeId'] === 'string';
    if (!fromNode && rank[entry.level] < rank[sdkLevel]) return;
    sink(to[entry.level], entry.message, { ...meta, source: fromNode ? 'node' : 'temporal' });
  });
}

/** Options of a worker process: a Weft worker's, with where Temporal is instead of a connection. */
export interface WorkerProcessOptions extends Omit<WeftWorkerOptions, 'connection'> {
  /** Temporal's frontend, `host:port`. */
  readonly address: string;
}

/** A worker polling its task queue, with the connection it owns. */
export interface RunningWorker {
  readonly worker: Worker;
  /** Settles when the worker has stopped: after `stop()`, or by itself on a fatal error (it rejects then). */
  readonly done: Promise<void>;
  /**
   * Stops polling; running node attempts get `shutdownGraceMs` to finish, then are cancelled (and
   * retried elsewhere). `draining` is called when there were attempts to let finish. Closes the
   * connection once the worker has stopped.
   */
  stop(draining?: () => void): Promise<void>;
}

/**
 * Connects to Temporal and starts a worker running `runGraph` and the node activities: what
 * `weft worker` runs, and what the embedded `weft start` runs beside the API.
 */
export async function startWorker(options: WorkerProcessOptions): Promise<RunningWorker> {
  const { address, ...rest } = options;
  const connection = await NativeConnection.connect({ address });
  let worker: Worker;
  try {
    worker = await createWorker({ ...rest, connection });
  } catch (e) {
    await connection.close();
    throw e;
  }
  const done = worker.run();
  return {
    worker,
    done,
    async stop(draining) {
      if (worker.getState() === 'RUNNING') {
        draining?.();
        worker.shutdown();
      }
      await done.finally(() => connection.close());
    },
  };
}

/**
 * Installs the Temporal runtime once, its logs into the process's JSON log from `level` up (or
 * into `logger`, which also receives activity logs). Says whether this call installed it.
 */
export function quietTemporalLogs(level: 'WARN' | 'ERROR' = 'WARN', logger: Logger = temporalLogger((at, message, meta) => log[at](message, meta), level)): boolean {
  return installTemporalRuntime(level, logger);
}

/** Starts a worker on `address` with the node activities the configuration describes, recording into `db`. */
export function startConfiguredWorker(config: WorkerConfig, address: string, db: Db, types: NodeTypes, metrics?: Pick<NodeMetrics, 'onNodeAttempt'>): Promise<RunningWorker> {
  return startWorker({
    address,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.WEFT_TASK_QUEUE,
    shutdownGraceMs: config.WEFT_SHUTDOWN_GRACE_MS,
    ...activityDeps(config, db, types, metrics),
  });
}

/**
 * `weft worker`: a worker against DATABASE_URL and TEMPORAL_ADDRESS (the caller has checked both
 * are set), with /metrics on WEFT_METRICS_PORT, until `until` settles or it stops by itself.
 */
export async function runWorker(config: WorkerConfig & { readonly TEMPORAL_ADDRESS: string }, until: () => Promise<void>): Promise<number> {
  quietTemporalLogs();
  const types = await loadNodeTypes(config);
  const database = await openConfiguredDatabase(config);
  // Node durations only: the run and LLM series come from the API's /metrics (counted once, from the database).
  const metrics = createNodeMetrics({ defaults: true });
  const w = await startConfiguredWorker(config, config.TEMPORAL_ADDRESS, database.db, types, metrics);
  const endpoint = config.WEFT_METRICS_PORT ? await serveMetrics(metrics, config.WEFT_HOST, config.WEFT_METRICS_PORT) : undefined;
  log.info(`worker polling task queue "${config.WEFT_TASK_QUEUE}" (pid ${process.pid})`, { taskQueue: config.WEFT_TASK_QUEUE, ...(endpoint ? { metrics: `${endpoint.url}/metrics` } : {}) });
  await Promise.race([until(), w.done]);
  await w.stop(() => log.info(`stopping: running node attempts have ${config.WEFT_SHUTDOWN_GRACE_MS} ms to finish`));
  await endpoint?.close();
  await database.close();
  log.info('stopped');
  return 0;
}

/** `weft worker` (and `weft-worker`): a worker configured from the environment, until `until` settles (SIGINT or SIGTERM by default). */
export async function workerMain(until: () => Promise<void> = untilSignal): Promise<number> {
  // A worker reads only its own variables.
  return runWorker(withSecretKey(requireServices(loadWorkerConfig()), { embedded: false }), until);
}

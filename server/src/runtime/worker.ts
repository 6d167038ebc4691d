import type { Logger } from '@temporalio/worker';
import type { Db } from '@weft/store';
import { installTemporalRuntime, startWorker, temporalLogger, type RunningWorker } from '@weft/workers';
import type { Config } from '../config.js';
import { log } from '../log.js';
import { createMetrics, metricsApp, type Metrics } from '../metrics.js';
import { activityDeps, loadNodeTypes, type NodeTypes } from '../services.js';
import { openConfiguredDatabase } from './database.js';
import { listen } from './http.js';

/**
 * Installs the Temporal runtime once, its logs into the process's JSON log from `level` up (or
 * into `logger`, which also receives activity logs). Says whether this call installed it.
 */
export function quietTemporalLogs(level: 'WARN' | 'ERROR' = 'WARN', logger: Logger = temporalLogger((at, message, meta) => log[at](message, meta), level)): boolean {
  return installTemporalRuntime(level, logger);
}

/** Starts a worker on `address` with the node activities the configuration describes, recording into `db`. */
export function startConfiguredWorker(config: Config, address: string, db: Db, types: NodeTypes, metrics?: Metrics): Promise<RunningWorker> {
  return startWorker({
    address,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.WEFT_TASK_QUEUE,
    shutdownGraceMs: config.WEFT_SHUTDOWN_GRACE_MS,
    ...activityDeps(config, db, types, metrics),
  });
}

/** `weft worker`: a worker against DATABASE_URL and TEMPORAL_ADDRESS, until `until` settles or it stops by itself. */
export async function runWorker(config: Config, until: () => Promise<void>): Promise<number> {
  quietTemporalLogs();
  const types = await loadNodeTypes(config);
  const database = await openConfiguredDatabase(config);
  // Node durations only: the run and LLM series come from the API's /metrics (counted once, from the database).
  const metrics = createMetrics({ defaults: true });
  const w = await startConfiguredWorker(config, config.TEMPORAL_ADDRESS!, database.db, types, metrics);
  const metricsHttp = config.WEFT_METRICS_PORT ? await listen(metricsApp(metrics).fetch, config.WEFT_HOST, config.WEFT_METRICS_PORT) : undefined;
  log.info(`worker polling task queue "${config.WEFT_TASK_QUEUE}" (pid ${process.pid})`, { taskQueue: config.WEFT_TASK_QUEUE, ...(metricsHttp ? { metrics: `${metricsHttp.url}/metrics` } : {}) });
  await Promise.race([until(), w.done]);
  await w.stop(() => log.info(`stopping: running node attempts have ${config.WEFT_SHUTDOWN_GRACE_MS} ms to finish`));
  await metricsHttp?.close(1000);
  await database.close();
  log.info('stopped');
  return 0;
}

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { DefaultLogger, Runtime, type Logger, type NativeConnection, type Worker } from '@temporalio/worker';
import type { NodeRegistry } from '@weft/nodes';
import { validateWorkflow } from '@weft/schemas';
import { createWorker } from '@weft/workers';
import { startApiProcess } from './api-process.js';
import { createApp } from './app.js';
import { preparePrivateDir } from './data-dir.js';
import type { Config } from './config.js';
import { ConfigError } from './config.js';
import { openDatabase, type Db, type OpenDatabase } from './db/database.js';
import { createWorkflow, findWorkflowIdByName } from './db/repositories/workflow.repository.js';
import { countActiveTokens } from './db/repositories/token.repository.js';
import { log } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { workflowHash } from './routes/workflows.js';
import { createRunStarter } from './runs.js';
import { startRunReconciler } from './run-reconciler.js';
import { activityDeps, configuredEmbedders, configuredMcp, loadNodeTypes, type NodeTypes } from './services.js';
import { configuredSecretKey, withSecretKey } from './secrets/key.js';
import { connectTemporal, type TemporalConnections } from './temporal/connect.js';
import { findTemporalCli, freePort, NO_TEMPORAL_CLI, superviseDevServer, type SupervisedDevServer } from './temporal/dev-server.js';
import { isRunning, ownStartTime } from './os/processes.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The editor's production build, served by the API process. */
export const EDITOR_DIR = join(ROOT, 'editor', 'dist');
/** Example workflows shipped with Weft. */
export const EXAMPLES_DIR = join(ROOT, 'examples');

let runtimeInstalled = false;
/**
 * Installs the Temporal runtime once: its logging down to warnings (or into `logger`, which
 * also receives activity logs), and no signal handlers of its own, so shutdown runs in our
 * order (HTTP, worker, connections, database, dev server). Says whether this call installed it.
 */
export function quietTemporalLogs(level: 'WARN' | 'ERROR' = 'WARN', logger: Logger = temporalLogger(level)): boolean {
  if (runtimeInstalled) return false;
  runtimeInstalled = true;
  // The SDK's native core logs (connection retries among them) go through `logger` too, so the
  // log stays one JSON object per line instead of coloured console text.
  Runtime.install({ logger, shutdownSignals: [], telemetryOptions: { logging: { forward: {}, filter: { core: level, other: 'ERROR' } } } });
  return true;
}

/**
 * The Temporal runtime's logger, into the process's JSON log: node logs (they carry `runId` and
 * `nodeId`) at the process's level, the SDK's own messages from `sdkLevel` up.
 */
export function temporalLogger(sdkLevel: 'WARN' | 'ERROR' = 'WARN'): Logger {
  const rank = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 } as const;
  const to = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  return new DefaultLogger('DEBUG', (entry) => {
    const meta = entry.meta ?? {};
    const fromNode = typeof meta['nodeId'] === 'string';
    if (!fromNode && rank[entry.level] < rank[sdkLevel]) return;
    log[to[entry.level]](entry.message, { ...meta, source: fromNode ? 'node' : 'temporal' });
  });
}

/** Opens the configured database: PostgreSQL at DATABASE_URL, else PGlite under the data dir. */
export function openConfiguredDatabase(config: Config): Promise<OpenDatabase> {
  return config.DATABASE_URL
    ? openDatabase({
        kind: 'postgres',
        url: config.DATABASE_URL,
        maxConnections: config.DATABASE_MAX_CONNECTIONS,
        ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
      })
    : openDatabase({ kind: 'pglite', dataDir: join(config.WEFT_DATA_DIR, 'pgdata') });
}

/** Creates a worker on the task queue, recording into `db`. */
export function buildWorker(config: Config, db: Db, connection: NativeConnection, types: NodeTypes, taskQueue = config.WEFT_TASK_QUEUE, metrics?: Metrics): Promise<Worker> {
  return createWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, shutdownGraceMs: config.WEFT_SHUTDOWN_GRACE_MS, ...activityDeps(config, db, types, metrics) });
}

/** Serves a fetch handler over HTTP and resolves once it listens. */
export function listen(
  fetchHandler: (req: Request) => Response | Promise<Response>,
  host: string,
  port: number,
): Promise<{ server: ServerType; url: string; close(graceMs?: number): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: fetchHandler, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        server,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        // Stops accepting, lets in-flight requests finish, then cuts what is left (event streams) after the grace period.
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const late = setTimeout(() => (server as Partial<Server>).closeAllConnections?.(), graceMs);
            server.close(() => {
              clearTimeout(late);
              done();
            });
            (server as Partial<Server>).closeIdleConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}

/** Imports the shipped examples that are not stored yet (matched by name). */
export async function seedExamples(db: Db, registry: NodeRegistry, dir = EXAMPLES_DIR): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const added: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const result = validateWorkflow(JSON.parse(readFileSync(join(dir, file), 'utf8')), registry);
    if (!result.ok) {
      log.warn(`example ${file} is not valid and was not loaded: ${result.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
      continue;
    }
    if (await findWorkflowIdByName(db, result.document.name)) continue;
    const id = `wf_${randomBytes(8).toString('hex')}`;
    await createWorkflow(db, { id, document: result.document, hash: workflowHash(result.document), createdBy: null });
    added.push(result.document.name);
  }
  return added;
}

/** The file through which the `weft` command finds a running embedded instance. */
export interface ControlFile {
  readonly pid: number;
  readonly url: string;
  readonly key: string;
  /** The process's start time (see `ProcessInfo.startTime`), so a later process given the same pid is not taken for it. */
  readonly startTime?: number;
}

/** Path of the control file in a data dir. */
export function controlFilePath(dataDir: string): string {
  return join(dataDir, 'control.json');
}

/** The running embedded instance of this data dir, if there is one. */
export function runningInstance(dataDir: string): ControlFile | undefined {
  const path = controlFilePath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as ControlFile;
    // A zombie (killed, not yet reaped) or another process given the same pid is not Weft.
    return isRunning(c.pid, c.startTime) ? c : undefined;
  } catch {
    return undefined; // an unreadable file
  }
}

/** A running embedded Weft: Temporal dev server, database, worker, API and editor in one process. */
export interface Embedded {
  readonly url: string;
  readonly temporalAddress: string;
  /** Whether this process started the Temporal dev server (no TEMPORAL_ADDRESS given). */
  readonly devServer: boolean;
  readonly temporalUiUrl?: string;
  /** Settles when the Temporal dev server kept exiting and supervision gave up: stop, and exit non-zero. */
  readonly fatal: Promise<Error>;
  stop(): Promise<void>;
}

/** Starts everything `npm start` runs. */
export async function startEmbedded(given: Config): Promise<Embedded> {
  const already = runningInstance(given.WEFT_DATA_DIR);
  if (already) throw new ConfigError(`Weft is already running from ${given.WEFT_DATA_DIR} (pid ${already.pid}) at ${already.url}`);
  // Only its owner may read the embedded data, also a data dir made by an earlier version.
  preparePrivateDir(given.WEFT_DATA_DIR);
  // WEFT_SECRET_KEY, or the data dir's key file (created on first start).
  const config = withSecretKey(given, { embedded: true });
  // A broken plugin fails start-up before anything is started.
  const types = await loadNodeTypes(config);
  const { registry } = types;
  quietTemporalLogs();
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((e: Error) => log.warn(e.message));
  };
  try {
    let dev: SupervisedDevServer | undefined;
    let address = config.TEMPORAL_ADDRESS;
    if (!address) {
      const cli = findTemporalCli(config.TEMPORAL_CLI);
      if (!cli) throw new ConfigError(NO_TEMPORAL_CLI);
      let uiPort = config.WEFT_TEMPORAL_UI_PORT;
      if (uiPort && !(await portIsFree(config.WEFT_HOST, uiPort))) {
        log.warn(`port ${uiPort} is taken, so the Temporal Web UI is off (set WEFT_TEMPORAL_UI_PORT to move it)`);
        uiPort = 0;
      }
      log.info('starting the Temporal dev server…');
      dev = await superviseDevServer({
        cli,
        dbFile: join(config.WEFT_DATA_DIR, 'temporal.db'),
        // Its own output stays out of Weft's JSON log.
        logFile: join(config.WEFT_DATA_DIR, 'temporal.log'),
        ip: config.WEFT_HOST,
        port: config.WEFT_TEMPORAL_PORT,
        uiPort,
        namespace: config.TEMPORAL_NAMESPACE,
      });
      cleanup.push(() => dev!.stop());
      address = dev.address;
    }

    const database = await openConfiguredDatabase(config);
    cleanup.push(() => database.close());
    const temporal: TemporalConnections = await connectTemporal(address, config.TEMPORAL_NAMESPACE, { worker: true });
    cleanup.push(() => temporal.close());

    // One registry for the API and the in-process worker, so node durations show on /metrics too.
    const metrics = createMetrics({ db: database.db, defaults: true });
    const worker = await buildWorker(config, database.db, temporal.native!, types, config.WEFT_TASK_QUEUE, metrics);
    const workerDone = worker.run();
    cleanup.push(async () => {
      worker.shutdown();
      await workerDone;
    });

    const controlKey = randomBytes(32).toString('hex');
    // Stopped after HTTP (cleanup runs in reverse) and before the database closes.
    const apiProcess = await startApiProcess({ db: database.db });
    cleanup.push(() => apiProcess.stop());
    const runs = createRunStarter({ db: database.db, client: temporal.client, taskQueue: config.WEFT_TASK_QUEUE, registry, localActivities: config.WEFT_LOCAL_ACTIVITIES });
    const app = createApp({ db: database.db, registry, runs, controlKey, apiProcessId: apiProcess.id, temporal: temporal.client, taskQueue: config.WEFT_TASK_QUEUE, metrics, rateLimitPerMinute: config.WEFT_RATE_LIMIT_PER_MINUTE, secretKey: configuredSecretKey(config), embedders: configuredEmbedders(config), mcp: configuredMcp(config), ...(existsSync(EDITOR_DIR) ? { editorDir: EDITOR_DIR } : {}) });
    if (!existsSync(EDITOR_DIR)) log.warn('the editor is not built (run `npm run build`); serving the API only');
    const http = await listen(app.fetch, config.WEFT_HOST, config.WEFT_PORT);
    cleanup.push(() => http.close(config.WEFT_SHUTDOWN_GRACE_MS));
    // Runs recorded but never started (a crash or a Temporal outage at start) are started again.
    const reconciler = startRunReconciler({ db: database.db, client: temporal.client, taskQueue: config.WEFT_TASK_QUEUE, registry, localActivities: config.WEFT_LOCAL_ACTIVITIES }, config.WEFT_RECONCILE_INTERVAL_MS);
    cleanup.push(() => reconciler.stop());

    const seeded = await seedExamples(database.db, registry);
    if (seeded.length) log.info(`loaded example workflows: ${seeded.join(', ')}`);
    if ((await countActiveTokens(database.db)) === 0) log.info('no API token yet: create one with `npm run weft -- token create --role admin`');

    const controlPath = controlFilePath(config.WEFT_DATA_DIR);
    const startTime = ownStartTime();
    writeFileSync(controlPath, JSON.stringify({ pid: process.pid, url: http.url, key: controlKey, ...(startTime === undefined ? {} : { startTime }) } satisfies ControlFile), { mode: 0o600 });
    cleanup.push(async () => rmSync(controlPath, { force: true }));

    return {
      url: http.url,
      temporalAddress: address,
      devServer: dev !== undefined,
      ...(dev?.uiUrl ? { temporalUiUrl: dev.uiUrl } : {}),
      fatal: dev?.gaveUp ?? new Promise<Error>(() => undefined),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function portIsFree(host: string, port: number): Promise<boolean> {
  try {
    const probe = await listen(() => new Response(), host, port);
    await probe.close();
    return true;
  } catch {
    return false;
  }
}

export { freePort };

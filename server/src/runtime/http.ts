import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { NodeRegistry } from '@weft/nodes';
import type { Db } from '@weft/store';
import { startApiProcess } from '../api-process.js';
import { createApp } from '../app.js';
import type { Config } from '../config.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { startRunReconciler } from '../run-reconciler.js';
import { createRunStarter } from '../runs/index.js';
import { connectTemporal } from '../temporal/connect.js';
import { log, configuredSecretKey, configuredEmbedders, configuredMcp, loadNodeTypes, openConfiguredDatabase } from '@weft/workers/process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The editor's production build, served by the API process. */
export const EDITOR_DIR = join(ROOT, 'editor', 'dist');

/** A server listening on a port. */
export interface Listening {
  readonly server: ServerType;
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then cuts what is left (event streams) after `graceMs` (10 s by default). */
  close(graceMs?: number): Promise<void>;
}

/** Serves a fetch handler over HTTP and resolves once it listens. */
export function listen(fetchHandler: (req: Request) => Response | Promise<Response>, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: fetchHandler, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        server,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
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

/** Whether nothing listens on `host:port` yet. */
export async function portIsFree(host: string, port: number): Promise<boolean> {
  try {
    const probe = await listen(() => new Response(), host, port);
    await probe.close();
    return true;
  } catch {
    return false;
  }
}

/** What the API runs on: the process's database, Temporal client, node types and metrics. */
export interface ApiOptions {
  readonly config: Config;
  readonly db: Db;
  readonly client: Client;
  readonly registry: NodeRegistry;
  readonly metrics: Metrics;
  /** The editor's build to serve, if any. */
  readonly editorDir?: string;
  /** Key of the local control endpoint, in embedded mode only. */
  readonly controlKey?: string;
}

/** The API of a process, listening. */
export interface RunningApi {
  readonly url: string;
  /** Stops reconciling, then HTTP (requests in flight finish), then the process's heartbeat. */
  stop(): Promise<void>;
}

/**
 * Starts the API: its heartbeat row, the run service, the Hono app on `WEFT_HOST:WEFT_PORT`, and
 * the reconciler that starts again runs recorded but never started (a crash or a Temporal outage
 * at start).
 */
export async function startApi({ config, db, client, registry, metrics, editorDir, controlKey }: ApiOptions): Promise<RunningApi> {
  const apiProcess = await startApiProcess({ db });
  try {
    const runs = createRunStarter({ db, client, taskQueue: config.WEFT_TASK_QUEUE, registry, localActivities: config.WEFT_LOCAL_ACTIVITIES });
    const app = createApp({
      db,
      registry,
      runs,
      apiProcessId: apiProcess.id,
      temporal: client,
      taskQueue: config.WEFT_TASK_QUEUE,
      metrics,
      rateLimitPerMinute: config.WEFT_RATE_LIMIT_PER_MINUTE,
      secretKey: configuredSecretKey(config),
      embedders: configuredEmbedders(config),
      mcp: configuredMcp(config),
      ...(controlKey ? { controlKey } : {}),
      ...(editorDir ? { editorDir } : {}),
    });
    const http = await listen(app.fetch, config.WEFT_HOST, config.WEFT_PORT);
    const reconciler = startRunReconciler({ db, client, taskQueue: config.WEFT_TASK_QUEUE, registry, localActivities: config.WEFT_LOCAL_ACTIVITIES }, config.WEFT_RECONCILE_INTERVAL_MS);
    return {
      url: http.url,
      async stop() {
        await reconciler.stop();
        await http.close(config.WEFT_SHUTDOWN_GRACE_MS);
        // After the requests in flight finished: the keys they held are done or released by then.
        await apiProcess.stop();
      },
    };
  } catch (e) {
    await apiProcess.stop();
    throw e;
  }
}

/**
 * `weft server`: the API and the editor against DATABASE_URL and TEMPORAL_ADDRESS, until `until`
 * settles. Loads no worker code: the Temporal client only.
 */
export async function runServer(config: Config, until: () => Promise<void>): Promise<number> {
  // Plugins first: a broken one stops start-up before any connection is made.
  const { registry } = await loadNodeTypes(config);
  const database = await openConfiguredDatabase(config);
  const temporal = await connectTemporal(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE, { worker: false });
  const metrics = createMetrics({ db: database.db, defaults: true });
  const api = await startApi({ config, db: database.db, client: temporal.client, registry, metrics, editorDir: EDITOR_DIR });
  process.stdout.write(`${api.url}\n`);
  await until();
  log.info('stopping: no new requests, finishing those in flight');
  await api.stop();
  await temporal.close();
  await database.close();
  log.info('stopped');
  return 0;
}

import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countActiveTokens } from '@weft/store/repositories/token.repository';
import { preparePrivateDir } from '@weft/store';
import { ConfigError, type Config } from '../config.js';
import { createMetrics } from '../metrics.js';
import { ownStartTime } from '../os/processes.js';
import { connectTemporal, type TemporalConnections } from '../temporal/connect.js';
import { findTemporalCli, NO_TEMPORAL_CLI, superviseDevServer, type SupervisedDevServer } from '../temporal/dev-server.js';
import { controlFilePath, runningInstance, type ControlFile } from './control-file.js';
import { seedExamples } from './database.js';
import { EDITOR_DIR, portIsFree, startApi } from './http.js';
import { log, withSecretKey, loadNodeTypes, openConfiguredDatabase } from '@weft/workers/process';
import { quietTemporalLogs, startConfiguredWorker } from '@weft/workers';

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

/**
 * Starts everything `npm start` runs, and supervises it: the dev server is restarted when it dies,
 * and `stop()` stops all in reverse order (HTTP, the worker, Temporal last).
 */
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
    const temporal: TemporalConnections = await connectTemporal(address, config.TEMPORAL_NAMESPACE, { worker: false });
    cleanup.push(() => temporal.close());

    // One registry for the API and the in-process worker, so node durations show on /metrics too.
    const metrics = createMetrics({ db: database.db, defaults: true });
    const worker = await startConfiguredWorker(config, address, database.db, types, metrics);
    cleanup.push(() => worker.stop());

    const controlKey = randomBytes(32).toString('hex');
    if (!existsSync(EDITOR_DIR)) log.warn('the editor is not built (run `npm run build`); serving the API only');
    // Stopped before the worker (cleanup runs in reverse) and before the database closes.
    const api = await startApi({ config, db: database.db, client: temporal.client, registry, metrics, controlKey, ...(existsSync(EDITOR_DIR) ? { editorDir: EDITOR_DIR } : {}) });
    cleanup.push(() => api.stop());

    const seeded = await seedExamples(database.db, registry);
    if (seeded.length) log.info(`loaded example workflows: ${seeded.join(', ')}`);
    if ((await countActiveTokens(database.db)) === 0) log.info('no API token yet: create one with `npm run weft -- token create --role admin`');

    const controlPath = controlFilePath(config.WEFT_DATA_DIR);
    const startTime = ownStartTime();
    writeFileSync(controlPath, JSON.stringify({ pid: process.pid, url: api.url, key: controlKey, ...(startTime === undefined ? {} : { startTime }) } satisfies ControlFile), { mode: 0o600 });
    cleanup.push(async () => rmSync(controlPath, { force: true }));

    return {
      url: api.url,
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

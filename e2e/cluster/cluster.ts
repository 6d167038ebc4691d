import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { ChaosOptions, Kill, System } from './chaos.js';
import { activeWindowMs, chaos } from './chaos.js';
import { EffectService } from './effects.js';
import { childEnv, freePort, Service, sleep, WEFT_CLI, WEFT_WORKER, WeftApi } from './processes.js';
import { setUpTemporalDatabases, TemporalServer } from './temporal-server.js';
import { ApiClient } from './workload.js';

const run = promisify(execFile);

/** The PostgreSQL server the cluster keeps its data on (Weft's and Temporal's). */
export interface ClusterOptions extends ChaosOptions {
  /** `postgres://user@host:port`, without a database. */
  readonly postgres: string;
  readonly apis: number;
  readonly workers: number;
  /** Kills of each kind (worker, API, Temporal), in turns. */
  readonly rounds: number;
  readonly dir: string;
}

/**
 * The production topology on this machine, without Docker: Temporal's own server
 * (`temporal-server` on PostgreSQL, temporal.yaml as dynamic config), `weft server` × `apis` and
 * `weft worker` × `workers` as separate processes on PostgreSQL. The client spreads its requests
 * over the API ports, as a load balancer routing by `/readyz` would.
 */
export async function clusterChaos(o: ClusterOptions): Promise<Record<string, unknown>> {
  const pg = new URL(o.postgres);
  const weftDb = 'weft_cluster';
  const temporalDbs = { host: pg.hostname, port: Number(pg.port || 5432), user: decodeURIComponent(pg.username || 'postgres'), password: decodeURIComponent(pg.password), main: 'temporal_cluster', visibility: 'temporal_cluster_visibility' };
  // Afresh each time; `with (force)` ends the sessions of a run that was interrupted.
  const admin = postgres(`${o.postgres}/postgres`, { max: 1, onnotice: () => undefined });
  for (const name of [weftDb, temporalDbs.main, temporalDbs.visibility]) {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  }
  await admin.end();
  const databaseUrl = `${o.postgres}/${weftDb}`;

  const t = Date.now();
  setUpTemporalDatabases(temporalDbs);
  const temporal = await TemporalServer.start(o.dir, temporalDbs);
  console.log(`temporal-server on PostgreSQL at ${temporal.address} (schema and start in ${Date.now() - t} ms)`);

  const effects = await new EffectService().start();
  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    WEFT_TASK_QUEUE: 'weft',
    WEFT_SECRET_KEY: randomBytes(32).toString('base64'),
    WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1',
    WEFT_METRICS_PORT: '0',
    WEFT_HOST: '127.0.0.1',
    WEFT_LOG_LEVEL: 'info',
  };
  // Migrations first, once, as a deploy would (`weft migrate`), then the processes.
  await run(process.execPath, [WEFT_CLI, 'migrate'], { env: childEnv(env) });
  const apis: WeftApi[] = [];
  for (let i = 0; i < o.apis; i++) {
    const port = await freePort();
    apis.push(new WeftApi({ name: `api${i + 1}`, args: [WEFT_CLI, 'server'], env: { ...env, WEFT_PORT: String(port) }, logFile: join(o.dir, `api${i + 1}.log`) }, `http://127.0.0.1:${port}`));
  }
  const workers = Array.from(
    { length: o.workers },
    (_, i) => new Service({ name: `worker${i + 1}`, command: process.execPath, args: [WEFT_WORKER], env, logFile: join(o.dir, `worker${i + 1}.log`), readyLine: /worker polling task queue/ }),
  );
  const all = (): Service[] => [temporal, ...apis, ...workers];
  try {
    await Promise.all([...apis, ...workers].map((s) => s.start()));
    const { stdout: token } = await run(process.execPath, [WEFT_CLI, 'token', 'create', '--role', 'admin', '--name', 'chaos'], { env: childEnv(env) });
    const client = new ApiClient(
      apis.map((a) => a.url),
      token.trim(),
    );
    console.log(`${o.apis} × weft server (${apis.map((a) => a.url).join(', ')}), ${o.workers} × weft worker; effects at ${effects.url}; logs in ${o.dir}`);

    // Each round kills an API process, a worker and the Temporal server, a tenth of the start period apart.
    const span = activeWindowMs(o);
    const kinds = ['api', 'worker', 'temporal'] as const;
    const kills: Kill[] = [];
    for (let r = 0; r < o.rounds; r++) {
      kinds.forEach((kind, i) => {
        const atMs = Math.round(((r * kinds.length + i + 1) / (o.rounds * kinds.length + 1)) * span);
        const victim = kind === 'api' ? apis[r % apis.length]! : kind === 'worker' ? workers[r % workers.length]! : undefined;
        kills.push({
          kind,
          atMs,
          run: async () => {
            if (victim) {
              await victim.kill();
              await victim.start();
              return;
            }
            await temporal.kill();
            // Down for a second, as a restart by a supervisor; the same configuration, ports and databases.
            await sleep(1000);
            await temporal.start();
          },
        });
      });
    }

    const system: System = {
      name: 'cluster',
      client,
      kills,
      unexpectedExits: () => all().flatMap((s) => s.unexpectedExits),
      settle: async () => {
        const db = postgres(databaseUrl, { max: 2, onnotice: () => undefined });
        return {
          query: async (text, params = []) => (await db.unsafe(text, params as never[])) as unknown as Record<string, unknown>[],
          verifyAudit: async () => (await run(process.execPath, [WEFT_CLI, 'audit', 'verify'], { env: childEnv(env) })).stdout.trim(),
          done: () => db.end(),
        };
      },
    };
    return await chaos(system, effects, o);
  } finally {
    await Promise.all([...apis, ...workers].map((s) => s.stop()));
    await temporal.stop();
    for (const s of all()) await s.close();
    await effects.close();
  }
}

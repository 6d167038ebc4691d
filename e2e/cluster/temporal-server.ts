import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot, Service, sleep, tool } from './processes.js';

const run = promisify(execFile);

/** Where the production Temporal server keeps its data: two databases on a PostgreSQL server. */
export interface TemporalDatabases {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Workflow state (history, tasks, timers). */
  readonly main: string;
  /** Visibility (what `list workflows` reads). */
  readonly visibility: string;
}

/**
 * Gives the two databases (created empty by the caller) Temporal's schema with
 * `temporal-sql-tool`, from the schema files built into it: the versioning tables at 0.0, then
 * every versioned step.
 */
export function setUpTemporalDatabases(db: TemporalDatabases): void {
  const sqlTool = tool('temporal-sql-tool', 'TEMPORAL_SQL_TOOL');
  const conn = ['--plugin', 'postgres12', '--ep', db.host, '--port', String(db.port), '--user', db.user, '--password', db.password];
  for (const [name, schema] of [
    [db.main, 'postgresql/v12/temporal'],
    [db.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    const run = (...args: string[]) => execFileSync(sqlTool, [...conn, '--db', name, ...args], { stdio: 'pipe' });
    run('setup-schema', '--version', '0.0');
    run('update-schema', '--schema-name', schema);
  }
}

/** The ports one Temporal server process listens on (all four services in one process). */
interface TemporalPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/**
 * Writes a `temporal-server` configuration: PostgreSQL persistence and visibility, the four
 * services in one process on loopback, and the repository's temporal.yaml as dynamic config
 * (the file docker-compose.yml mounts).
 */
function writeConfig(dir: string, db: TemporalDatabases, p: TemporalPorts): string {
  const store = (name: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${name}
        connectAddr: "${db.host}:${db.port}"
        connectProtocol: tcp
        user: ${db.user}
        password: "${db.password}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http ? `\n      httpPort: ${http}` : ''}`;
  const text = `# Written by the cluster harness (e2e/cluster): one temporal-server process on PostgreSQL.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: main
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    main:${store(db.main, 20)}
    visibility:${store(db.visibility, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:${service(p.frontend, p.frontendMembership, p.frontendHttp)}
  history:${service(p.history, p.historyMembership)}
  matching:${service(p.matching, p.matchingMembership)}
  worker:${service(p.worker, p.workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${p.frontend}
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${join(repoRoot, 'temporal.yaml')}
  pollInterval: 10s
`;
  const file = join(dir, 'temporal-server.yaml');
  writeFileSync(file, text);
  return file;
}

/** The production Temporal server (`temporal-server start`) as a service the harness can kill and restart. */
export class TemporalServer extends Service {
  readonly address: string;
  readonly #cli: string;

  private constructor(config: string, address: string, logDir: string) {
    super({ name: 'temporal', command: tool('temporal-server', 'TEMPORAL_SERVER'), args: ['--config-file', config, '--allow-no-auth', 'start'], env: {}, logFile: join(logDir, 'temporal-server.log') });
    this.address = address;
    this.#cli = tool('temporal', 'TEMPORAL_CLI');
  }

  /** Picks ports, writes the configuration, starts the server and registers the `default` namespace. */
  static async start(dir: string, db: TemporalDatabases): Promise<TemporalServer> {
    // Below the kernel's ephemeral range too, so no outgoing connection takes one while the server is down.
    const range = [20_000, 32_000] as const;
    const ports: TemporalPorts = {
      frontend: await freePort(range),
      frontendHttp: await freePort(range),
      frontendMembership: await freePort(range),
      history: await freePort(range),
      historyMembership: await freePort(range),
      matching: await freePort(range),
      matchingMembership: await freePort(range),
      worker: await freePort(range),
      workerMembership: await freePort(range),
    };
    const server = new TemporalServer(writeConfig(dir, db, ports), `127.0.0.1:${ports.frontend}`, dir);
    await server.start();
    await server.#temporal(['operator', 'namespace', 'create', '--namespace', 'default', '--retention', '72h']);
    // The frontend learns of a new namespace from its cache (refreshed every 10 s): wait until it serves it.
    await until('the default namespace', 60_000, () => server.#temporal(['workflow', 'list', '--namespace', 'default', '--limit', '1']));
    return server;
  }

  protected override async isReady(): Promise<boolean> {
    try {
      await this.#temporal(['operator', 'cluster', 'health']);
      return true;
    } catch {
      return false;
    }
  }

  async #temporal(args: string[]): Promise<string> {
    const { stdout } = await run(this.#cli, [...args, '--address', this.address], { encoding: 'utf8', timeout: 10_000 });
    return stdout;
  }
}

/** Waits for `check` to stop throwing. */
export async function until(what: string, timeoutMs: number, check: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms: ${(e as Error).message}`, { cause: e });
      await sleep(250);
    }
  }
}

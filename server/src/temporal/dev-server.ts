import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { restrictToOwner, withPrivateUmask } from '../data-dir.js';

/** Where `npm run setup` installs the Temporal CLI when Go is present. */
export const PROJECT_TEMPORAL_CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.tools', 'bin', 'temporal');

/**
 * Dynamic config the embedded dev server starts with (the production compose file's temporal.yaml
 * sets the same). The stock transfer-task poll rate (20/s) throttles sequential activities to
 * ~100 ms each after the first dozen (Windmill's 2026-09 benchmark); one task-queue partition
 * saves a hop between partitions when one worker polls. `npm run bench -- engine throughput`
 * prints the figures with and without these settings and the SQLite pragmas below.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

/**
 * SQLite pragmas of the dev server's database file. A write-ahead log syncs once per commit where
 * the default rollback journal syncs several times, which limited concurrent runs the most on this
 * machine's disk. `synchronous=full` keeps every committed transaction across a power cut, not
 * only across a crash of the process.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: Readonly<Record<string, string>> = {
  journal_mode: 'wal',
  synchronous: 'full',
};

/** Finds the `temporal` CLI: `TEMPORAL_CLI`, the project's `.tools/bin`, then `PATH`. */
export function findTemporalCli(explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (isExecutable(PROJECT_TEMPORAL_CLI)) return PROJECT_TEMPORAL_CLI;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'temporal');
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The message shown when no Temporal CLI can be found. */
export const NO_TEMPORAL_CLI =
  'no temporal CLI found: run `npm run setup` (it builds one with Go into .tools/bin), set TEMPORAL_CLI to its path, ' +
  'put `temporal` on PATH, or point TEMPORAL_ADDRESS at a running Temporal server';

/** Options of the embedded Temporal dev server. */
export interface DevServerOptions {
  readonly cli: string;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server. */
  readonly dbFile?: string;
  readonly ip?: string;
  /** Frontend port; 0 picks a free one. */
  readonly port?: number;
  /** Web UI port; 0 or undefined runs without the UI. */
  readonly uiPort?: number;
  readonly namespace?: string;
  /** How long to wait for the server to answer. */
  readonly readyTimeoutMs?: number;
  /** Dynamic config values; {@link DEV_SERVER_DYNAMIC_CONFIG} by default, `{}` for Temporal's stock settings. */
  readonly dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
  /** SQLite pragmas of the database file; {@link DEV_SERVER_SQLITE_PRAGMAS} by default, `{}` for SQLite's defaults. */
  readonly sqlitePragmas?: Readonly<Record<string, string>>;
}

/** A running dev server. */
export interface DevServer {
  readonly address: string;
  readonly uiUrl?: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` as a child process and waits until it answers. */
export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  const ip = o.ip ?? '127.0.0.1';
  const port = o.port ? o.port : await freePort(ip);
  const [httpPort, metricsPort] = [await freePort(ip), await freePort(ip)];
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort), '--log-level', 'warn', '--namespace', o.namespace ?? 'default'];
  if (o.dbFile) {
    mkdirSync(dirname(o.dbFile), { recursive: true, mode: 0o700 });
    // Files of an earlier start may be readable by others; new ones are not (the umask below).
    for (const file of [o.dbFile, `${o.dbFile}-wal`, `${o.dbFile}-shm`]) restrictToOwner(file);
    args.push('--db-filename', o.dbFile);
    for (const [k, v] of Object.entries(o.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS)) args.push('--sqlite-pragma', `${k}=${v}`);
  }
  if (o.uiPort) args.push('--ui-port', String(o.uiPort), '--ui-ip', ip);
  else args.push('--headless');
  for (const [k, v] of Object.entries(o.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${k}=${v}`);

  // SQLite creates the database file (and its -wal and -shm) 0644 less the umask: make them 0600.
  const child = withPrivateUmask(() => spawn(o.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const address = `${ip}:${port}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  for (;;) {
    const early = await Promise.race([exited, sleep(250).then(() => 'waiting' as const)]);
    if (early !== 'waiting') {
      throw new Error(`the Temporal dev server exited with code ${String(early)} before it was ready:\n${output.trim()}`);
    }
    if (await answers(address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Temporal dev server did not answer on ${address} within ${o.readyTimeoutMs ?? 60_000} ms:\n${output.trim()}`);
    }
  }
  return {
    address,
    ...(o.uiPort ? { uiUrl: `http://${ip}:${o.uiPort}` } : {}),
    process: child,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function answers(address: string): Promise<boolean> {
  let conn: Connection | undefined;
  try {
    conn = await Connection.connect({ address, connectTimeout: 1000 });
    await conn.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

/** A TCP port nothing listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function isExecutable(path: string): boolean {
  try {
    if (!existsSync(path)) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

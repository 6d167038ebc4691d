import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { restrictToOwner, withPrivateUmask } from '@weft/store';
import { findProcesses, isRunning, readProcess } from '../os/processes.js';
import { log } from '@weft/workers/process';
import { errorMessage } from '@weft/schemas';

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
  return findOnPath('temporal');
}

/** The first executable `name` on `PATH`. */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
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
  /**
   * File the server's own output is appended to. Without it the output is only kept in memory
   * for the error message of a failed start.
   */
  readonly logFile?: string;
}

/** A running dev server. */
export interface DevServer {
  readonly address: string;
  readonly uiUrl?: string;
  /** The server's process (after a supervised restart, the new one). */
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** When a supervised dev server is restarted, and when supervision gives up. */
export interface RestartPolicy {
  /** Restarts allowed within {@link RestartPolicy.windowMs}; one more exit gives up. */
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** Wait before the first restart in the window, doubled for each later one up to {@link RestartPolicy.maxBackoffMs}. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** Five restarts within ten minutes, the first after a quarter of a second. */
const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 5, windowMs: 10 * 60_000, backoffMs: 250, maxBackoffMs: 8_000 };

/** A dev server that is started again, on the same file and ports, when it exits on its own. */
export interface SupervisedDevServer extends DevServer {
  /** Settles with the reason when the server kept exiting and supervision gave up; the caller must stop. */
  readonly gaveUp: Promise<Error>;
}

/** The server's command line and everything a restart needs to repeat it. */
interface Plan {
  readonly cli: string;
  readonly args: readonly string[];
  readonly address: string;
  readonly uiUrl?: string;
  readonly dbFile?: string;
  readonly logFile?: string;
  readonly readyTimeoutMs: number;
}

/** One started server process. */
interface Launched {
  readonly child: ChildProcess;
  /** Resolves with how the process ended, e.g. `signal SIGKILL`. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` as a child process and waits until it answers. */
export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  const plan = await planDevServer(o);
  const server = await launch(plan);
  return { address: plan.address, ...(plan.uiUrl ? { uiUrl: plan.uiUrl } : {}), process: server.child, stop: () => server.stop() };
}

/**
 * Starts the dev server like {@link startDevServer} and keeps it running: when it exits on its
 * own, logs one line and starts it again on the same file and ports (clients and workers
 * reconnect by themselves). After `policy.maxRestarts` restarts within `policy.windowMs` it
 * gives up and settles {@link SupervisedDevServer.gaveUp}.
 */
export async function superviseDevServer(o: DevServerOptions, policy: RestartPolicy = DEFAULT_RESTART_POLICY): Promise<SupervisedDevServer> {
  const plan = await planDevServer(o);
  let current = await launch(plan);
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const restarts: number[] = [];
  // The process of a restart under way, before it answers.
  let spawned = current.child;
  let giveUp!: (reason: Error) => void;
  const gaveUp = new Promise<Error>((resolve) => (giveUp = resolve));
  const where = plan.logFile ? `; its log is ${plan.logFile}` : '';

  const restart = async (how: string): Promise<void> => {
    for (;;) {
      const now = Date.now();
      while (restarts.length && now - restarts[0]! > policy.windowMs) restarts.shift();
      if (restarts.length >= policy.maxRestarts) {
        const minutes = Math.round(policy.windowMs / 60_000);
        giveUp(new Error(`the Temporal dev server ${how} after ${restarts.length} restarts within ${minutes} minutes, so Weft stops${where}`));
        return;
      }
      restarts.push(now);
      const attempt = restarts.length;
      log.warn(`Temporal dev server ${how}; restarting it on ${plan.address} (attempt ${attempt} of ${policy.maxRestarts})`, { attempt, maxRestarts: policy.maxRestarts });
      await sleep(Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.maxBackoffMs));
      if (stopping) return;
      try {
        current = await launch(plan, (child) => (spawned = child));
        if (stopping) return current.stop();
        log.info(`Temporal dev server restarted on ${plan.address}`);
        watch(current);
        return;
      } catch (e) {
        if (stopping) return;
        how = `did not start again (${lastLine(errorMessage(e))})`;
      }
    }
  };
  const watch = (server: Launched) => {
    void server.exited.then((how) => {
      if (stopping) return;
      restarting = restart(`exited (${how})`).finally(() => (restarting = undefined));
    });
  };
  watch(current);

  return {
    address: plan.address,
    ...(plan.uiUrl ? { uiUrl: plan.uiUrl } : {}),
    get process() {
      return current.child;
    },
    gaveUp,
    async stop() {
      stopping = true;
      // A restart under way ends when its process does.
      if (restarting && spawned !== current.child) spawned.kill('SIGKILL');
      await restarting;
      await current.stop();
    },
  };
}

/** Picks the ports and builds the command line. */
async function planDevServer(o: DevServerOptions): Promise<Plan> {
  const ip = o.ip ?? '127.0.0.1';
  const port = o.port ? o.port : await freePort(ip);
  const [httpPort, metricsPort] = [await freePort(ip), await freePort(ip)];
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort), '--log-level', 'warn', '--namespace', o.namespace ?? 'default'];
  if (o.dbFile) {
    args.push('--db-filename', o.dbFile);
    for (const [k, v] of Object.entries(o.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS)) args.push('--sqlite-pragma', `${k}=${v}`);
  }
  if (o.uiPort) args.push('--ui-port', String(o.uiPort), '--ui-ip', ip);
  else args.push('--headless');
  for (const [k, v] of Object.entries(o.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${k}=${v}`);
  return {
    cli: o.cli,
    args,
    address: `${ip}:${port}`,
    ...(o.uiPort ? { uiUrl: `http://${ip}:${o.uiPort}` } : {}),
    ...(o.dbFile ? { dbFile: o.dbFile } : {}),
    ...(o.logFile ? { logFile: o.logFile } : {}),
    readyTimeoutMs: o.readyTimeoutMs ?? 60_000,
  };
}

/** Path of the file naming the process that serves `dbFile`. */
export function devServerPidFile(dbFile: string): string {
  return `${dbFile}.pid`;
}

/** Starts one server process and waits until it answers; `onSpawn` learns its process first. */
async function launch(plan: Plan, onSpawn?: (child: ChildProcess) => void): Promise<Launched> {
  if (plan.dbFile) {
    mkdirSync(dirname(plan.dbFile), { recursive: true, mode: 0o700 });
    // Files of an earlier start may be readable by others; new ones are not (the umask below).
    for (const file of [plan.dbFile, `${plan.dbFile}-wal`, `${plan.dbFile}-shm`]) restrictToOwner(file);
    await stopOrphans(plan.dbFile);
  }
  const logFile = plan.logFile ? openLog(plan.logFile) : undefined;
  const wrapper = parentDeathWrapper();
  const [command, args] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', plan.cli, ...plan.args]] : [plan.cli, plan.args];
  // Its own process group, so a Ctrl-C in the terminal reaches only Weft, which stops it last;
  // SQLite creates the database file (and its -wal and -shm) 0644 less the umask: make them 0600.
  const child = withPrivateUmask(() => spawn(command, args, { detached: true, stdio: ['ignore', logFile?.fd ?? 'pipe', logFile?.fd ?? 'pipe'] }));
  if (logFile) closeSync(logFile.fd);
  onSpawn?.(child);
  const pidFile = plan.dbFile ? devServerPidFile(plan.dbFile) : undefined;
  if (pidFile && child.pid) writeFileSync(pidFile, `${JSON.stringify({ pid: child.pid, startTime: readProcess(child.pid)?.startTime ?? null })}\n`, { mode: 0o600 });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const recentOutput = () => (logFile ? readTail(logFile.path, logFile.offset) : output).trim();
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${String(code)}`)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const forget = () => {
    process.off('exit', killOnExit);
    if (pidFile) rmSync(pidFile, { force: true });
  };
  void exited.then(forget);

  const deadline = Date.now() + plan.readyTimeoutMs;
  for (;;) {
    const early = await Promise.race([exited, sleep(250).then(() => 'waiting' as const)]);
    if (early !== 'waiting') {
      throw new Error(`the Temporal dev server exited (${early}) before it was ready:\n${recentOutput()}`);
    }
    if (await answers(plan.address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the Temporal dev server did not answer on ${plan.address} within ${plan.readyTimeoutMs} ms:\n${recentOutput()}`);
    }
  }
  return {
    child,
    exited,
    async stop() {
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

/** Whether `argv` is a dev server's command line serving `dbFile`. */
function servesFile(argv: readonly string[], dbFile: string): boolean {
  return argv.some((a, i) => (a === '--db-filename' && argv[i + 1] === dbFile) || a === `--db-filename=${dbFile}`);
}

/**
 * Stops dev servers that an earlier start left running on `dbFile` (its parent was killed before
 * it could stop them): they hold the file and, often, the port. The pid file names the last one;
 * the process table finds any other. Only a process whose command line names the file is stopped.
 */
async function stopOrphans(dbFile: string): Promise<void> {
  const found = new Map<number, number>();
  try {
    const { pid } = JSON.parse(readFileSync(devServerPidFile(dbFile), 'utf8')) as { pid: number };
    const info = readProcess(pid);
    if (info && info.state !== 'Z' && servesFile(info.argv, dbFile)) found.set(pid, info.startTime);
  } catch {
    // no pid file, or one of a process that is gone
  }
  for (const info of findProcesses((argv) => servesFile(argv, dbFile))) found.set(info.pid, info.startTime);
  for (const [pid, startTime] of found) {
    log.warn(`stopping a Temporal dev server an earlier start left running on ${dbFile} (pid ${pid})`, { pid });
    for (const [signal, waitMs] of [['SIGTERM', 10_000], ['SIGKILL', 5_000]] as const) {
      try {
        process.kill(pid, signal);
      } catch {
        break; // gone
      }
      const until = Date.now() + waitMs;
      while (isRunning(pid, startTime) && Date.now() < until) await sleep(50);
      if (!isRunning(pid, startTime)) break;
    }
  }
  rmSync(devServerPidFile(dbFile), { force: true });
}

/** Logs larger than this at a start are moved to `<file>.1` (replacing an older one). */
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/** Opens the log file for appending, moving a large one aside first. */
function openLog(path: string): { path: string; fd: number; offset: number } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (existsSync(path) && statSync(path).size > LOG_ROTATE_BYTES) renameSync(path, `${path}.1`);
  const fd = openSync(path, 'a', 0o600);
  return { path, fd, offset: fstatSync(fd).size };
}

/** The last 4000 characters written to `path` after `offset`. */
function readTail(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString().slice(-4000);
  } catch {
    return '';
  }
}

let deathSignalWrapper: string | null | undefined;
/**
 * `setpriv` when it can start a program with a parent-death signal (Linux's util-linux): the dev
 * server then gets SIGKILL as soon as Weft dies, however it dies. Elsewhere there is none, and a
 * server left behind is stopped by the next start (see {@link stopOrphans}).
 */
function parentDeathWrapper(): string | undefined {
  if (deathSignalWrapper === undefined) {
    const setpriv = process.platform === 'linux' ? findOnPath('setpriv') : undefined;
    deathSignalWrapper = setpriv && spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0 ? setpriv : null;
  }
  return deathSignalWrapper ?? undefined;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()!.slice(0, 500);
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

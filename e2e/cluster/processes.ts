import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The `weft` command line, as built by `npm run build`. */
export const WEFT_CLI = join(repoRoot, 'server', 'dist', 'cli.js');

/** The worker's own entry (`weft-worker`), as the worker image runs it. */
export const WEFT_WORKER = join(repoRoot, 'workers', 'dist', 'bin.js');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A TCP port nothing listens on right now: any the system gives, or one from `range` (Temporal
 * keeps membership ports in a `smallint` column, so they must stay under 32768).
 */
export async function freePort(range?: readonly [number, number]): Promise<number> {
  if (!range) return listenOn(0);
  for (let i = 0; i < 100; i++) {
    const port = range[0] + Math.floor(Math.random() * (range[1] - range[0]));
    try {
      return await listenOn(port);
    } catch {
      // Taken: try another.
    }
  }
  throw new Error(`no free port in ${range.join('–')}`);
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A program the harness needs: `envVar`, then the project's `.tools/bin`, then PATH. */
export function tool(name: string, envVar: string): string {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const found = [process.env[envVar], join(repoRoot, '.tools', 'bin', name), ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name))].find(
    (p): p is string => !!p && executable(p),
  );
  if (!found) throw new Error(`${name} not found: run \`node server/scripts/install-temporal-server.mjs\` (it builds it with Go), or set ${envVar}`);
  return found;
}

/**
 * The environment a process of the system under test gets: this one's without Weft's, the
 * database's and the Temporal address settings (`npm test` runs with DATABASE_URL set, which would send the
 * embedded product to that server), plus `env`.
 */
export function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(WEFT_|DATABASE_|TEMPORAL_ADDRESS$|TEMPORAL_NAMESPACE$)/.test(k)));
  return { ...base, ...env };
}

/** Services started and not yet stopped: killed if the harness itself is stopped or ends. */
const started = new Set<Service>();
process.once('exit', () => {
  for (const s of started) if (s.pid && s.alive) process.kill(-s.pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** How to run one service. */
export interface ServiceOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Its standard output and error are appended here. */
  readonly logFile: string;
  /** A line of output that says the service is up (when it has no HTTP endpoint to ask). */
  readonly readyLine?: RegExp;
}

/**
 * One process of the system under test, started in its own process group so that a kill can
 * take the process and every child it started (as the OOM killer or a power cut would not be
 * kind enough to spare them). Its output goes to a log file; the harness restarts it like a
 * supervisor (systemd, Kubernetes) would.
 */
export class Service {
  child: ChildProcess | undefined;
  /** Output since the last start, for ready lines. */
  output = '';
  /** Exits nobody asked for, with their code or signal. */
  readonly unexpectedExits: string[] = [];
  readonly #log: WriteStream;
  #stopping = false;
  #exited: Promise<void> = Promise.resolve();

  constructor(readonly o: ServiceOptions) {
    this.#log = createWriteStream(o.logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until it is ready. */
  async start(timeoutMs = 90_000): Promise<void> {
    this.output = '';
    this.#stopping = false;
    this.#log.write(`\n===== ${new Date().toISOString()} start ${this.o.command} ${this.o.args.join(' ')}\n`);
    const child = spawn(this.o.command, this.o.args, { cwd: repoRoot, env: childEnv(this.o.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    started.add(this);
    const take = (b: Buffer) => {
      this.#log.write(b);
      if (this.output.length < 1_000_000) this.output += b.toString();
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#log.write(`\n===== ${new Date().toISOString()} exited (${signal ?? code})\n`);
        if (!this.#stopping) this.unexpectedExits.push(`${this.o.name} exited by itself (${signal ?? `code ${code}`})`);
        started.delete(this);
        resolve();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (!(await this.isReady())) {
      if (!this.alive) throw new Error(`${this.o.name} exited while starting; its log: ${this.o.logFile}\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`${this.o.name} not ready after ${timeoutMs} ms; its log: ${this.o.logFile}\n${this.output.slice(-3000)}`);
      await sleep(100);
    }
  }

  /** Whether the service answers; by default, whether its ready line has been printed. */
  protected async isReady(): Promise<boolean> {
    return this.o.readyLine ? this.o.readyLine.test(this.output) : this.alive;
  }

  /** SIGKILL: the process alone, or its whole process group. Resolves once it has exited. */
  async kill(group = false): Promise<void> {
    if (!this.alive || !this.child?.pid) return;
    this.#stopping = true;
    process.kill(group ? -this.child.pid : this.child.pid, 'SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.alive || !this.child?.pid) return;
    this.#stopping = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.alive && this.child?.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Closes the log file. */
  async close(): Promise<void> {
    await new Promise((r) => this.#log.end(r));
  }
}

/** A `weft server` or `weft start`: ready once `GET /readyz` answers 200. */
export class WeftApi extends Service {
  constructor(
    o: Omit<ServiceOptions, 'command'>,
    readonly url: string,
  ) {
    super({ ...o, command: process.execPath });
  }

  protected override async isReady(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200;
    } catch {
      return false;
    }
  }
}

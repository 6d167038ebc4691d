import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Stack } from './stack.js';

/** The built `weft` command; tests that spawn processes need `npm run build` first. */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');

/** The environment of a `weft worker` that serves `stack`'s database and task queue and may call loopback hosts, plus `extra`. */
export function workerEnv(stack: Pick<Stack, 'db' | 'taskQueue'>, temporalAddress: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    DATABASE_URL: stack.db.url!,
    ...(stack.db.schema ? { DATABASE_SCHEMA: stack.db.schema } : {}),
    ...(stack.db.maxConnections ? { DATABASE_MAX_CONNECTIONS: String(stack.db.maxConnections) } : {}),
    TEMPORAL_ADDRESS: temporalAddress,
    WEFT_TASK_QUEUE: stack.taskQueue,
    WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1',
    ...extra,
  };
}

/** A `weft worker` running in its own process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `weft worker` (with a random secret key unless `env` gives one) and resolves once it polls its task queue. */
export async function spawnWorker(env: Record<string, string>, timeoutMs = 60_000): Promise<WorkerProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the integration tests`);
  const child = spawn(process.execPath, [CLI, 'worker'], { env: { WEFT_SECRET_KEY: randomBytes(32).toString('base64'), ...process.env, WEFT_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      if (out.includes('worker polling')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it started:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

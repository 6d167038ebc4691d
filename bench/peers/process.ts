// The engines under test run as processes of their own, as each is deployed: the benchmark
// process only sends requests, so its event loop never shares a core's time with a server's.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `bench/peers/install.sh` puts n8n and Node-RED. */
export const PEERS_DIR = join(dirname(fileURLToPath(import.meta.url)), '.install');

/** The command that installs the peers, for messages. */
export const INSTALL_COMMAND = 'bench/peers/install.sh';

/**
 * The entry file of a peer package, if it is installed: npm lists a package in the folder's
 * package.json only once its install has succeeded, so a half-done install counts as none.
 */
export function peerEntry(pkg: 'n8n' | 'node-red', file: string): string | undefined {
  const path = join(PEERS_DIR, 'node_modules', pkg, file);
  const manifest = join(PEERS_DIR, 'package.json');
  if (!existsSync(path) || !existsSync(manifest)) return undefined;
  const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
  return pkg in dependencies ? path : undefined;
}

/** A server process this benchmark started. */
export interface Server {
  readonly child: ChildProcess;
  /** Everything it printed, in this file. */
  readonly logFile: string;
  /** Resolves (never rejects) with a sentence once the process has exited. */
  readonly exited: Promise<string>;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * This process's environment without the variables whose names start with one of `prefixes`,
 * and with `set`: a server under test reads its settings from the benchmark, not from whatever
 * the shell that ran it had (a DATABASE_URL would move Weft off its embedded database).
 */
export function environment(prefixes: readonly string[], set: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !prefixes.some((p) => k.startsWith(p))));
  return { ...env, ...set };
}

/**
 * Starts `node args…` in a process group of its own (the peers start children: n8n its task
 * runner, Weft the Temporal dev server), its output into `logFile`.
 */
export function startServer(args: readonly string[], o: { env: NodeJS.ProcessEnv; cwd: string; logFile: string }): Server {
  const log = createWriteStream(o.logFile);
  const child = spawn(process.execPath, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      // The whole group: a child the server left behind would hold its port and CPU.
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  return {
    child,
    logFile: o.logFile,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup('SIGTERM');
        const late = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(late);
      }
      // Children that outlived their parent (a task runner, a dev server) go too.
      signalGroup('SIGKILL');
      log.end();
    },
  };
}

/** Waits until `probe` resolves true, or fails with what the server printed once it exits or `timeoutMs` passes. */
export async function waitUntil(server: Server, what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | undefined;
  void server.exited.then((e) => (exit = e));
  for (;;) {
    if (exit) throw new Error(`${what} ${exit} before it was ready; see ${server.logFile}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs / 1000} s; see ${server.logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A JSON request; throws with the answer on a non-2xx status. */
export async function requestJson<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...(rest.headers as Record<string, string> | undefined) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  if (!res.ok) throw new Error(`${rest.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 500)}`);
  return { status: res.status, body: body as T, headers: res.headers };
}

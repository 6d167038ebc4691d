import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { analyseExpression, evaluateExpression, ExpressionError, findTemplates, resolveParams, type ExpressionErrorType, type ExpressionScope } from '@weft/schemas';
import { NodeError } from '../context.js';
import type { Sandbox } from '../services.js';
import type { CodeJob, SandboxFailure, SandboxMessage, SandboxTask } from './protocol.js';
import { codeMemoryLimit, codeTimeout } from './quickjs.js';

/** How a pool is sized. */
export interface SandboxPoolOptions {
  /** Most sandbox processes at once (default: the machine's cores, at least 2). */
  readonly processes?: number;
  /** Each sandbox process's JavaScript heap, in MB: an expression that needs more fails (default 256). */
  readonly heapMb?: number;
  /** How long past its limit a task may take to stop itself before its process is killed (default 100 ms). */
  readonly graceMs?: number;
  /**
   * What runs code jobs (default `v8`): V8 isolates (isolated-vm) or QuickJS (WebAssembly), in
   * the sandbox processes either way. Without a working isolated-vm, `v8` falls back to QuickJS.
   */
  readonly codeEngine?: CodeEngine;
}

/** The engines a code job can run in. */
export type CodeEngine = 'v8' | 'quickjs';

/** The default time limit of one expression. */
const EXPRESSION_TIMEOUT_MS = 1000;

type Task = DistributiveOmit<SandboxTask, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  readonly task: SandboxTask;
  /** How long the process may work on it before it is killed. */
  readonly limitMs: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly signal?: AbortSignal;
}

interface Slot {
  readonly child: ChildProcess;
  /** Set when the process has loaded and says so: only then does a task's clock start. */
  ready?: boolean;
  running?: { readonly pending: Pending; readonly timer: NodeJS.Timeout; readonly onAbort: () => void };
  gone?: boolean;
  /** The end of what the process wrote on stderr: the reason of an unexpected exit. */
  stderr: string;
}

/**
 * A pool of sandbox processes. Each process takes one task at a time — a code job, an expression,
 * a params value with templates; a task that outlives its limit (plus a short grace) has its
 * process killed and replaced, whatever it was doing: a native loop inside a built-in, a
 * catastrophic regex. A heap that fills up (each process has `heapMb`) aborts that process only,
 * and its task fails with a memory limit. Processes, not threads: V8's fatal out-of-memory in a
 * worker thread aborts the whole process, and a thread cannot be stopped inside some native
 * built-ins of another isolate. Expressions that only step through data (no calls, ranges or
 * regexes) are evaluated in place, under JSONata's own step checks: they cannot run long between
 * two checks, and the hop would cost more than they do.
 */
export class SandboxPool implements Sandbox {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private readonly processes: number;
  private readonly heapMb: number;
  private readonly graceMs: number;
  private codeEngine: CodeEngine;
  private nextId = 1;
  private closed = false;

  constructor(options: SandboxPoolOptions = {}) {
    this.processes = Math.max(1, options.processes ?? Math.max(2, availableParallelism()));
    this.heapMb = options.heapMb ?? 256;
    this.graceMs = options.graceMs ?? 100;
    this.codeEngine = options.codeEngine ?? 'v8';
  }

  /** The engine code jobs run in now: `quickjs` once `v8` turned out not to load. */
  get engine(): CodeEngine {
    return this.codeEngine;
  }

  evaluate(source: string, scope: ExpressionScope, timeoutMs = EXPRESSION_TIMEOUT_MS): Promise<unknown> {
    if (analyseExpression(source).stepwise) return evaluateExpression(source, scope, timeoutMs);
    return this.submit({ kind: 'evaluate', source, scope, timeoutMs }, timeoutMs);
  }

  resolve(value: unknown, scope: ExpressionScope, timeoutMs = EXPRESSION_TIMEOUT_MS): Promise<unknown> {
    const sources = templateSources(value);
    if (sources.length === 0 || sources.every((s) => analyseExpression(s).stepwise)) return resolveParams(value, scope, timeoutMs);
    return this.submit({ kind: 'resolve', value, scope, timeoutMs }, timeoutMs * sources.length);
  }

  runCode(job: CodeJob, signal?: AbortSignal): Promise<unknown> {
    return this.submit({ kind: 'code', job }, job.timeoutMs, signal);
  }

  /** Starts `count` processes ahead of the first task, so the first run does not wait for one. */
  warm(count = 1): void {
    for (let i = this.slots.size; i < Math.min(count, this.processes); i++) this.spawn();
  }

  /** Stops every process; tasks still waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('the sandbox pool is closed'));
    await Promise.all([...this.slots].map((s) => this.retire(s, new Error('the sandbox pool is closed'))));
  }

  private submit(task: Task, limitMs: number, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the sandbox pool is closed'));
    if (signal?.aborted) return Promise.reject(aborted(signal));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { ...task, id: this.nextId++ } as SandboxTask, limitMs, resolve, reject, ...(signal ? { signal } : {}) });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((s) => s.ready && !s.running && !s.gone);
      if (!slot) {
        // Processes still loading will take what waits when they are ready; till then they keep this process alive.
        const loading = [...this.slots].filter((s) => !s.ready);
        for (const s of loading) hold(s.child);
        if (loading.length < this.queue.length && this.slots.size < this.processes) this.spawn();
        return;
      }
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot, pending: Pending): void {
    if (pending.signal?.aborted) {
      pending.reject(aborted(pending.signal));
      return;
    }
    const timer = setTimeout(() => void this.retire(slot, overLimit(pending.task)), pending.limitMs + this.graceMs);
    const onAbort = () => void this.retire(slot, aborted(pending.signal!));
    pending.signal?.addEventListener('abort', onAbort, { once: true });
    slot.running = { pending, timer, onAbort };
    // A process at work keeps this one alive until its answer; an idle one does not.
    hold(slot.child);
    slot.child.send(pending.task);
  }

  private spawn(): Slot {
    const entry = fileURLToPath(new URL(fromSources ? './child.ts' : './child.js', import.meta.url));
    // isolated-vm asks for --no-node-snapshot on Node 20 and later. Run from TypeScript sources
    // (tests), the process loads its sources through tsx.
    const execArgv = ['--no-node-snapshot', `--max-old-space-size=${this.heapMb}`, ...(fromSources ? ['--import', 'tsx'] : [])];
    // Its stderr is kept, not passed on: V8's out-of-memory report (~35 lines) would break the
    // worker's one-JSON-object-per-line log, and the pool reports the exit in the task's error.
    const child = fork(entry, [this.codeEngine], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const slot: Slot = { child, stderr: '' };
    child.stderr?.on('data', (b: Buffer) => {
      slot.stderr = (slot.stderr + b.toString()).slice(-2000);
    });
    child.on('message', (message: SandboxMessage) => {
      if (typeof message === 'object' && 'unavailable' in message) this.fallBack(message.unavailable);
      else this.onReply(slot, message);
    });
    child.on('error', (e) => {
      if (!slot.ready) this.startFailed(slot, e.message);
      else void this.retire(slot, slot.running ? failed(slot.running.pending.task, `the sandbox failed: ${e.message}`) : undefined);
    });
    child.on('exit', (code, signal) => {
      if (slot.gone) return; // killed by the pool, which has failed its task already
      const how = signal ?? `exit code ${code}`;
      const said = slot.stderr.trim().split('\n').find((l) => l.trim()) ?? '';
      if (!slot.ready) return this.startFailed(slot, `the sandbox process stopped while starting (${how})${said ? `: ${said}` : ''}`);
      const task = slot.running?.pending.task;
      // V8 aborts a process whose heap is full (SIGABRT); the system's OOM killer sends SIGKILL.
      const error = task && (signal === 'SIGABRT' || signal === 'SIGKILL') ? outOfMemory(task) : task ? failed(task, `the sandbox process stopped (${how})${said ? `: ${said}` : ''}`) : undefined;
      void this.retire(slot, error);
    });
    // Loading for a task that waits, it keeps this process alive; started ahead (`warm`), it does not.
    if (this.queue.length === 0) release(child);
    this.slots.add(slot);
    return slot;
  }

  /** isolated-vm cannot run here: code jobs run in QuickJS from now on. */
  private fallBack(reason: string): void {
    if (this.codeEngine === 'v8') console.warn(`weft: V8 isolates are unavailable (${reason}); code nodes run in QuickJS`);
    this.codeEngine = 'quickjs';
  }

  /** A process died before it was ready, and the next one would too: fall back from V8, or fail what waits rather than respawn. */
  private startFailed(slot: Slot, reason: string): void {
    if (this.codeEngine === 'v8') this.fallBack(reason);
    else for (const p of this.queue.splice(0)) p.reject(failed(p.task, `the sandbox process could not start: ${reason}`));
    void this.retire(slot);
  }

  private onReply(slot: Slot, reply: Exclude<SandboxMessage, { unavailable: string }>): void {
    if (reply === 'ready') {
      slot.ready = true;
      this.dispatch();
      if (!slot.running) release(slot.child);
      return;
    }
    const running = slot.running;
    if (!running || running.pending.task.id !== reply.id) return;
    this.finish(slot);
    if (reply.ok) running.pending.resolve(reply.value);
    else running.pending.reject(toError(running.pending.task, reply.error));
    if (reply.recycle) void this.retire(slot);
    this.dispatch();
  }

  private finish(slot: Slot): void {
    const running = slot.running;
    if (!running) return;
    clearTimeout(running.timer);
    running.pending.signal?.removeEventListener('abort', running.onAbort);
    slot.running = undefined;
    release(slot.child);
  }

  /** Takes a process out of the pool, failing its task with `error`, and starts what waits. */
  private async retire(slot: Slot, error?: Error): Promise<void> {
    const running = slot.running;
    this.finish(slot);
    if (running && error) running.pending.reject(error);
    if (slot.gone) return;
    slot.gone = true;
    this.slots.delete(slot);
    this.dispatch();
    await kill(slot.child);
  }
}

/** Kills a sandbox process at once, whatever it is doing; settles once it is gone. */
function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Whoever awaits the kill keeps this process alive until the child is gone.
  child.ref();
  child.kill('SIGKILL');
  return exited;
}

function hold(child: ChildProcess): void {
  child.ref();
  child.channel?.ref();
  (child.stderr as Socket | null)?.ref();
}

function release(child: ChildProcess): void {
  child.unref();
  child.channel?.unref();
  (child.stderr as Socket | null)?.unref();
}

/** Every `{{ }}` source inside a params value. */
function templateSources(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('{{')) for (const p of findTemplates(value) ?? [{ source: value }]) out.push(p.source);
  } else if (Array.isArray(value)) for (const v of value) templateSources(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) templateSources(v, out);
  return out;
}

/** Run from TypeScript sources (tests), sandbox processes load their sources through tsx. */
const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');

function failed(task: SandboxTask, message: string): Error {
  return toError(task, { type: task.kind === 'code' ? 'CodeError' : 'ExpressionError', message });
}

function expressionOf(task: SandboxTask): string {
  return task.kind === 'evaluate' ? task.source : task.kind === 'resolve' ? JSON.stringify(task.value).slice(0, 200) : '';
}

function toError(task: SandboxTask, failure: SandboxFailure): Error {
  if (task.kind === 'code') return new NodeError(failure.type, failure.message, false);
  return new ExpressionError(failure.message, failure.expression ?? expressionOf(task), failure.type as ExpressionErrorType);
}

function overLimit(task: SandboxTask): Error {
  if (task.kind === 'code') return codeTimeout(task.job);
  return new ExpressionError(`expression ran longer than ${task.timeoutMs} ms and was stopped`, expressionOf(task), 'ExpressionTimeout');
}

function outOfMemory(task: SandboxTask): Error {
  if (task.kind === 'code') return codeMemoryLimit(task.job);
  return new ExpressionError('expression used more memory than a sandbox process has and was stopped', expressionOf(task), 'ExpressionMemoryLimit');
}

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

let shared: SandboxPool | undefined;

/** One pool per process for callers that were given none (tests, the CLI's private runs). */
export function sharedSandbox(): SandboxPool {
  shared ??= new SandboxPool();
  return shared;
}

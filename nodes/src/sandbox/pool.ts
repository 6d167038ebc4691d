import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyseExpression, evaluateExpression, ExpressionError, findTemplates, resolveParams, type ExpressionErrorType, type ExpressionScope } from '@weft/schemas';
import { NodeError } from '../context.js';
import type { Sandbox } from '../services.js';
import type { CodeJob, SandboxFailure, SandboxReply, SandboxTask } from './protocol.js';
import { codeMemoryLimit, codeTimeout } from './quickjs.js';

/** How a pool is sized. */
export interface SandboxPoolOptions {
  /** Most threads at once (default: the machine's cores, at least 2). */
  readonly threads?: number;
  /** Each thread's JavaScript heap, in MB: an expression that needs more fails (default 256). */
  readonly heapMb?: number;
  /** How long past its limit a task may take to stop itself before its thread is terminated (default 100 ms). */
  readonly graceMs?: number;
  /**
   * What runs code jobs (default `v8`): V8 isolates (isolated-vm) in sandbox processes, or QuickJS
   * (WebAssembly) in the sandbox threads. Without a working isolated-vm, `v8` falls back to QuickJS.
   */
  readonly codeEngine?: CodeEngine;
}

/** The engines a code job can run in. */
export type CodeEngine = 'v8' | 'quickjs';

/** Threads run expressions (and code under QuickJS); processes run code under V8. */
type Lane = 'thread' | 'process';

/** The default time limit of one expression. */
const EXPRESSION_TIMEOUT_MS = 1000;

type Task = DistributiveOmit<SandboxTask, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  readonly task: SandboxTask;
  /** How long the thread may work on it before it is terminated. */
  readonly limitMs: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly signal?: AbortSignal;
}

/** A thread or a process, as the pool drives it. */
interface Channel {
  post(task: SandboxTask): void;
  ref(): void;
  unref(): void;
  /** Stops it at once, whatever it is doing. */
  stop(): Promise<void>;
}

interface Slot {
  readonly lane: Lane;
  readonly channel: Channel;
  /** Set when the thread has loaded and says so: only then does a task's clock start. */
  ready?: boolean;
  running?: { readonly pending: Pending; readonly timer: NodeJS.Timeout; readonly onAbort: () => void };
  gone?: boolean;
}

/**
 * A pool of sandbox threads. Each thread takes one task at a time; a task that outlives its
 * limit (plus a short grace) has its thread terminated and replaced, whatever it was doing: a
 * native loop inside a built-in, a catastrophic regex, a heap filling up. Expressions that only
 * step through data (no calls, ranges or regexes) are evaluated in place, under JSONata's own
 * step checks: they cannot run long between two checks, and the hop would cost more than they do.
 * Code jobs run in V8 isolates inside sandbox processes, killed at the deadline (a thread cannot
 * be stopped inside some native built-ins of another isolate), or, with `codeEngine: 'quickjs'` or
 * when isolated-vm does not load, in QuickJS inside the threads.
 */
export class SandboxPool implements Sandbox {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private readonly threads: number;
  private readonly heapMb: number;
  private readonly graceMs: number;
  private codeEngine: CodeEngine;
  private nextId = 1;
  private closed = false;

  constructor(options: SandboxPoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? Math.max(2, availableParallelism()));
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

  /** Starts `count` threads (and a code process under V8) ahead of the first task, so the first run does not wait for one. */
  warm(count = 1): void {
    for (let i = this.lane('thread').length; i < Math.min(count, this.threads); i++) this.spawn('thread');
    if (this.codeEngine === 'v8' && this.lane('process').length === 0) this.spawn('process');
  }

  /** Stops every thread; tasks still waiting fail. */
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

  private laneOf(task: SandboxTask): Lane {
    return task.kind === 'code' && this.codeEngine === 'v8' ? 'process' : 'thread';
  }

  private lane(lane: Lane): Slot[] {
    return [...this.slots].filter((s) => s.lane === lane);
  }

  private dispatch(): void {
    for (const lane of ['thread', 'process'] as const) {
      const waiting = this.queue.filter((p) => this.laneOf(p.task) === lane);
      for (const [i, pending] of waiting.entries()) {
        const slot = this.lane(lane).find((s) => s.ready && !s.running && !s.gone);
        if (!slot) {
          // Slots still loading will take what waits when they are ready; till then they keep the process alive.
          const slots = this.lane(lane);
          for (const s of slots) if (!s.ready) s.channel.ref();
          if (slots.filter((s) => !s.ready).length < waiting.length - i && slots.length < this.threads) this.spawn(lane);
          break;
        }
        this.queue.splice(this.queue.indexOf(pending), 1);
        this.start(slot, pending);
      }
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
    // A thread at work keeps the process alive until its answer; an idle one does not.
    slot.channel.ref();
    slot.channel.post(pending.task);
  }

  private spawn(lane: Lane): Slot {
    const slot: Slot = lane === 'thread' ? this.spawnThread() : this.spawnProcess();
    // Loading for a task that waits, it keeps the process alive; started ahead (`warm`), it does not.
    if (this.queue.length === 0) slot.channel.unref();
    this.slots.add(slot);
    return slot;
  }

  private spawnThread(): Slot {
    const limits = { resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 } };
    // Run from TypeScript sources (tests), the thread loads its source through tsx's loader.
    const worker = fromSources
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./thread.ts', import.meta.url).href)}); });`, { ...limits, eval: true })
      : new Worker(new URL('./thread.js', import.meta.url), limits);
    const slot: Slot = {
      lane: 'thread',
      channel: { post: (task) => worker.postMessage(task), ref: () => worker.ref(), unref: () => worker.unref(), stop: async () => void (await worker.terminate()) },
    };
    worker.on('message', (reply: SandboxReply | 'ready') => this.onReply(slot, reply));
    worker.on('error', (e: Error & { code?: string }) => {
      const task = slot.running?.pending.task;
      void this.retire(slot, task ? (e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? outOfMemory(task) : failed(task, `the sandbox failed: ${e.message}`)) : undefined);
    });
    worker.on('exit', () => void this.retire(slot, slot.running ? failed(slot.running.pending.task, 'the sandbox thread stopped') : undefined));
    return slot;
  }

  private spawnProcess(): Slot {
    const entry = fileURLToPath(new URL(fromSources ? './v8-process.ts' : './v8-process.js', import.meta.url));
    // isolated-vm asks for --no-node-snapshot on Node 20 and later; this process's heap holds only JSON.
    const execArgv = ['--no-node-snapshot', `--max-old-space-size=${this.heapMb}`, ...(fromSources ? ['--import', 'tsx'] : [])];
    const child: ChildProcess = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let exited: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      exited ??= child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
      // Whoever awaits the stop keeps this process alive until the child is gone.
      child.ref();
      child.kill('SIGKILL');
      return exited;
    };
    const slot: Slot = {
      lane: 'process',
      channel: {
        post: (task) => void child.send(task),
        ref: () => {
          child.ref();
          child.channel?.ref();
        },
        unref: () => {
          child.unref();
          child.channel?.unref();
        },
        stop,
      },
    };
    child.on('message', (reply: SandboxReply | 'ready' | { unavailable: string }) => {
      if (typeof reply === 'object' && 'unavailable' in reply) this.fallBack(slot, reply.unavailable);
      else this.onReply(slot, reply);
    });
    child.on('error', (e) => (slot.ready ? void this.retire(slot, slot.running ? failed(slot.running.pending.task, `the sandbox failed: ${e.message}`) : undefined) : this.fallBack(slot, e.message)));
    child.on('exit', (code, signal) => {
      // A process that dies before it is ready would die again: fall back rather than respawn.
      if (!slot.ready && !slot.gone) this.fallBack(slot, `the sandbox process stopped while starting (${signal ?? `exit code ${code}`})`);
      else void this.retire(slot, slot.running ? failed(slot.running.pending.task, 'the sandbox process stopped') : undefined);
    });
    return slot;
  }

  /** isolated-vm cannot run here: code jobs go to QuickJS from now on. */
  private fallBack(slot: Slot, reason: string): void {
    if (this.codeEngine === 'v8') console.warn(`weft: V8 isolates are unavailable (${reason}); code nodes run in QuickJS`);
    this.codeEngine = 'quickjs';
    void this.retire(slot);
  }

  private onReply(slot: Slot, reply: SandboxReply | 'ready'): void {
    if (reply === 'ready') {
      slot.ready = true;
      this.dispatch();
      if (!slot.running) slot.channel.unref();
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
    slot.channel.unref();
  }

  /** Takes a thread out of the pool, failing its task with `error`, and starts what waits. */
  private async retire(slot: Slot, error?: Error): Promise<void> {
    const running = slot.running;
    this.finish(slot);
    if (running && error) running.pending.reject(error);
    if (slot.gone) return;
    slot.gone = true;
    this.slots.delete(slot);
    this.dispatch();
    await slot.channel.stop();
  }
}

/** Every `{{ }}` source inside a params value. */
function templateSources(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('{{')) for (const p of findTemplates(value) ?? [{ source: value }]) out.push(p.source);
  } else if (Array.isArray(value)) for (const v of value) templateSources(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) templateSources(v, out);
  return out;
}

/** Run from TypeScript sources (tests), threads and processes load their sources through tsx. */
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
  return new ExpressionError('expression used more memory than a sandbox thread has and was stopped', expressionOf(task), 'ExpressionMemoryLimit');
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

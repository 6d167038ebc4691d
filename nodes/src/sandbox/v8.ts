import { createRequire } from 'node:module';
import type IsolatedVM from 'isolated-vm';
import { NodeError } from '../context.js';
import type { CodeJob } from './protocol.js';
import { codeMemoryLimit, codeTimeout } from './quickjs.js';

/** isolated-vm refuses heaps under 8 MB. */
const SMALLEST_HEAP_MB = 8;
/**
 * Globals V8 gives every context that QuickJS does not: WebAssembly memory is allocated outside the
 * isolate's heap (its limit would not hold), shared memory and `Atomics.wait` could block the thread.
 */
const REMOVED_GLOBALS = ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'console'];

let ivm: typeof IsolatedVM | undefined;
/** The isolate of the last job, kept warm for the next job with the same memory limit. */
let kept: { readonly memoryMb: number; readonly isolate: IsolatedVM.Isolate } | undefined;

/** Loads isolated-vm (a native addon that may have failed to build) and runs one job; throws when it cannot. */
export function prepareV8(): void {
  ivm ??= createRequire(import.meta.url)('isolated-vm') as typeof IsolatedVM;
  runV8({ code: 'return 1', data: { input: null, nodes: {}, run: null }, timeoutMs: 60_000, memoryMb: 64, maxOutputKb: 1 });
}

function isolateFor(memoryMb: number): IsolatedVM.Isolate {
  if (kept?.memoryMb === memoryMb && !kept.isolate.isDisposed) return kept.isolate;
  if (kept && !kept.isolate.isDisposed) kept.isolate.dispose();
  if (!ivm) throw new Error('isolated-vm is not loaded');
  const isolate = new ivm.Isolate({ memoryLimit: Math.max(SMALLEST_HEAP_MB, memoryMb) });
  kept = { memoryMb, isolate };
  return isolate;
}

/**
 * Runs a code job in a V8 isolate whose heap is capped at the job's memory limit, in a fresh
 * context (its own globals, no host objects), with isolated-vm's deadline. The isolate is kept
 * for the next job unless this one failed other than by throwing. A returned promise is awaited:
 * with no timers or I/O inside, it settles within the run's microtasks or never. Data goes in and
 * the result comes out as JSON text. Runs synchronously: only a process that can be killed may
 * call it (a loop inside some built-ins does not stop at the deadline).
 */
export function runV8(job: CodeJob): unknown {
  const isolate = isolateFor(job.memoryMb);
  const context = isolate.createContextSync();
  const deadline = Date.now() + job.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  try {
    const source = [
      `for (const name of ${JSON.stringify(REMOVED_GLOBALS)}) delete globalThis[name];`,
      `const __weft = JSON.parse(${JSON.stringify(JSON.stringify(job.data))});`,
      // Strict mode inside the user's function; the result leaves the isolate as JSON text.
      `const __value = (function (input, nodes, run) { "use strict";\n${job.code}\n})(__weft.input, __weft.nodes, __weft.run);`,
      `globalThis.__weftSettled = { done: false };`,
      `if (__value !== null && typeof __value === 'object' && typeof __value.then === 'function') Promise.resolve(__value).then((v) => { __weftSettled.text = JSON.stringify(v); __weftSettled.done = true; }, (e) => { __weftSettled.error = e; __weftSettled.done = true; });`,
      `else __weftSettled = { done: true, text: JSON.stringify(__value) };`,
    ].join('\n');
    isolate.compileScriptSync(source, { filename: 'node.js' }).runSync(context, { timeout: remaining() });
    const text: unknown = context.evalSync(
      `(() => { const s = globalThis.__weftSettled; if (!s.done) throw new Error('the code returned a promise that never settles'); if ('error' in s) throw s.error; return s.text; })()`,
      { timeout: remaining() },
    );
    return parse(text, job);
  } catch (e) {
    if (e instanceof NodeError) throw e;
    const error = classify(e, isolate, job);
    if (error.type !== 'CodeError' || /stack overflow/.test(error.message)) {
      // Whatever the job left in the heap goes with the isolate.
      if (!isolate.isDisposed) isolate.dispose();
      kept = undefined;
    }
    throw error;
  } finally {
    if (!isolate.isDisposed) context.release();
  }
}

function parse(text: unknown, job: CodeJob): unknown {
  if (text === undefined) return null; // the code returned undefined (or a function)
  if (typeof text !== 'string') throw new NodeError('CodeError', 'the code did not return a JSON value', false);
  if (Buffer.byteLength(text) > job.maxOutputKb * 1024) {
    throw new NodeError('CodeOutputTooLarge', `the output is ${Math.ceil(Buffer.byteLength(text) / 1024)} KB, over the ${job.maxOutputKb} KB limit`, false);
  }
  return JSON.parse(text) as unknown;
}

function classify(e: unknown, isolate: IsolatedVM.Isolate, job: CodeJob): NodeError {
  const name = e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  if (message === 'Script execution timed out.') return codeTimeout(job);
  if (isolate.isDisposed || /memory limit|Array buffer allocation failed/i.test(message)) return codeMemoryLimit(job);
  if (name === 'RangeError' && /Maximum call stack size exceeded/.test(message)) return new NodeError('CodeError', 'stack overflow (too deep recursion)', false);
  return new NodeError('CodeError', `${name}: ${message}`, false);
}

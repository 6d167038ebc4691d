import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSWASMModule } from 'quickjs-emscripten';
import { NodeError } from '../context.js';
import type { CodeJob } from './protocol.js';

/** WebAssembly pages are 64 KiB. */
const PAGE = 64 * 1024;
/** What QuickJS needs beyond the user's heap: its own data and the JSON crossing in and out. */
const OVERHEAD_BYTES = 24 * 1024 * 1024;
/** QuickJS' own stack limit; the process's native stack is larger, so QuickJS reports the overflow. */
const STACK_BYTES = 256 * 1024;

let compiled: Promise<WebAssembly.Module> | undefined;
/** The QuickJS instance of the last job, kept for the next job with the same memory limit. */
let kept: { readonly memoryMb: number; readonly quickjs: QuickJSWASMModule } | undefined;

/** QuickJS' WebAssembly, compiled once per process. */
function compiledQuickJs(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const require = createRequire(createRequire(import.meta.url).resolve('quickjs-emscripten'));
    return WebAssembly.compile(await readFile(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));
  })();
  return compiled;
}

/**
 * A QuickJS instance whose WebAssembly memory cannot grow past `memoryMb` plus QuickJS' overhead,
 * whatever the code does (QuickJS' own allocation limit does not count everything: strings built
 * by `repeat` escape it). Jobs with the same limit share one instance, one runtime after another.
 */
async function quickjsFor(memoryMb: number): Promise<QuickJSWASMModule> {
  if (kept?.memoryMb === memoryMb) return kept.quickjs;
  const wasmMemory = new WebAssembly.Memory({ initial: Math.min(16 * 1024 * 1024, memoryMb * 1024 * 1024 + OVERHEAD_BYTES) / PAGE, maximum: Math.ceil((memoryMb * 1024 * 1024 + OVERHEAD_BYTES) / PAGE) });
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule: await compiledQuickJs(), wasmMemory }));
  kept = { memoryMb, quickjs };
  return quickjs;
}

/** Loads QuickJS and runs it once, ahead of the first job. */
export async function prepareQuickJs(): Promise<void> {
  await runQuickJs({ code: 'return 1', data: { input: null, nodes: {}, run: null }, timeoutMs: 60_000, memoryMb: 64, maxOutputKb: 1 });
}

/**
 * Runs a code job in a fresh QuickJS runtime (its own heap with the job's memory limit, an
 * interrupt deadline, no host objects) in an instance whose memory is capped at that limit.
 * Data goes in as JSON text and the result comes out as JSON text. A job that fails inside
 * QuickJS drops the instance, so nothing it left behind reaches the next job. Runs
 * synchronously: only a process that can be killed may call it.
 */
export async function runQuickJs(job: CodeJob): Promise<unknown> {
  const quickjs = await quickjsFor(job.memoryMb);
  try {
    return run(quickjs, job);
  } catch (e) {
    kept = undefined;
    throw e;
  }
}

function run(quickjs: QuickJSWASMModule, job: CodeJob): unknown {
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(job.memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(STACK_BYTES);
  const deadline = Date.now() + job.timeoutMs;
  let timedOut = false;
  runtime.setInterruptHandler(() => {
    if (Date.now() > deadline) timedOut = true;
    return timedOut;
  });
  const vm = runtime.newContext();
  const source = [
    `const __weft = JSON.parse(${JSON.stringify(JSON.stringify(job.data))});`,
    // Strict mode inside the user's function; the result leaves the sandbox as JSON text.
    `JSON.stringify((function (input, nodes, run) { "use strict";\n${job.code}\n})(__weft.input, __weft.nodes, __weft.run));`,
  ].join('\n');
  const result = vm.evalCode(source, 'node.js');
  if (result.error) {
    const err = vm.dump(result.error) as { name?: string; message?: string } | string;
    result.error.dispose();
    const error = classify(err, timedOut, job);
    // Freeing the runtime after some failures (a stack overflow) aborts the module; the instance
    // is dropped instead, its memory with it.
    throw error;
  }
  const text: unknown = vm.dump(result.value);
  result.value.dispose();
  vm.dispose();
  runtime.dispose();
  if (text === undefined) return null; // the code returned undefined (or a function)
  if (typeof text !== 'string') throw new NodeError('CodeError', 'the code did not return a JSON value', false);
  if (Buffer.byteLength(text) > job.maxOutputKb * 1024) {
    throw new NodeError('CodeOutputTooLarge', `the output is ${Math.ceil(Buffer.byteLength(text) / 1024)} KB, over the ${job.maxOutputKb} KB limit`, false);
  }
  return JSON.parse(text) as unknown;
}

/** The error a code node fails with when it ran past its time limit. */
export function codeTimeout(job: Pick<CodeJob, 'timeoutMs'>): NodeError {
  return new NodeError('CodeTimeout', `the code ran longer than ${job.timeoutMs} ms and was stopped`, false);
}

/** The error a code node fails with when it used more memory than allowed. */
export function codeMemoryLimit(job: Pick<CodeJob, 'memoryMb'>): NodeError {
  return new NodeError('CodeMemoryLimit', `the code used more than ${job.memoryMb} MB and was stopped`, false);
}

function classify(err: { name?: string; message?: string } | string, timedOut: boolean, job: CodeJob): NodeError {
  const name = typeof err === 'string' ? 'Error' : (err.name ?? 'Error');
  const message = typeof err === 'string' ? err : (err.message ?? String(err));
  if (timedOut || message === 'interrupted') return codeTimeout(job);
  if (/out of memory/i.test(message)) return codeMemoryLimit(job);
  if (/stack overflow/i.test(message)) return new NodeError('CodeError', 'stack overflow (too deep recursion)', false);
  return new NodeError('CodeError', `${name}: ${message}`, false);
}


import { afterAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './pool.js';
import type { CodeJob } from './protocol.js';
import { longestStall } from '../testing/stall.js';

const pool = new SandboxPool({ processes: 2, codeEngine: 'v8' });
afterAll(() => pool.close());

const job = (code: string, o: Partial<CodeJob> = {}): CodeJob => ({ code, data: { input: null, nodes: {}, run: {} }, timeoutMs: 300, memoryMb: 32, maxOutputKb: 1024, ...o });

function rejection(r: PromiseSettledResult<unknown>): { type?: string; message?: string; retryable?: boolean } {
  expect(r.status).toBe('rejected');
  return (r as PromiseRejectedResult).reason as { type?: string; message?: string };
}

describe('code jobs in V8 isolates', () => {
  it('runs in V8 here, and computes fib(27) with JSON in and out', async () => {
    expect(await pool.runCode(job('const f = (n) => n < 2 ? n : f(n - 1) + f(n - 2); return { fib: f(input.n), run: run.id, up: nodes.a }', { data: { input: { n: 27 }, nodes: { a: [1] }, run: { id: 'r' } }, timeoutMs: 5000 }))).toEqual({ fib: 196418, run: 'r', up: [1] });
    expect(pool.engine).toBe('v8');
  });

  it('awaits a returned promise, and reports its rejection as a code error', async () => {
    expect(await pool.runCode(job('return (async () => { await null; return input * 2 })()', { data: { input: 21, nodes: {}, run: {} } }))).toBe(42);
    await expect(pool.runCode(job('return Promise.reject(new TypeError("nope"))'))).rejects.toMatchObject({ type: 'CodeError', message: 'TypeError: nope', retryable: false });
    await expect(pool.runCode(job('return new Promise(() => {})'))).rejects.toMatchObject({ type: 'CodeError', message: expect.stringContaining('never settles') });
  });

  it('stops an infinite loop at the deadline and keeps this thread answering', async () => {
    const started = performance.now();
    const { stallMs, result } = await longestStall(() => pool.runCode(job('for (;;) {}', { timeoutMs: 300 })));
    expect(rejection(result)).toMatchObject({ type: 'CodeTimeout', retryable: false, message: 'the code ran longer than 300 ms and was stopped' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(stallMs).toBeLessThan(200);
  });

  it('stops an endless chain of microtasks at the deadline', async () => {
    const r = await Promise.allSettled([pool.runCode(job('return (async () => { for (;;) await 0 })()', { timeoutMs: 200 }))]);
    expect(rejection(r[0]!)).toMatchObject({ type: 'CodeTimeout' });
  });

  it('kills a native loop inside a built-in, which no isolate deadline stops', async () => {
    const started = performance.now();
    const { stallMs, result } = await longestStall(() => pool.runCode(job('return Array.prototype.indexOf.call({ length: 1e15 }, 1)', { timeoutMs: 100 })));
    expect(rejection(result)).toMatchObject({ type: 'CodeTimeout' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(stallMs).toBeLessThan(200);
  });

  it('caps the memory of a code job and the process does not keep it', async () => {
    const before = process.memoryUsage().rss;
    const { stallMs, result } = await longestStall(() => pool.runCode(job("const a = []; for (;;) a.push('x'.repeat(1 << 20))", { memoryMb: 32, timeoutMs: 5000 })));
    expect(rejection(result)).toMatchObject({ type: 'CodeMemoryLimit', message: 'the code used more than 32 MB and was stopped' });
    expect(stallMs).toBeLessThan(200);
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(100);
    await expect(pool.runCode(job('const a = []; for (;;) a.push(new ArrayBuffer(1 << 20))', { memoryMb: 32, timeoutMs: 5000 }))).rejects.toMatchObject({ type: 'CodeMemoryLimit' });
  }, 30_000);

  it('turns deep recursion into a CodeError', async () => {
    await expect(pool.runCode(job('const f = (n) => f(n + 1) + 1; return f(0)', { timeoutMs: 5000 }))).rejects.toMatchObject({ type: 'CodeError', message: 'stack overflow (too deep recursion)' });
  });

  it.each([
    ['a constructor chain to Function', 'return this.constructor.constructor("return process")()'],
    ['an object constructor chain', 'return ({}).constructor.constructor("return process.env")()'],
    ['require on the global object', 'return globalThis.require("fs")'],
    ['Node globals', 'return Buffer.from("x")'],
    ['network', 'return fetch("http://127.0.0.1/")'],
    ['timers', 'setTimeout(() => 1, 1); return 1'],
    ['dynamic import', 'return import("fs")'],
  ])('refuses %s', async (_what, code) => {
    await expect(pool.runCode(job(code))).rejects.toMatchObject({ type: 'CodeError', retryable: false });
  });

  it('has no host objects, and none of the globals that would slip past the limits', async () => {
    expect(await pool.runCode(job('return ["require", "process", "WebAssembly", "SharedArrayBuffer", "Atomics", "console"].map((n) => typeof globalThis[n])'))).toEqual(Array(6).fill('undefined'));
  });

  it("starts every job in fresh globals: one job's changes never reach the next", async () => {
    await pool.runCode(job('Object.prototype.polluted = "yes"; globalThis.leak = 1; Array.prototype.push = null; return 1'));
    expect(await pool.runCode(job('return [typeof ({}).polluted, typeof globalThis.leak, typeof [].push]'))).toEqual(['undefined', 'undefined', 'function']);
  });

  it('refuses an output over its size limit and a value that is not JSON', async () => {
    await expect(pool.runCode(job('return "x".repeat(2 * 1024 * 1024)', { memoryMb: 64, maxOutputKb: 1024 }))).rejects.toMatchObject({ type: 'CodeOutputTooLarge' });
    await expect(pool.runCode(job('const a = {}; a.a = a; return a'))).rejects.toMatchObject({ type: 'CodeError', message: expect.stringContaining('TypeError') });
  });

  it('goes on working after every failure above, more jobs than processes', async () => {
    const values = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.runCode(job(`return ${i} * 2`))));
    expect(values).toEqual([0, 2, 4, 6, 8, 10]);
  });
});

import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpressionError, type ExpressionScope } from '@weft/schemas';
import { SandboxPool } from './pool.js';
import type { CodeJob } from './protocol.js';
import { longestStall } from '../testing/stall.js';

// Code here runs in QuickJS, the fallback engine; v8.test.ts runs the same hostile code in V8.
// Expressions run in the same sandbox processes whichever the engine.
const pool = new SandboxPool({ processes: 2, codeEngine: 'quickjs' });
afterAll(() => pool.close());

const scope: ExpressionScope = { input: { n: 21, s: 'abc' }, nodes: { a: { output: { v: 2 } } }, run: { id: 'run_1' } };
const job = (code: string, o: Partial<CodeJob> = {}): CodeJob => ({ code, data: { input: null, nodes: {}, run: {} }, timeoutMs: 200, memoryMb: 32, maxOutputKb: 1024, ...o });

function rejection(r: PromiseSettledResult<unknown>): { type?: string; message?: string } {
  expect(r.status).toBe('rejected');
  return (r as PromiseRejectedResult).reason as { type?: string; message?: string };
}

describe('the sandbox pool', () => {
  it('runs code and expressions and gives JSON back', async () => {
    expect(await pool.runCode(job('return { n: input, r: run }', { data: { input: 2, nodes: {}, run: { id: 'r' } } }))).toEqual({ n: 2, r: { id: 'r' } });
    expect(await pool.evaluate('$uppercase($input.s) & $string($nodes.a.output.v)', scope)).toBe('ABC2');
    expect(await pool.evaluate('$input.n * 2', scope)).toBe(42);
    expect(await pool.resolve({ a: '{{ $input.n }}', b: ['x {{ $uppercase($input.s) }}'], c: 3 }, scope)).toEqual({ a: 21, b: ['x ABC'], c: 3 });
  });

  it('stops a native loop inside a built-in at the deadline, with the thread free meanwhile', async () => {
    const started = performance.now();
    const { stallMs, result } = await longestStall(() => pool.runCode(job('return Array.prototype.indexOf.call({ length: 1e15 }, 1)', { timeoutMs: 100 })));
    expect(rejection(result)).toMatchObject({ type: 'CodeTimeout', retryable: false });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(stallMs).toBeLessThan(200);
  });

  it('stops a plain infinite loop and keeps this thread answering', async () => {
    const { stallMs, result } = await longestStall(() => pool.runCode(job('for (;;) {}', { timeoutMs: 300 })));
    expect(rejection(result)).toMatchObject({ type: 'CodeTimeout' });
    expect(stallMs).toBeLessThan(200);
  });

  it('caps the memory of a code job: the heap cannot grow past the limit and the process does not keep it', async () => {
    const before = process.memoryUsage().rss;
    const { stallMs, result } = await longestStall(() => pool.runCode(job("const a = []; for (;;) a.push('x'.repeat(1 << 20))", { memoryMb: 32, timeoutMs: 5000 })));
    expect(rejection(result)).toMatchObject({ type: expect.stringMatching(/^Code(MemoryLimit|Timeout)$/) });
    expect(stallMs).toBeLessThan(200);
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(256);
  }, 30_000);

  it('turns deep recursion into a CodeError and goes on working', async () => {
    const r = await Promise.allSettled([pool.runCode(job('const f = (n) => f(n + 1) + 1; return f(0)', { timeoutMs: 5000 }))]);
    expect(rejection(r[0]!)).toMatchObject({ type: 'CodeError', message: expect.stringContaining('stack overflow') });
    expect(await pool.runCode(job('return 6 * 7'))).toBe(42);
  });

  it('stops a catastrophic regex in an expression at its limit', async () => {
    const { stallMs, result } = await longestStall(() => pool.evaluate("$match($pad('', 30, 'a') & '!', /(a+)+$/)", scope, 300));
    const e = rejection(result);
    expect(e).toBeInstanceOf(ExpressionError);
    expect(e).toMatchObject({ type: 'ExpressionTimeout' });
    expect(stallMs).toBeLessThan(200);
  });

  it('stops a huge string built by a built-in at the sandbox process heap', async () => {
    // A limit far past the time the heap takes to fill, so that the heap is what stops it.
    const { stallMs, result } = await longestStall(() => pool.evaluate("$length($pad('', 5e8, 'x'))", scope, 10_000));
    expect(rejection(result)).toMatchObject({ type: 'ExpressionMemoryLimit' });
    expect(stallMs).toBeLessThan(200);
  }, 20_000);

  it('survives an expression that fills the heap, again and again, and evaluates the next one', async () => {
    // In a worker thread, V8's fatal out-of-memory aborted this whole process.
    for (let i = 0; i < 5; i++) {
      const [r] = await Promise.allSettled([pool.evaluate("$length($pad('', 5e8, 'x'))", scope, 300)]);
      expect(rejection(r!)).toMatchObject({ type: expect.stringMatching(/^Expression(Timeout|MemoryLimit)$/) });
    }
    expect(await pool.evaluate("$uppercase('a')", scope)).toBe('A');
  }, 30_000);

  it('stops a runaway template inside params', async () => {
    const r = await Promise.allSettled([pool.resolve({ url: "https://x/{{ $match($pad('', 30, 'a') & '!', /(a+)+$/) }}" }, scope, 200)]);
    expect(rejection(r[0]!)).toMatchObject({ type: 'ExpressionTimeout' });
  });

  it('fails a cancelled job at once', async () => {
    const ac = new AbortController();
    const p = pool.runCode(job('for (;;) {}', { timeoutMs: 10_000 }), ac.signal);
    setTimeout(() => ac.abort(new Error('cancelled by the run')), 50);
    await expect(p).rejects.toThrow('cancelled by the run');
  });

  it('keeps a process alive while a task runs, and lets it end once the pool is idle', () => {
    // A script with nothing but a pool: it must print the answer (the busy sandbox process holds
    // this one open) and then exit by itself (idle ones do not), without calling close().
    const script = `import { SandboxPool } from ${JSON.stringify(new URL('./pool.ts', import.meta.url).href)};
      const pool = new SandboxPool({ processes: 1 });
      console.log(await pool.runCode({ code: 'return 6 * 7', data: { input: null, nodes: {}, run: null }, timeoutMs: 5000, memoryMb: 16, maxOutputKb: 1 }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(out.trim()).toBe('42');
  }, 70_000);

  it('runs more jobs than processes, each in turn, after all of the above', async () => {
    const values = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.runCode(job(`return ${i} * 2`))));
    expect(values).toEqual([0, 2, 4, 6, 8, 10]);
  });
});

import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../../context.js';
import { testContext } from '../../testing/context.js';
import definition from './definition.js';
import { execute } from './executor.js';

const ctx = (): NodeContext => testContext({ runId: 'run_1', nodeId: 'code', scope: { input: null, nodes: { plan: { output: { steps: ['a', 'b'] } } }, run: { id: 'run_1', input: { q: 1 } } } });
const run = (code: string, input: unknown = null, extra: Record<string, unknown> = {}) => execute(ctx(), definition.params.parse({ code, ...extra }), input);

describe('execution.code', () => {
  it('computes a JSON result from the input, upstream outputs and the run', async () => {
    expect(await run('return { n: input.items.length, steps: nodes.plan.steps, run: run.id, q: run.input.q }', { items: [1, 2, 3] })).toEqual({
      n: 3,
      steps: ['a', 'b'],
      run: 'run_1',
      q: 1,
    });
    expect(await run('const f = (n) => n < 2 ? n : f(n - 1) + f(n - 2); return f(20)')).toBe(6765);
    expect(await run('return undefined')).toBeNull();
  });

  it.each([
    ['a constructor chain to Function', 'return ({}).constructor.constructor("return process")()', /'?process'? is not defined/],
    ['the Function constructor', 'return Function("return process.env")()', /'?process'? is not defined/],
    ['require', 'return require("fs").readFileSync("/etc/passwd", "utf8")', /'?require'? is not defined/],
    ['process', 'return process.pid', /'?process'? is not defined/],
    ['network', 'return fetch("http://127.0.0.1/")', /'?fetch'? is not defined/],
    ['timers', 'setTimeout(() => 1, 1); return 1', /'?setTimeout'? is not defined/],
    ['Node globals', 'return Buffer.from("x")', /'?Buffer'? is not defined/],
  ])('contains %s as a code error', async (_what, code, message) => {
    await expect(run(code)).rejects.toMatchObject({ type: 'CodeError', retryable: false, message: expect.stringMatching(message) });
  });

  it('gives dynamic import nothing to load', async () => {
    // Neither engine has a module loader here: import() never yields a module.
    expect(await run('return import("node:fs").then(() => "loaded", () => "refused")')).not.toBe('loaded');
    await expect(run('return typeof globalThis.require + typeof globalThis.process')).resolves.toBe('undefinedundefined');
  });

  it("cannot pollute the host's prototypes", async () => {
    await run('Object.prototype.polluted = "yes"; Array.prototype.push = null; return 1');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(typeof [].push).toBe('function');
  });

  it('stops an infinite loop at the time limit', async () => {
    const started = Date.now();
    await expect(run('while (true) {}', null, { timeoutMs: 200 })).rejects.toMatchObject({ type: 'CodeTimeout', retryable: false });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops a memory bomb at the memory limit', async () => {
    await expect(run('const a = []; while (true) a.push(new Array(100000).fill(7)); return a.length', null, { memoryMb: 8, timeoutMs: 20000 })).rejects.toMatchObject({
      type: 'CodeMemoryLimit',
    });
  });

  it('refuses an output over its size limit', async () => {
    await expect(run('return "x".repeat(3 * 1024 * 1024)', null, { memoryMb: 128, maxOutputKb: 1024 })).rejects.toMatchObject({ type: 'CodeOutputTooLarge' });
  });

  it('reports syntax errors and thrown errors with their message', async () => {
    await expect(run('return {')).rejects.toMatchObject({ type: 'CodeError', message: expect.stringContaining('SyntaxError') });
    await expect(run('throw new RangeError("too big")')).rejects.toMatchObject({ type: 'CodeError', message: 'RangeError: too big' });
  });

  it('leaves the host working after all of the above', async () => {
    expect(await run('return input * 2', 21)).toBe(42);
  });
});

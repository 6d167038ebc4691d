// What isolating user code and expressions costs: the same chains run with the sandbox pool
// (processes killed from outside at their limits) and with everything on the worker's own thread
// (as before the pool, when a runaway node could stall the API). Also the hop alone, per call,
// and CPU-heavy code (fib) in each code engine — V8 isolates and QuickJS — against plain Node.
import type { WorkflowInput } from '@weft/schemas';
import { evaluateExpression, type ExpressionScope } from '@weft/schemas';
import { SandboxPool, type CodeEngine } from '@weft/nodes/executors';
import { runQuickJs } from '../nodes/src/sandbox/quickjs.js';
import { inlineSandbox } from './lib/inline-sandbox.js';
import { startHarness, type Harness } from './lib/engine-harness.js';
import { median, round, type Benchmark, type Figure } from './lib/suite.js';

const RUNS = Number(process.env['BENCH_SANDBOX_RUNS'] ?? 7);
const CALLS = 500;

/** A trigger and `count` nodes one after another, each made by `make`. */
function chain(name: string, count: number, make: (i: number) => WorkflowInput['nodes'][number]): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [{ id: 'start', type: 'control.trigger' }];
  const edges: NonNullable<WorkflowInput['edges']> = [];
  for (let i = 1; i <= count; i++) {
    nodes.push(make(i));
    edges.push({ id: `e${i}`, source: i === 1 ? 'start' : `n${i - 1}`, target: `n${i}` });
  }
  return { schemaVersion: 1, name, nodes, edges };
}

const CHAINS = {
  code: chain('40 code nodes', 40, (i) => ({ id: `n${i}`, type: 'execution.code', params: { code: 'return { n: ((input && input.n) || 0) + 1 }' } })),
  transformStepwise: chain('40 transforms (no calls)', 40, (i) => ({ id: `n${i}`, type: 'analysis.transform', params: { expression: '{"n": ($input.n ? $input.n : 0) + 1}' } })),
  transformCalls: chain('40 transforms (function calls)', 40, (i) => ({ id: `n${i}`, type: 'analysis.transform', params: { expression: '{"n": $number($string(($input.n ? $input.n : 0) + 1))}' } })),
};

/** Per-call milliseconds of `call`, median of five batches. */
async function perCall(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await call();
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const t = performance.now();
    for (let i = 0; i < CALLS / 5; i++) await call();
    batches.push((performance.now() - t) / (CALLS / 5));
  }
  return median(batches);
}

const FIB = 'const f = (n) => n < 2 ? n : f(n - 1) + f(n - 2); return f(input)';

/** Median milliseconds of `runs` calls of `call`, after two to warm up. */
async function medianMs(call: () => unknown, runs: number): Promise<number> {
  for (let i = 0; i < 2; i++) await call();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call();
    t.push(performance.now() - start);
  }
  return median(t);
}

/** fib(n) as a code node body in each engine, and the same function in plain Node. */
async function fibFigures(log: (line: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  const plain = new Function('input', 'nodes', 'run', FIB) as (n: number, nodes: unknown, run: unknown) => number;
  const pools = Object.fromEntries((['v8', 'quickjs'] as const).map((e) => [e, new SandboxPool({ processes: 1, codeEngine: e })])) as Record<CodeEngine, SandboxPool>;
  try {
    for (const n of [10, 27]) {
      log(`fib(${n}): plain Node, then a code node in V8 and in QuickJS`);
      const node = await medianMs(() => plain(n, {}, null), 9);
      figures.push({ name: `fib(${n}) · plain Node`, value: round(node), unit: 'ms', note: 'the same function body, unsandboxed' });
      for (const engine of ['v8', 'quickjs'] as const) {
        const job = { code: FIB, data: { input: n, nodes: {}, run: null }, timeoutMs: 60_000, memoryMb: 64, maxOutputKb: 64 };
        const ms = await medianMs(() => pools[engine].runCode(job), 9);
        figures.push(
          { name: `fib(${n}) · code node in ${engine === 'v8' ? 'V8' : 'QuickJS'}`, value: round(ms), unit: 'ms', note: 'the whole job: hop, fresh context, JSON in and out' },
          { name: `fib(${n}) · ${engine === 'v8' ? 'V8' : 'QuickJS'} / plain Node`, value: round(ms / node), unit: '×', ...(n === 27 && engine === 'v8' ? { goal: { op: '<=' as const, value: 1.5 } } : {}) },
        );
      }
    }
  } finally {
    await Promise.all(Object.values(pools).map((p) => p.close()));
  }
  return figures;
}

async function chains(h: Harness, runs: number): Promise<Record<keyof typeof CHAINS, number>> {
  const out = {} as Record<keyof typeof CHAINS, number>;
  for (const [k, doc] of Object.entries(CHAINS) as [keyof typeof CHAINS, WorkflowInput][]) {
    const wf = await h.store(doc);
    await h.weft(wf);
    const t: number[] = [];
    for (let i = 0; i < runs; i++) t.push(await h.weft(wf));
    out[k] = median(t);
  }
  return out;
}

const bench: Benchmark = {
  name: 'sandbox',
  title: 'Sandbox hop',
  async run(log) {
    const figures: Figure[] = [];
    const scope: ExpressionScope = { input: { n: 20, items: [1, 2, 3] }, nodes: { a: { output: { v: 2 } } }, run: { id: 'run_1' } };
    const pool = new SandboxPool();
    pool.warm(2);
    try {
      log(`the hop alone, ${CALLS} calls each`);
      const job = { code: 'return input.n * 2', data: { input: { n: 20 }, nodes: {}, run: null }, timeoutMs: 1000, memoryMb: 64, maxOutputKb: 1024 };
      const exprInline = await perCall(() => evaluateExpression('$sum($input.items) + $input.n', scope));
      const exprPool = await perCall(() => pool.evaluate('$sum($input.items) + $input.n', scope));
      const codeInline = await perCall(() => runQuickJs(job));
      const codePool = await perCall(() => pool.runCode(job));
      figures.push(
        { name: 'expression with calls · on the calling thread', value: round(exprInline), unit: 'ms' },
        { name: 'expression with calls · in the sandbox pool', value: round(exprPool), unit: 'ms', note: 'one message each way' },
        { name: 'code node body · on the calling thread', value: round(codeInline), unit: 'ms', note: 'a fresh QuickJS runtime' },
        { name: 'code node body · in the sandbox pool', value: round(codePool), unit: 'ms', note: `code in ${pool.engine === 'v8' ? 'a V8 isolate, in a sandbox process' : 'QuickJS'}` },
      );
    } finally {
      await pool.close();
    }
    figures.push(...(await fibFigures(log)));

    for (const [label, sandbox] of [['before: on the worker thread', inlineSandbox], ['after: in the sandbox pool', undefined]] as const) {
      log(`40-node chains, ${label}, ${RUNS} runs each`);
      const h = await startHarness(sandbox ? { sandbox } : {});
      try {
        const t = await chains(h, RUNS);
        const when = sandbox ? 'before' : 'after';
        figures.push(
          { name: `40 code nodes · ${when}`, value: round(t.code), unit: 'ms', note: label },
          { name: `40 transforms, no calls · ${when}`, value: round(t.transformStepwise), unit: 'ms', note: 'evaluated in place either way' },
          { name: `40 transforms with calls · ${when}`, value: round(t.transformCalls), unit: 'ms', note: label },
        );
      } finally {
        await h.stop();
      }
    }
    return { figures };
  },
};

export default bench;

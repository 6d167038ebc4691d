// What isolating user code and expressions costs: the same chains run with the sandbox pool
// (threads stopped from outside at their limits) and with everything on the worker's own thread
// (as before the pool, when a runaway node could stall the API). Also the hop alone, per call.
import type { WorkflowInput } from '@weft/schemas';
import { evaluateExpression, type ExpressionScope } from '@weft/schemas';
import { SandboxPool } from '@weft/nodes/executors';
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
        { name: 'code node body · in the sandbox pool', value: round(codePool), unit: 'ms' },
      );
    } finally {
      await pool.close();
    }

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

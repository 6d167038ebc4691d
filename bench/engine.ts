// Engine overhead: the same graphs run through Weft and through a hand-written Temporal workflow
// (bench/raw), on one dev server with the same worker settings, alternating run by run.
// Weft records every node attempt in its database and its run status; the raw peer records
// nothing outside Temporal. The shape follows Windmill's published orchestrator benchmark.
import { DEV_SERVER_DYNAMIC_CONFIG, DEV_SERVER_SQLITE_PRAGMAS } from '../server/src/temporal/dev-server.js';
import { fib } from './lib/fib.js';
import { fanoutDoc, sequentialDoc, startHarness, type Harness } from './lib/engine-harness.js';
import { median, round, type Benchmark, type Figure } from './lib/suite.js';

const RUNS = Number(process.env['BENCH_ENGINE_RUNS'] ?? 7);
const GOALS = { ratio: 1.1, perNodeMs: 5 };

/** Runs each case once to warm up, then `runs` times in turn; returns each case's timings. */
async function alternate(runs: number, cases: Record<string, () => Promise<number>>): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const run of Object.values(cases)) await run();
  for (let i = 0; i < runs; i++) for (const [k, run] of Object.entries(cases)) times[k]!.push(await run());
  return times;
}

/** Median time of computing fib(n) `count` times in this process: the work itself, without any engine. */
function computeMs(count: number, n: number): number {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    for (let k = 0; k < count; k++) fib(n);
    samples.push(performance.now() - t);
  }
  return median(samples);
}

const bench: Benchmark = {
  name: 'engine',
  title: 'Engine overhead',
  async run(log) {
    const figures: Figure[] = [];
    const details: Record<string, unknown> = { runs: RUNS, dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG, sqlitePragmas: DEV_SERVER_SQLITE_PRAGMAS };
    const seq = sequentialDoc(40, 10);

    // Before: Temporal's stock dynamic config and SQLite settings, every Weft node a regular activity.
    log(`untuned (stock dev server settings): 40 × fib(10) in sequence, ${Math.max(3, Math.ceil(RUNS / 2))} runs each`);
    let h: Harness = await startHarness({ dynamicConfig: {}, sqlitePragmas: {} });
    try {
      const wf = await h.store(seq);
      const t = await alternate(Math.max(3, Math.ceil(RUNS / 2)), { raw: () => h.raw('rawSequential', [40, 10]), weft: () => h.weft(wf, { local: false }) });
      details['stock'] = t;
      figures.push(
        { name: '40 seq fib(10) · raw, untuned dev server', value: round(median(t['raw']!)), unit: 'ms', note: "before: Temporal's stock dynamic config and SQLite journal" },
        { name: '40 seq fib(10) · Weft, untuned', value: round(median(t['weft']!)), unit: 'ms', note: 'before: stock dev server, every node a regular activity' },
      );
    } finally {
      await h.stop();
    }

    log(`tuned dev server (${Object.entries(DEV_SERVER_DYNAMIC_CONFIG).map(([k, v]) => `${k}=${String(v)}`).join(', ')}; SQLite ${Object.entries(DEV_SERVER_SQLITE_PRAGMAS).map(([k, v]) => `${k}=${v}`).join(', ')})`);
    h = await startHarness();
    try {
      // 1. 40 sequential light nodes.
      log(`40 × fib(10) in sequence, ${RUNS} runs each`);
      const wf = await h.store(seq);
      const one = await h.store(sequentialDoc(1, 0));
      const t = await alternate(RUNS, {
        raw: () => h.raw('rawSequential', [40, 10]),
        weft: () => h.weft(wf),
        weftUnfused: () => h.weft(wf, { fuse: false }),
        weftActivities: () => h.weft(wf, { local: false }),
        rawLocal: () => h.raw('rawSequential', [40, 10, true]),
        weftOne: () => h.weft(one),
        // What Temporal itself costs a run: a workflow of one local activity, and of three (the
        // number Weft's 1-node run has: its running status, the chain, its final status).
        rawOneLocal: () => h.raw('rawSequential', [1, 0, true]),
        rawThreeLocal: () => h.raw('rawSequential', [3, 0, true]),
      });
      details['sequential40'] = t;
      const [raw, weft, weftUnfused, weftActivities, rawLocal, weftOne] = [t['raw']!, t['weft']!, t['weftUnfused']!, t['weftActivities']!, t['rawLocal']!, t['weftOne']!].map(median) as [number, number, number, number, number, number];
      const work = computeMs(40, 10);
      figures.push(
        { name: '1 fib(0) node · Weft, the fixed cost of a run', value: round(weftOne), unit: 'ms', note: 'trigger + 1 node, started as the API does and awaited' },
        { name: '1 local activity · raw Temporal', value: round(median(t['rawOneLocal']!)), unit: 'ms', note: 'the floor under any run on this dev server: start, one workflow task, result' },
        { name: '3 local activities · raw Temporal', value: round(median(t['rawThreeLocal']!)), unit: 'ms', note: "as many as Weft's 1-node run, with nothing recorded" },
        { name: '40 seq fib(10) · raw Temporal (40 activities)', value: round(raw), unit: 'ms' },
        { name: '40 seq fib(10) · Weft', value: round(weft), unit: 'ms', note: 'trigger + 40 nodes, one fused chain (one local activity, one write), every attempt recorded in the database' },
        { name: '40 seq fib(10) · Weft per node, fused', value: round((weft - weftOne - work) / 39), unit: 'ms', note: '(median − the 1-node run − the work itself) ÷ 39' },
        { name: '40 seq fib(10) · Weft, unfused', value: round(weftUnfused), unit: 'ms', note: 'each node its own local activity and write' },
        { name: '40 seq fib(10) · Weft per node, unfused', value: round((weftUnfused - weftOne - work) / 39), unit: 'ms' },
        { name: '40 seq fib(10) · Weft ÷ raw', value: round(weft / raw), unit: '×', goal: { op: '<=', value: GOALS.ratio } },
        { name: '40 seq fib(10) · Weft overhead per node', value: round((weft - work) / 40), unit: 'ms', goal: { op: '<=', value: GOALS.perNodeMs }, note: '(median total − the work itself) ÷ 40' },
        { name: '40 seq fib(10) · raw per activity', value: round((raw - work) / 40), unit: 'ms' },
        { name: '40 seq fib(10) · Weft, every node an activity', value: round(weftActivities), unit: 'ms', note: 'WEFT_LOCAL_ACTIVITIES=false' },
        { name: '40 seq fib(10) · Weft (all activities) ÷ raw', value: round(weftActivities / raw), unit: '×' },
        { name: '40 seq fib(10) · raw with local activities', value: round(rawLocal), unit: 'ms', note: 'the same mechanism Weft uses for light nodes, hand-written' },
        { name: '40 seq fib(10) · Weft ÷ raw with local activities', value: round(weft / rawLocal), unit: '×' },
      );

      // 2. 10 sequential long nodes.
      log(`10 × fib(33) in sequence, ${Math.max(5, Math.ceil(RUNS / 2))} runs each`);
      const longWf = await h.store(sequentialDoc(10, 33));
      const l = await alternate(Math.max(5, Math.ceil(RUNS / 2)), { raw: () => h.raw('rawSequential', [10, 33]), weft: () => h.weft(longWf) });
      details['sequential10long'] = l;
      const [lr, lw] = [median(l['raw']!), median(l['weft']!)];
      figures.push(
        { name: '10 seq fib(33) · raw', value: round(lr), unit: 'ms', note: `the work alone: ${round(computeMs(10, 33))} ms` },
        { name: '10 seq fib(33) · Weft', value: round(lw), unit: 'ms' },
        { name: '10 seq fib(33) · Weft ÷ raw', value: round(lw / lr), unit: '×' },
      );

      // 3. 100-node parallel fan-out.
      log(`100 × fib(10) in parallel, ${RUNS} runs each`);
      const fanWf = await h.store(fanoutDoc(100, 10));
      const f = await alternate(RUNS, { raw: () => h.raw('rawFanout', [100, 10]), weft: () => h.weft(fanWf) });
      details['fanout100'] = f;
      const [fr, fw] = [median(f['raw']!), median(f['weft']!)];
      figures.push(
        { name: '100 parallel fib(10) · raw', value: round(fr), unit: 'ms' },
        { name: '100 parallel fib(10) · Weft', value: round(fw), unit: 'ms' },
        { name: '100 parallel fib(10) · Weft ÷ raw', value: round(fw / fr), unit: '×' },
      );
    } finally {
      await h.stop();
    }
    return { figures, details };
  },
};

export default bench;

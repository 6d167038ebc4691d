// Throughput: 3-node runs per second, Weft and the hand-written raw workflow, with one worker
// each and 50 starters that each start a run, wait for its end and start the next. The two
// sides take turns, in the same process against the same dev server.
import { sequentialDoc, startHarness } from './lib/engine-harness.js';
import { round, type Benchmark, type Figure } from './lib/suite.js';

const STARTERS = 50;
const SECONDS = Number(process.env['BENCH_THROUGHPUT_SECONDS'] ?? 15);
const ROUNDS = 2;
const BEFORE_SECONDS = 8;
const GOAL = 0.9;

/** Keeps `STARTERS` runs going for `seconds`; returns the runs that ended in that window. */
async function sustain(seconds: number, run: () => Promise<number>): Promise<{ runs: number; seconds: number; latencies: number[] }> {
  const until = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  const t = performance.now();
  await Promise.all(
    Array.from({ length: STARTERS }, async () => {
      while (performance.now() < until) latencies.push(await run());
    }),
  );
  // Runs started before the deadline all finish; the window is the time until the last ended.
  return { runs: latencies.length, seconds: (performance.now() - t) / 1000, latencies };
}

const bench: Benchmark = {
  name: 'throughput',
  title: 'Throughput',
  async run(log) {
    const figures: Figure[] = [];
    const details: Record<string, unknown> = { starters: STARTERS, seconds: SECONDS };
    // Before: the dev server with Temporal's stock dynamic config and SQLite's default journal,
    // every Weft node a regular activity. One short round per side.
    {
      const h = await startHarness({ dynamicConfig: {}, sqlitePragmas: {} });
      try {
        const wf = await h.store(sequentialDoc(3, 10));
        const raw = await sustain(BEFORE_SECONDS, () => h.raw('rawSequential', [3, 10]));
        const weft = await sustain(BEFORE_SECONDS, () => h.weft(wf, { local: false }));
        log(`untuned: raw ${raw.runs} runs in ${raw.seconds.toFixed(1)} s, Weft ${weft.runs} runs in ${weft.seconds.toFixed(1)} s`);
        details['untuned'] = { raw: { runs: raw.runs, seconds: raw.seconds }, weft: { runs: weft.runs, seconds: weft.seconds } };
        figures.push(
          { name: '3-node runs · raw, untuned dev server', value: round(raw.runs / raw.seconds), unit: 'runs/s', note: `before: stock dynamic config and SQLite journal, ${BEFORE_SECONDS} s` },
          { name: '3-node runs · Weft, untuned', value: round(weft.runs / weft.seconds), unit: 'runs/s', note: 'before: stock dev server, every node a regular activity' },
        );
      } finally {
        await h.stop();
      }
    }
    const h = await startHarness();
    try {
      const wf = await h.store(sequentialDoc(3, 10));
      const totals = { raw: { runs: 0, seconds: 0 }, weft: { runs: 0, seconds: 0 } };
      const rounds: unknown[] = [];
      // Warm-up: both workers' caches and the database.
      await sustain(3, () => h.raw('rawSequential', [3, 10]));
      await sustain(3, () => h.weft(wf));
      for (let r = 0; r < ROUNDS; r++) {
        for (const side of ['raw', 'weft'] as const) {
          const got = await sustain(SECONDS, () => (side === 'raw' ? h.raw('rawSequential', [3, 10]) : h.weft(wf)));
          totals[side].runs += got.runs;
          totals[side].seconds += got.seconds;
          log(`round ${r + 1} ${side}: ${got.runs} runs in ${got.seconds.toFixed(1)} s (${(got.runs / got.seconds).toFixed(1)}/s)`);
          rounds.push({ round: r + 1, side, runs: got.runs, seconds: got.seconds });
        }
      }
      const raw = totals.raw.runs / totals.raw.seconds;
      const weft = totals.weft.runs / totals.weft.seconds;
      figures.push(
        { name: '3-node runs · raw Temporal', value: round(raw), unit: 'runs/s', note: `${STARTERS} starters, one worker, ${ROUNDS} × ${SECONDS} s` },
        { name: '3-node runs · Weft', value: round(weft), unit: 'runs/s', note: 'trigger + 3 nodes, each run recorded in the database' },
        { name: '3-node runs · Weft ÷ raw', value: round(weft / raw), unit: '×', goal: { op: '>=', value: GOAL } },
      );
      details['rounds'] = rounds;
      return { figures, details };
    } finally {
      await h.stop();
    }
  },
};

export default bench;

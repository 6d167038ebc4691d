// Weft against n8n and Node-RED on the same five workloads, each engine entered the way its users
// enter it: Weft through its API (start a run, then wait for its end) and through a sync webhook
// (one call answered with the run's output), n8n through a Webhook trigger that answers when the
// last node finishes, Node-RED through `http in` → nodes → `http response`. Every engine is a
// process of its own, started with its defaults and measured alone (the others stopped); the
// benchmark process only sends requests, one at a time, and times each from its sending to the
// answer. The peers are measured when installed (bench/peers/install.sh); Weft always.
import { n8nInstalled, startN8n } from './peers/n8n.js';
import { nodeRedInstalled, startNodeRed } from './peers/node-red.js';
import { INSTALL_COMMAND, PEERS_DIR } from './peers/process.js';
import { POLL_MS, startWeft, type Call } from './peers/weft.js';
import { checkAnswer, requestBody, WORKLOADS, type Workload } from './peers/workloads.js';
import { median, quantile, round, type Benchmark, type Figure } from './lib/suite.js';

const RUNS = Number(process.env['BENCH_PEERS_RUNS'] ?? 20);
/** The fib(33) workload takes seconds a run: measured fewer times. */
const HEAVY_RUNS = Number(process.env['BENCH_PEERS_HEAVY_RUNS'] ?? 5);
const WARMUP = Number(process.env['BENCH_PEERS_WARMUP'] ?? 3);

type Entry = 'nodeRed' | 'n8n' | 'weftApi' | 'weftHook';
const ENTRIES: Record<Entry, string> = { nodeRed: 'Node-RED', n8n: 'n8n', weftApi: 'Weft (API)', weftHook: 'Weft (sync webhook)' };

/** Milliseconds per call, by workload key and entry. */
type Samples = Record<string, Partial<Record<Entry, number[]>>>;

/**
 * Calls every entry of one engine on one workload: `warmup` times each unmeasured, then `runs`
 * rounds in which each entry is called once (so a drift in the machine's load favours none).
 */
async function measure(w: Workload, entries: Partial<Record<Entry, (body: unknown) => Promise<Call>>>, samples: Samples, call: { n: number }): Promise<void> {
  const runs = w.heavy ? HEAVY_RUNS : RUNS;
  const warmup = w.heavy ? Math.min(1, WARMUP) : WARMUP;
  const list = Object.entries(entries) as [Entry, (body: unknown) => Promise<Call>][];
  for (let i = 0; i < warmup + runs; i++) {
    for (const [entry, run] of list) {
      const { ms, answer } = await run(requestBody(++call.n));
      checkAnswer(w, ENTRIES[entry], answer);
      if (i >= warmup) ((samples[w.key] ??= {})[entry] ??= []).push(ms);
    }
  }
}

const bench: Benchmark = {
  name: 'peers',
  title: 'Weft vs n8n and Node-RED',
  async run(log) {
    const samples: Samples = {};
    const notes: string[] = [];
    const call = { n: 0 };
    log(`${RUNS} runs per workload and entry (fib(33): ${HEAVY_RUNS}), after ${WARMUP} unmeasured (fib(33): ${Math.min(1, WARMUP)}); BENCH_PEERS_RUNS, BENCH_PEERS_HEAVY_RUNS, BENCH_PEERS_WARMUP change them`);

    // Looked at once: an install finishing meanwhile does not change what this run measures.
    const installed = { nodeRed: nodeRedInstalled(), n8n: n8nInstalled() };
    const missing = [!installed.nodeRed && 'Node-RED', !installed.n8n && 'n8n'].filter((m): m is string => !!m);
    if (missing.length) {
      const line = `${missing.join(' and ')} not installed: ${INSTALL_COMMAND} installs n8n@2.8.4 and Node-RED 4.1.15 into ${PEERS_DIR} (outside the workspaces; n8n takes minutes and about 2 GB), then run this again`;
      log(line);
      notes.push(line);
    }

    if (installed.nodeRed) {
      log('Node-RED: starting…');
      const red = await startNodeRed();
      try {
        const callers = await red.deploy(WORKLOADS);
        for (const w of WORKLOADS) {
          await measure(w, { nodeRed: callers[w.key]! }, samples, call);
          log(`Node-RED · ${w.title}: median ${round(median(samples[w.key]!.nodeRed!))} ms`);
        }
      } finally {
        await red.stop();
      }
    }

    if (installed.n8n) {
      log('n8n: starting (the first start migrates its SQLite database)…');
      const n8n = await startN8n();
      try {
        for (const w of WORKLOADS) {
          await measure(w, { n8n: await n8n.deploy(w) }, samples, call);
          log(`n8n · ${w.title}: median ${round(median(samples[w.key]!.n8n!))} ms`);
        }
      } finally {
        await n8n.stop();
      }
    }

    log('Weft: starting `weft start` (Temporal dev server, PGlite, worker, API)…');
    const weft = await startWeft();
    const waitNote = weft.waitSupported
      ? 'Weft (API): POST /api/workflows/:id/runs, then GET /api/runs/:id?wait=30s until the run has ended'
      : `Weft (API): POST /api/workflows/:id/runs, then GET /api/runs/:id every ${POLL_MS} ms until the run has ended (this server has no ?wait= on GET /api/runs/:id)`;
    log(waitNote);
    notes.push(waitNote);
    try {
      for (const w of WORKLOADS) {
        const { api, hook } = await weft.prepare(w);
        await measure(w, { weftApi: api, weftHook: hook }, samples, call);
        const s = samples[w.key]!;
        log(`Weft · ${w.title}: API median ${round(median(s.weftApi!))} ms, sync webhook median ${round(median(s.weftHook!))} ms`);
      }
    } finally {
      await weft.stop();
    }

    const figures: Figure[] = [];
    const table: Record<string, unknown>[] = [];
    for (const w of WORKLOADS) {
      const s = samples[w.key] ?? {};
      const med = (e: Entry) => (s[e] ? median(s[e]) : undefined);
      const row: Record<string, unknown> = { workload: w.title };
      for (const e of Object.keys(ENTRIES) as Entry[]) {
        const xs = s[e];
        if (!xs) continue;
        const m = median(xs);
        const p90 = quantile(xs, 0.9);
        row[e] = { median: round(m), p90: round(p90), runs: xs.length };
        figures.push({ name: `${w.title} · ${ENTRIES[e]}`, value: round(m), unit: 'ms', note: `median of ${xs.length}` });
        figures.push({ name: `${w.title} · ${ENTRIES[e]} p90`, value: round(p90), unit: 'ms' });
      }
      for (const [peer, key] of [['n8n', 'n8n'], ['Node-RED', 'nodeRed']] as const) {
        const p = med(key);
        if (p === undefined) continue;
        for (const e of ['weftHook', 'weftApi'] as const) {
          const ratio = round(med(e)! / p);
          row[`${e}Per${key === 'n8n' ? 'N8n' : 'NodeRed'}`] = ratio;
          figures.push({ name: `${w.title} · ${ENTRIES[e]} ÷ ${peer}`, value: ratio, unit: '×', note: 'medians' });
        }
      }
      table.push(row);
    }
    log('');
    for (const line of peersTable(samples).split('\n')) log(line);
    return { figures, details: { runs: RUNS, heavyRuns: HEAVY_RUNS, warmup: WARMUP, weftWait: weft.waitSupported ? 'wait' : `poll ${POLL_MS} ms`, notes, table, samples } };
  },
};

/** Medians in ms: workload | Node-RED | n8n | Weft (API) | Weft (sync webhook) | Weft ÷ n8n (sync webhook · API). */
export function peersTable(samples: Samples): string {
  const header = ['workload', 'Node-RED', 'n8n', 'Weft (API)', 'Weft (sync webhook)', 'Weft ÷ n8n (webhook · API)'];
  const ms = (xs: number[] | undefined) => (xs ? `${round(median(xs)).toLocaleString('en-US')}` : '—');
  const rows = WORKLOADS.map((w) => {
    const s = samples[w.key] ?? {};
    const n8n = s.n8n ? median(s.n8n) : undefined;
    const ratio = (xs: number[] | undefined) => (xs && n8n ? `${round(median(xs) / n8n)}×` : '—');
    return [w.title, ms(s.nodeRed), ms(s.n8n), ms(s.weftApi), ms(s.weftHook), n8n ? `${ratio(s.weftHook)} · ${ratio(s.weftApi)}` : '—'];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export default bench;

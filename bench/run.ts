// Runs the benchmark suite, or the benchmarks named on the command line, one after another;
// prints each benchmark's figures as it ends and then one table of all of them, and writes the
// figures as JSON (and the table as Markdown) under bench/results/.
//   npm run bench                 every benchmark
//   npm run bench -- engine api   just these
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, markdownTable, tableRows, textTable, type Benchmark, type BenchResult } from './lib/suite.js';

/** Every benchmark, in the order the suite runs them (light ones first). */
const SUITE: Record<string, () => Promise<{ default: Benchmark }>> = {
  validation: () => import('./validation.js'),
  api: () => import('./api.js'),
  engine: () => import('./engine.js'),
  agent: () => import('./agent.js'),
  sandbox: () => import('./sandbox.js'),
  throughput: () => import('./throughput.js'),
  peers: () => import('./peers.js'),
  retrieval: () => import('./retrieval.js'),
  editor: () => import('./editor.js'),
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !(a in SUITE));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.map((u) => `"${u}"`).join(', ')}; there are: ${Object.keys(SUITE).join(', ')}`);
  process.exit(2);
}
const names = asked.length ? Object.keys(SUITE).filter((n) => asked.includes(n)) : Object.keys(SUITE);

const started = new Date();
const done: { name: string; title: string; seconds: number; result: BenchResult }[] = [];
const failed: { name: string; error: string }[] = [];
for (const name of names) {
  const bench = (await SUITE[name]!()).default;
  console.log(`\n▶ ${bench.title} (${name})`);
  const t = performance.now();
  try {
    const result = await bench.run((line) => console.log(`  ${line}`));
    const seconds = Math.round((performance.now() - t) / 100) / 10;
    done.push({ name, title: bench.title, seconds, result });
    console.log(textTable(tableRows([{ title: bench.title, result }])).replace(/^/gm, '  '));
    console.log(`  (${seconds} s)`);
  } catch (e) {
    // One broken benchmark does not hide the others' figures; the exit code tells.
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    failed.push({ name, error });
    console.error(`  ${name} failed: ${error}`);
  }
}

const rows = tableRows(done);
const info = { date: started.toISOString(), machine: machine(), command: `npm run bench${asked.length ? ` -- ${asked.join(' ')}` : ''}` };
console.log(`\nWeft benchmarks — ${info.date.slice(0, 10)}, ${info.machine.cores} cores, ${info.machine.memoryGiB} GiB, ${info.machine.cpu}, Node ${info.machine.node}\n`);
console.log(textTable(rows));

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
const json = JSON.stringify({ ...info, benchmarks: done, failed }, null, 2);
const stamp = info.date.replace(/[:.]/g, '-');
writeFileSync(join(dir, `${stamp}.json`), json);
writeFileSync(join(dir, 'latest.json'), json);
const md = `${info.date.slice(0, 10)} · ${info.machine.cores} cores · ${info.machine.memoryGiB} GiB · ${info.machine.cpu} · Node ${info.machine.node} · \`${info.command}\`\n\n${markdownTable(rows)}\n`;
writeFileSync(join(dir, 'latest.md'), md);
console.log(`\nfigures written to ${join('bench', 'results', `${stamp}.json`)} (and latest.json, latest.md)`);
if (failed.length) {
  console.error(`\n${failed.length} benchmark(s) failed: ${failed.map((f) => f.name).join(', ')}`);
  process.exitCode = 1;
}

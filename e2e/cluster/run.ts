// `npm run test:cluster`: the chaos runs against the production topology (Temporal's server and
// Weft's processes on PostgreSQL) and against the embedded product (`weft start`). Not part of
// `npm test`: the first run builds temporal-server with Go (about 7 minutes), and the two chaos
// runs take several minutes more. Options: --only cluster|embedded, --runs N, --rounds N (kills
// of each kind in the cluster), --kills N (process-group kills of the embedded product), --keep
// (keep the logs and data folder), --postgres URL (default postgres://postgres@127.0.0.1:5432).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterChaos } from './cluster.js';
import { embeddedChaos } from './embedded.js';
import { repoRoot } from './processes.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    kills: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    postgres: { type: 'string', default: process.env['WEFT_CLUSTER_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432' },
  },
  strict: true,
});
if (values.only && !['cluster', 'embedded'].includes(values.only)) throw new Error('--only takes cluster or embedded');
const runs = Number(values.runs);
const common = { runs, startEveryMs: 600, effectDelayMs: 150, timeoutMs: 15 * 60_000 };
const out = join(repoRoot, 'e2e', 'artifacts', 'cluster');
mkdirSync(out, { recursive: true });

let failed = 0;
for (const system of ['cluster', 'embedded'] as const) {
  if (values.only && values.only !== system) continue;
  const dir = mkdtempSync(join(tmpdir(), `weft-chaos-${system}-`));
  const started = Date.now();
  try {
    const report =
      system === 'cluster'
        ? await clusterChaos({ ...common, postgres: values.postgres, apis: 2, workers: 3, rounds: Number(values.rounds), dir })
        : await embeddedChaos({ ...common, kills: Number(values.kills), dir });
    writeFileSync(join(out, `${system}.json`), JSON.stringify({ ...report, date: new Date().toISOString(), wallS: Math.round((Date.now() - started) / 1000) }, null, 2));
    console.log(`${system}: passed in ${Math.round((Date.now() - started) / 1000)} s; report in ${join(out, `${system}.json`)}`);
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    failed++;
    console.error(`${system}: FAILED after ${Math.round((Date.now() - started) / 1000)} s — logs kept in ${dir}\n${(e as Error).stack ?? String(e)}`);
  }
}
process.exit(failed ? 1 : 0);

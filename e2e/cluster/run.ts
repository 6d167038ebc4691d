// The chaos runs, last step of `npm test` (and `npm run test:cluster` alone): against the
// production topology (Temporal's server and Weft's processes on the PostgreSQL server of
// DATABASE_URL, or --postgres) and against the embedded product (`weft start`), about two minutes
// each. Without a PostgreSQL server the cluster part is skipped, saying so. Options: --only
// cluster|embedded, --runs N, --rounds N (kills of each kind in the cluster), --kills N
// (process-group kills of the embedded product), --keep (keep logs and data), --postgres URL.
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
    postgres: { type: 'string' },
  },
  strict: true,
});
if (values.only && !['cluster', 'embedded'].includes(values.only)) throw new Error('--only takes cluster or embedded');
const runs = Number(values.runs);
// A run lasts about 10 s (9 effects of 1 s each), one starts every 300 ms: about 30 under way at once.
const common = { runs, startEveryMs: 300, effectDelayMs: 1000, timeoutMs: 15 * 60_000 };
const out = join(repoRoot, 'e2e', 'artifacts', 'cluster');
mkdirSync(out, { recursive: true });

// The server of DATABASE_URL, without its database: the cluster makes databases of its own there.
const postgresUrl = values.postgres ?? (process.env['DATABASE_URL'] ? Object.assign(new URL(process.env['DATABASE_URL']), { pathname: '', search: '' }).href.replace(/\/$/, '') : undefined);

let failed = 0;
for (const system of ['cluster', 'embedded'] as const) {
  if (values.only && values.only !== system) continue;
  if (system === 'cluster' && !postgresUrl) {
    console.log('cluster: skipped, it needs a PostgreSQL server: set DATABASE_URL (as .ci/run does) or pass --postgres postgres://user@host:port');
    if (values.only) failed++;
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), `weft-chaos-${system}-`));
  const started = Date.now();
  try {
    const report =
      system === 'cluster' && postgresUrl
        ? await clusterChaos({ ...common, postgres: postgresUrl, apis: 2, workers: 3, rounds: Number(values.rounds), dir })
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

// The API's request path against bare Hono routes doing the same core work, served by the same
// process: the real app as `weft start` builds it (PGlite in a temporary folder, migrations,
// bearer auth, rate limit, metrics, request log) next to a Hono app with no middleware. The load
// comes from autocannon in a child process, so it never shares the server's event loop; Weft and
// bare targets alternate, round after round, and each ratio compares figures of the same period.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { pino } from 'pino';
import { NodeRegistry } from '@weft/nodes';
import { validateWorkflow } from '@weft/schemas';
import { createApp, createMetrics, listen, seedExamples, type RunStarter } from '@weft/server';
import { setLogDestination } from '@weft/workers/process';
import { openDatabase, type Db } from '@weft/store';
import { workflowHash } from '@weft/store/repositories/workflow.repository';
import type { Benchmark, Figure } from './lib/suite.js';
import { round } from './lib/suite.js';
import { builtinRegistry } from '@weft/nodes/executors';

const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const SECONDS = 9;
const ROUNDS = 2;
const HOST = '127.0.0.1';
const EDITOR_DIR = new URL('../editor/dist', import.meta.url).pathname;
const SMALL_DOCUMENT = readFileSync(new URL('../examples/hello.json', import.meta.url), 'utf8');

/** One URL put under load. */
interface Target {
  readonly name: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What one autocannon run measured. */
interface Sample {
  readonly requests: number;
  readonly seconds: number;
  readonly p99: number;
  readonly p50: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/** A sample and the CPU time the server process spent meanwhile, in microseconds. */
interface Timed extends Sample {
  readonly cpuUs: number;
}

// Runs in the load process: autocannon takes each target sent over IPC and answers with its figures.
const LOAD_PROCESS = `
const autocannon = require(process.argv[1]);
process.on('message', (o) => {
  autocannon(o, (err, r) => {
    if (err) return process.send({ error: String(err) });
    process.send({ requests: r.requests.total, seconds: r.duration, p99: r.latency.p99, p50: r.latency.p50, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts });
  });
});`;

/** The load process, and a function that puts one target under load in it. */
function loadProcess(): { child: ChildProcess; load(t: Target, seconds: number): Promise<Sample> } {
  const autocannon = createRequire(import.meta.url).resolve('autocannon');
  const child = spawn(process.execPath, ['-e', LOAD_PROCESS, autocannon], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const load = (t: Target, seconds: number) =>
    new Promise<Sample>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load process exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m: Sample | { error: string }) => {
        child.off('exit', onExit);
        if ('error' in m) reject(new Error(`autocannon: ${m.error}`));
        else resolve(m);
      });
      child.send({ url: t.url, method: t.method, headers: t.headers, ...(t.body ? { body: t.body } : {}), connections: CONNECTIONS, duration: seconds });
    });
  return { child, load };
}

/** Runs need Temporal; neither measured route starts one. */
const noRuns: RunStarter = {
  start: () => Promise.reject(new Error('no runs in this benchmark')),
  cancel: () => Promise.reject(new Error('no runs in this benchmark')),
  decide: () => Promise.reject(new Error('no runs in this benchmark')),
  state: () => Promise.reject(new Error('no runs in this benchmark')),
  rerun: () => Promise.reject(new Error('no runs in this benchmark')),
  waitForEnd: () => Promise.reject(new Error('no runs in this benchmark')),
};

/** Hono with no middleware, doing each route's core work and nothing else. */
function bareApp(db: Db, registry: NodeRegistry) {
  return new Hono()
    .get('/bare/hello', (c) => c.json({ hello: 'world' }))
    .get('/bare/workflows/:id', async (c) => {
      const row = await db
        .selectFrom('workflow as w')
        .innerJoin('workflow_version as v', (j) => j.onRef('v.workflow_id', '=', 'w.id').on('v.version', '=', sql.ref<number>('w.latest_version')))
        .select(['w.id', 'w.name', 'v.version', 'v.hash', 'v.document', 'w.created_at', 'w.updated_at'])
        .where('w.id', '=', c.req.param('id'))
        .executeTakeFirst();
      if (!row) return c.json({ error: 'not found' }, 404);
      return c.json({ id: row.id, name: row.name, version: row.version, hash: row.hash, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(), document: row.document });
    })
    .post('/bare/validate', async (c) => {
      const result = validateWorkflow(await c.req.json(), registry);
      if (!result.ok) return c.json({ ok: false, problems: result.problems }, 422);
      return c.json({ ok: true, hash: workflowHash(result.document) });
    });
}

async function call(url: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url, init);
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const bench: Benchmark = {
  name: 'api',
  title: 'API vs bare Hono',
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'weft-bench-api-'));
    // Every request still logs its line, into a file: on the terminal it would drown the figures.
    const logFile = join(dir, 'server.log');
    setLogDestination(pino.destination({ dest: logFile, sync: false, mkdir: true }));
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pgdata') });
    const servers: { close(graceMs?: number): Promise<void> }[] = [];
    let loader: ReturnType<typeof loadProcess> | undefined;
    try {
      const registry = builtinRegistry();
      const controlKey = randomBytes(32).toString('hex');
      // As `weft start` builds it, but for Temporal (unused by these routes) and a rate limit no load
      // of one token reaches: the bucket is still kept and checked on every request.
      const app = createApp({
        db: database.db,
        registry,
        runs: noRuns,
        controlKey,
        metrics: createMetrics({ db: database.db, defaults: true }),
        rateLimitPerMinute: 1_000_000_000,
        editorDir: EDITOR_DIR,
      });
      await seedExamples(database.db, registry);
      const weft = await listen(app.fetch, HOST, 0);
      servers.push(weft);
      const bare = await listen(bareApp(database.db, registry).fetch, HOST, 0);
      servers.push(bare);

      // Tokens through the real routes: an admin from the local control endpoint (as `weft token
      // create` does), then the viewer the measured routes need, and the workflow they read.
      const json = { 'content-type': 'application/json' };
      const admin = (await call(`${weft.url}/api/_local/tokens`, { method: 'POST', headers: { ...json, 'x-weft-control-key': controlKey }, body: JSON.stringify({ role: 'admin', name: 'bench admin' }) })) as { token: string };
      const asAdmin = { ...json, authorization: `Bearer ${admin.token}` };
      const viewer = (await call(`${weft.url}/api/tokens`, { method: 'POST', headers: asAdmin, body: JSON.stringify({ role: 'viewer', name: 'bench viewer' }) })) as { token: string };
      const stored = (await call(`${weft.url}/api/workflows`, { method: 'POST', headers: asAdmin, body: SMALL_DOCUMENT })) as { id: string };
      const asViewer = { ...json, authorization: `Bearer ${viewer.token}` };

      type Key = 'weftRead' | 'bareRead' | 'weftValidate' | 'bareValidate' | 'hello';
      const targets: Record<Key, Target> = {
        weftRead: { name: 'weft GET /api/workflows/:id', url: `${weft.url}/api/workflows/${stored.id}`, method: 'GET', headers: asViewer },
        bareRead: { name: 'bare GET /bare/workflows/:id', url: `${bare.url}/bare/workflows/${stored.id}`, method: 'GET', headers: {} },
        weftValidate: { name: 'weft POST /api/workflows/validate', url: `${weft.url}/api/workflows/validate`, method: 'POST', headers: asViewer, body: SMALL_DOCUMENT },
        bareValidate: { name: 'bare POST /bare/validate', url: `${bare.url}/bare/validate`, method: 'POST', headers: json, body: SMALL_DOCUMENT },
        hello: { name: 'bare GET /bare/hello', url: `${bare.url}/bare/hello`, method: 'GET', headers: {} },
      };

      // Both sides answer the same thing before either is timed.
      for (const [a, b] of [['weftRead', 'bareRead'], ['weftValidate', 'bareValidate']] as const) {
        const [x, y] = await Promise.all([targets[a], targets[b]].map((t) => call(t.url, { method: t.method, headers: t.headers, ...(t.body ? { body: t.body } : {}) })));
        if (JSON.stringify(x) !== JSON.stringify(y)) throw new Error(`${a} and ${b} answer differently: ${JSON.stringify(x).slice(0, 200)} / ${JSON.stringify(y).slice(0, 200)}`);
      }

      loader = loadProcess();
      const order = Object.keys(targets) as Key[];
      // The API's path runs far more code than the bare one: it needs seconds of load before the
      // JIT has compiled it, so every target is warmed twice before anything is timed.
      log(`warm-up: 2 × ${WARMUP_SECONDS} s per target, ${CONNECTIONS} connections`);
      for (let i = 0; i < 2; i++) for (const k of order) await loader.load(targets[k], WARMUP_SECONDS);
      const samples = Object.fromEntries(order.map((k) => [k, [] as Timed[]])) as Record<Key, Timed[]>;
      for (let r = 0; r < ROUNDS; r++) {
        // Bare first in every other round, so a drift in the machine's load favours neither side.
        const pairs: Key[][] = [['weftRead', 'bareRead'], ['weftValidate', 'bareValidate']].map((p) => (r % 2 ? [...p].reverse() : p)) as Key[][];
        for (const k of [...pairs.flat(), 'hello' as const]) {
          const before = process.cpuUsage();
          const sample = await loader.load(targets[k], SECONDS);
          const used = process.cpuUsage(before);
          const s: Timed = { ...sample, cpuUs: used.user + used.system };
          if (s.non2xx || s.errors || s.timeouts) throw new Error(`${targets[k].name}: ${s.non2xx} non-2xx answers, ${s.errors} errors, ${s.timeouts} timeouts`);
          samples[k].push(s);
          log(`round ${r + 1}: ${targets[k].name.padEnd(36)} ${Math.round(s.requests / s.seconds).toString().padStart(6)} req/s   p99 ${s.p99} ms   ${Math.round(s.cpuUs / s.requests)} µs CPU/request`);
        }
      }

      const rate = (k: Key) => samples[k].reduce((a, s) => a + s.requests, 0) / samples[k].reduce((a, s) => a + s.seconds, 0);
      const cpuPerRequest = (k: Key) => samples[k].reduce((a, s) => a + s.cpuUs, 0) / samples[k].reduce((a, s) => a + s.requests, 0);
      const p99 = (k: Key) => samples[k].reduce((a, s) => a + s.p99, 0) / samples[k].length;
      const figures: Figure[] = [];
      const notes: Record<Key, string> = {
        weftRead: 'the real app: request log, metrics, body limit, bearer auth (viewer token), rate limit (raised so that one token under load stays within it), param validation, the workflow query, JSON view',
        bareRead: 'no middleware: one Kysely query (the same join of workflow and its latest version) and the same JSON view',
        weftValidate: 'the real app as above, then the shared validator and the content hash of the 4-node example document',
        bareValidate: 'no middleware: parses the body, calls the shared validator, hashes the document (as the API does) and answers JSON',
        hello: 'no middleware: answers a constant JSON object (the ceiling of Hono on @hono/node-server here)',
      };
      for (const k of order) {
        figures.push({ name: `${targets[k].name} req/s`, value: round(rate(k)), unit: 'req/s', note: notes[k] });
        figures.push({ name: `${targets[k].name} p99`, value: round(p99(k)), unit: 'ms', note: `mean over ${ROUNDS} rounds of each round's p99` });
        figures.push({ name: `${targets[k].name} CPU`, value: round(cpuPerRequest(k)), unit: 'µs/req', note: 'CPU time of the server process per request: less sensitive than req/s to what else the machine runs' });
      }
      const ratio = (a: Key, b: Key) => round(rate(a) / rate(b));
      figures.push({ name: 'GET workflow: weft ÷ bare', value: ratio('weftRead', 'bareRead'), unit: '×', goal: { op: '>=', value: 0.7 }, note: 'req/s of the API over the bare route doing the same work' });
      figures.push({ name: 'POST validate: weft ÷ bare', value: ratio('weftValidate', 'bareValidate'), unit: '×', goal: { op: '>=', value: 0.7 }, note: 'req/s of the API over the bare route doing the same work' });
      const cpuRatio = (a: Key, b: Key) => round(cpuPerRequest(b) / cpuPerRequest(a));
      figures.push({ name: 'GET workflow CPU: bare ÷ weft', value: cpuRatio('weftRead', 'bareRead'), unit: '×', note: 'server CPU per request of the bare route over the API, for context: near the req/s ratio when the server is the bottleneck' });
      figures.push({ name: 'POST validate CPU: bare ÷ weft', value: cpuRatio('weftValidate', 'bareValidate'), unit: '×', note: 'server CPU per request of the bare route over the API, for context' });
      figures.push({ name: 'GET workflow: weft ÷ hello', value: ratio('weftRead', 'hello'), unit: '×', note: 'against a constant answer, for context' });
      figures.push({ name: 'POST validate: weft ÷ hello', value: ratio('weftValidate', 'hello'), unit: '×', note: 'against a constant answer, for context' });
      log(`request log: ${Math.round(statSync(logFile).size / 1024)} KiB written to a file during the run`);
      return {
        figures,
        details: { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, rounds: ROUNDS, document: 'examples/hello.json', samples },
      };
    } finally {
      loader?.child.kill();
      for (const s of servers) await s.close(1000);
      await database.close();
      setLogDestination(pino.destination({ fd: 2, sync: true }));
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;

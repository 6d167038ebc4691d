// Weft as a user runs it: `weft start` (the built CLI, `npm run build` first) in a process of its
// own — Temporal dev server, PGlite, worker and API — reached only over HTTP: an admin token from
// the control endpoint (as `weft token create` gets it), workflows stored through the API, runs
// started with `POST /api/workflows/:id/runs` and through a sync webhook.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINAL_RUN_STATUSES, type RunStatus, type WorkflowInput } from '@weft/schemas';
import { signedWebhookHeaders } from '../../server/src/routes/webhooks.js';
import { environment, requestJson, startServer, waitUntil, type Server } from './process.js';
import { FIB_SOURCE, type Workload } from './workloads.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'server', 'dist', 'cli.js');
/** How often a run is read when the server cannot wait for its end (`?wait=`). */
export const POLL_MS = 5;

/** One call: its time in ms and what it answered. */
export interface Call {
  readonly ms: number;
  readonly answer: unknown;
}

/** A running Weft with an admin token. */
export interface WeftServer {
  readonly url: string;
  /** Whether `GET /api/runs/:id` takes `?wait=` (else a run's end is polled every `POLL_MS`). */
  readonly waitSupported: boolean;
  /** Stores the workload's workflow and a sync webhook bound to it; returns the two ways to run it. */
  prepare(w: Workload): Promise<{ api(body: unknown): Promise<Call>; hook(body: unknown): Promise<Call> }>;
  stop(): Promise<void>;
}

interface RunView {
  readonly status: RunStatus;
  readonly output: unknown;
  readonly error?: unknown;
}

/** Trigger → the workload's nodes → output: transforms (`$`, the input as it is) or code nodes. */
export function weftDocument(w: Workload): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [{ id: 'start', type: 'control.trigger' }];
  const edges: NonNullable<WorkflowInput['edges']> = [];
  let prev = 'start';
  for (let i = 1; i <= w.count; i++) {
    const id = `n${i}`;
    nodes.push(
      w.fib === undefined
        ? { id, type: 'analysis.transform', params: { expression: '$' } }
        : // fib(33) takes seconds in a sandbox: the node's limit is raised to its maximum.
          { id, type: 'execution.code', params: { code: `${FIB_SOURCE}\nreturn { value: fib(${w.fib}) };`, timeoutMs: 60_000 } },
    );
    edges.push({ id: `e${i}`, source: prev, target: id });
    prev = id;
  }
  nodes.push({ id: 'out', type: 'control.output' });
  edges.push({ id: 'e-out', source: prev, target: 'out' });
  return { schemaVersion: 1, name: `bench peers: ${w.title}`, nodes, edges };
}

/** Starts `weft start` on free ports in a temporary data dir. */
export async function startWeft(): Promise<WeftServer> {
  if (!existsSync(CLI)) throw new Error('server/dist/cli.js is missing: run `npm run build`');
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-peers-'));
  const dataDir = join(dir, 'data');
  const server: Server = startServer([CLI, 'start'], {
    cwd: ROOT,
    // The rate limit is off: polling a run every 5 ms is 200 requests a second from one token.
    env: environment(['WEFT_', 'DATABASE_', 'TEMPORAL_ADDRESS'], {
      WEFT_DATA_DIR: dataDir,
      WEFT_PORT: '0',
      WEFT_TEMPORAL_PORT: '0',
      WEFT_TEMPORAL_UI_PORT: '0',
      WEFT_LOG_LEVEL: 'warn',
      WEFT_RATE_LIMIT_PER_MINUTE: '0',
    }),
    logFile: join(dir, 'weft.log'),
  });
  const stop = async () => {
    await server.stop(30_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const control = join(dataDir, 'control.json');
    await waitUntil(server, 'weft start', async () => existsSync(control));
    const { url, key } = JSON.parse(readFileSync(control, 'utf8')) as { url: string; key: string };
    await waitUntil(server, 'weft start', async () => (await fetch(`${url}/readyz`)).ok);
    const admin = await requestJson<{ token: string }>(`${url}/api/_local/tokens`, { method: 'POST', headers: { 'x-weft-control-key': key }, json: { role: 'admin', name: 'bench peers' } });
    const auth = { authorization: `Bearer ${admin.body.token}` };
    const waitSupported = await takesWait(url);

    /** Reads the run until it has ended: waiting on the server, or polling. */
    const untilEnded = async (runId: string): Promise<RunView> => {
      for (;;) {
        const run = (await requestJson<RunView>(`${url}/api/runs/${runId}${waitSupported ? '?wait=30s' : ''}`, { headers: auth })).body;
        if (FINAL_RUN_STATUSES.includes(run.status)) return run;
        if (!waitSupported) await new Promise((r) => setTimeout(r, POLL_MS));
      }
    };
    const ended = (run: RunView, how: string) => {
      if (run.status !== 'completed') throw new Error(`Weft ${how}: the run ended ${run.status}: ${JSON.stringify(run.error ?? null).slice(0, 300)}`);
      return run.output;
    };

    let hooks = 0;
    return {
      url,
      waitSupported,
      async prepare(w) {
        const stored = await requestJson<{ id: string }>(`${url}/api/workflows`, { method: 'POST', headers: auth, json: weftDocument(w) });
        const path = `bench-${++hooks}`;
        const hook = await requestJson<{ secret: string }>(`${url}/api/webhooks`, { method: 'POST', headers: auth, json: { path, workflowId: stored.body.id, mode: 'sync', timeoutMs: 300_000 } });
        return {
          async api(body) {
            const t = performance.now();
            const started = await requestJson<{ runId: string }>(`${url}/api/workflows/${stored.body.id}/runs`, { method: 'POST', headers: auth, json: { input: body } });
            const run = await untilEnded(started.body.runId);
            const ms = performance.now() - t;
            return { ms, answer: ended(run, 'API') };
          },
          async hook(body) {
            const t = performance.now();
            // Signed as any sender signs, at the time of the call (see the README, Webhooks).
            const raw = JSON.stringify(body);
            const headers = signedWebhookHeaders(hook.body.secret, { timestamp: Math.floor(Date.now() / 1000), method: 'POST', path: `/hooks/${path}`, body: raw });
            const res = await fetch(`${url}/hooks/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
            const answer = (await res.json()) as RunView;
            const ms = performance.now() - t;
            if (res.status !== 200) throw new Error(`Weft sync webhook: ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
            return { ms, answer: ended(answer, 'sync webhook') };
          },
        };
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Whether the API documents a `wait` query parameter on `GET /api/runs/{id}`. */
async function takesWait(url: string): Promise<boolean> {
  const doc = (await requestJson<{ paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }> }>(`${url}/api/openapi.json`)).body;
  return Object.entries(doc.paths).some(([path, ops]) => /^\/api\/runs\/\{[^}/]+\}$/.test(path) && (ops.get?.parameters ?? []).some((p) => p.name === 'wait' && p.in === 'query'));
}

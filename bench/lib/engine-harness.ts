// One Temporal dev server, one embedded database and two workers in this process: Weft's (the
// product's worker with its activities and recording) and the raw peer's (hand-written
// workflows and activities), both on the same connection with the same worker settings, each on
// its own task queue. Runs of both are started and awaited the same way.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { NodeRegistry, type NodeDefinition } from '@weft/nodes';
import { builtinExecutors, type NodeExecutor, type Sandbox, builtinRegistry } from '@weft/nodes/executors';
import { validateWorkflow, type WorkflowInput } from '@weft/schemas';
import { createWorker, quietTemporalLogs } from '@weft/workers';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { findRun } from '@weft/store/repositories/run.repository';
import { createWorkflow, findWorkflow, workflowHash, type StoredWorkflow } from '@weft/store/repositories/workflow.repository';
import { createRunStarter, type RunStarter } from '../../server/src/runs/index.js';
import { connectTemporal, type TemporalConnections } from '../../server/src/temporal/connect.js';
import { DEV_SERVER_DYNAMIC_CONFIG, findTemporalCli, startDevServer, type DevServer } from '../../server/src/temporal/dev-server.js';
import { rawActivities } from '../raw/activities.js';
import { fibNode } from './fib-node.js';
import { activityDeps, type NodeTypes } from '@weft/workers/process';

/** Activities each worker runs at once: Weft's default. */
const MAX_CONCURRENT_ACTIVITIES = 100;

export interface HarnessOptions {
  /** Dynamic config of the dev server; Weft's tuned values by default, `{}` for Temporal's stock ones. */
  readonly dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
  /** SQLite pragmas of the dev server's file; Weft's by default, `{}` for SQLite's defaults. */
  readonly sqlitePragmas?: Readonly<Record<string, string>>;
  /** More configuration for Weft's worker (e.g. `WEFT_LLM_PROVIDERS`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where Weft's worker runs expressions and code; the process's sandbox pool by default. */
  readonly sandbox?: Sandbox;
}

export interface Harness {
  /** Stores a workflow document and returns it as the run service reads it. */
  store(doc: WorkflowInput): Promise<StoredWorkflow>;
  /**
   * Starts a Weft run the way the API does and waits for its result; returns milliseconds.
   * `local: false` compiles the run as `WEFT_LOCAL_ACTIVITIES=false` does: every node an activity;
   * `fuse: false` runs each light node as its own local activity instead of chains in one.
   */
  weft(wf: StoredWorkflow, o?: { local?: boolean; fuse?: boolean }): Promise<number>;
  /** Runs a raw workflow to its end; returns milliseconds. */
  raw(type: string, args: unknown[]): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the dev server, the database and both workers. */
export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  quietTemporalLogs('ERROR');
  const cli = findTemporalCli(process.env['TEMPORAL_CLI']);
  if (!cli) throw new Error('no temporal CLI: run `npm run setup`');
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const cleanup: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    // The embedded defaults: the dev server on a SQLite file, PGlite in a folder.
    const dev: DevServer = await startDevServer({ cli, dbFile: join(dir, 'temporal.db'), dynamicConfig: o.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG, ...(o.sqlitePragmas ? { sqlitePragmas: o.sqlitePragmas } : {}) });
    cleanup.push(() => dev.stop());
    const database: OpenDatabase = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pgdata') });
    cleanup.push(() => database.close());
    const temporal: TemporalConnections = await connectTemporal(dev.address, 'default', { worker: true });
    cleanup.push(() => temporal.close());

    const config = loadConfig({ WEFT_LOG_LEVEL: 'warn', WEFT_SECRET_KEY: randomBytes(32).toString('base64'), ...o.env });
    const executors: NodeExecutor[] = [...builtinExecutors, fibNode];
    const definitions: NodeDefinition[] = [...builtinRegistry().all(), fibNode.definition];
    const types: NodeTypes = { registry: new NodeRegistry(definitions), executors };

    const weftQueue = `bench-weft-${randomBytes(4).toString('hex')}`;
    const rawQueue = `bench-raw-${randomBytes(4).toString('hex')}`;
    const weftWorker = await createWorker({ connection: temporal.native!, taskQueue: weftQueue, maxConcurrentActivities: MAX_CONCURRENT_ACTIVITIES, ...activityDeps(config, database.db, types), ...(o.sandbox ? { sandbox: o.sandbox } : {}) });
    const rawWorker = await Worker.create({
      connection: temporal.native!,
      taskQueue: rawQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: rawWorkflowsPath(), logger: quiet }),
      activities: rawActivities,
      maxConcurrentActivityTaskExecutions: MAX_CONCURRENT_ACTIVITIES,
    });
    for (const w of [weftWorker, rawWorker]) {
      const running = w.run();
      cleanup.push(async () => {
        w.shutdown();
        await running;
      });
    }
    const starter = (localActivities: boolean, fuse: boolean): RunStarter => createRunStarter({ db: database.db, client: temporal.client, taskQueue: weftQueue, registry: types.registry, localActivities, fuse });
    const runs = { fused: starter(true, true), local: starter(true, false), activities: starter(false, false) };
    const client = temporal.client;

    return {
      async store(doc) {
        const checked = validateWorkflow(doc, types.registry);
        if (!checked.ok) throw new Error(`benchmark workflow is invalid: ${checked.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
        const id = `wf_${randomBytes(8).toString('hex')}`;
        await createWorkflow(database.db, { id, document: checked.document, hash: workflowHash(checked.document), createdBy: null });
        return (await findWorkflow(database.db, id))!;
      },
      async weft(wf, { local = true, fuse = true } = {}) {
        const t = performance.now();
        const runId = await (!local ? runs.activities : fuse ? runs.fused : runs.local).start(wf, {}, { trigger: 'manual', createdBy: null });
        await client.workflow.getHandle(runId).result().catch(async (e: Error) => {
          const failed = (await findRun(database.db, runId))?.error;
          throw new Error(`run ${runId} of "${wf.name}" failed: ${failed ? JSON.stringify(failed) : e.message}`);
        });
        return performance.now() - t;
      },
      async raw(type, args) {
        const t = performance.now();
        const workflowId = `raw-${randomBytes(8).toString('hex')}`;
        await client.workflow.execute(type, { taskQueue: rawQueue, workflowId, args });
        return performance.now() - t;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function rawWorkflowsPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'raw', 'workflows.ts');
}

const quiet = { trace() {}, debug() {}, info() {}, log() {}, warn: console.warn, error: console.error };

/** A workflow of a trigger and `count` fib(n) nodes one after another. */
export function sequentialDoc(count: number, n: number): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [{ id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } }];
  const edges: NonNullable<WorkflowInput['edges']> = [];
  for (let i = 1; i <= count; i++) {
    nodes.push({ id: `fib${i}`, type: 'analysis.fib', params: { n }, position: { x: i * 200, y: 0 } });
    edges.push({ id: `e${i}`, source: i === 1 ? 'start' : `fib${i - 1}`, target: `fib${i}` });
  }
  return { schemaVersion: 1, name: `bench ${count} × fib(${n}) in sequence`, nodes, edges };
}

/** A workflow of a trigger fanning out to `count` fib(n) nodes at once. */
export function fanoutDoc(count: number, n: number): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [{ id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } }];
  const edges: NonNullable<WorkflowInput['edges']> = [];
  for (let i = 1; i <= count; i++) {
    nodes.push({ id: `fib${i}`, type: 'analysis.fib', params: { n }, position: { x: 200, y: i * 100 } });
    edges.push({ id: `e${i}`, source: 'start', target: `fib${i}` });
  }
  return { schemaVersion: 1, name: `bench ${count} × fib(${n}) in parallel`, nodes, edges, settings: { concurrency: count } };
}

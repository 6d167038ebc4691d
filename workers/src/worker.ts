import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { sharedSandbox, type SandboxPool } from '@weft/nodes/executors';
import { createNodeActivities, type NodeActivityDeps } from './activities.js';
import { DEFAULT_TASK_QUEUE } from './task-queues.js';

/** Options of a Weft worker. */
export interface WeftWorkerOptions extends NodeActivityDeps {
  readonly connection: NativeConnection;
  readonly namespace?: string;
  readonly taskQueue?: string;
  /** Activities this worker runs at once. */
  readonly maxConcurrentActivities?: number;
  /** After `shutdown()`, how long running activities may take to finish before they are cancelled. */
  readonly shutdownGraceMs?: number;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow code, bundled once per process (bundling takes about a second). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
  return bundle;
}

/** Path of the workflows module: the compiled file, or the TypeScript source under tests. */
export function workflowsPath(): string {
  const js = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

/** Creates a worker that runs `runGraph` and the node activities on a task queue. */
export async function createWorker(options: WeftWorkerOptions): Promise<Worker> {
  const sandbox = options.sandbox ?? warmSandbox();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createNodeActivities({ ...options, sandbox }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    ...(options.shutdownGraceMs === undefined ? {} : { shutdownGraceTime: options.shutdownGraceMs }),
  });
}

/** The process's shared sandbox, with processes started before the first node needs one. */
function warmSandbox(): SandboxPool {
  const pool = sharedSandbox();
  pool.warm(2);
  return pool;
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
  log: () => undefined,
};

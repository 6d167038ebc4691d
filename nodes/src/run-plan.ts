import type { CompiledPlan, Workflow } from '@weft/schemas';
import { compilePlan, type CompileOptions } from './plan.js';
import type { NodeRegistry } from './registry.js';

/** A stored version of a workflow, as much of it as compiling needs. */
export interface PlannedVersion {
  readonly id: string;
  readonly version: number;
  readonly hash: string;
  readonly document: Workflow;
}

/** Compiles stored versions into plans, always with the same registry and options. */
export interface RunPlanner {
  /** The plan `runGraph` executes for `wf`; throws when the document no longer compiles. */
  plan(wf: PlannedVersion): CompiledPlan;
  /** A new run id with the plan of `wf`, for a run about to be recorded. */
  newRun(wf: PlannedVersion): { runId: string; plan: CompiledPlan };
}

/**
 * Builds the one place a process compiles plans, so every caller (the run service, the
 * reconciler, the run store) compiles with the same `localActivities` and `fuse`.
 * @example const planner = createRunPlanner(registry, { localActivities: config.WEFT_LOCAL_ACTIVITIES });
 */
export function createRunPlanner(registry: NodeRegistry, options: CompileOptions = {}): RunPlanner {
  const plan = (wf: PlannedVersion) => compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry, options);
  return { plan, newRun: (wf) => ({ runId: newRunId(), plan: plan(wf) }) };
}

/** A new run id: sortable by creation time, then random. */
export function newRunId(): string {
  // Web Crypto, so this module stays isomorphic like the rest of the package root.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(6));
  return `run_${Date.now().toString(36)}${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

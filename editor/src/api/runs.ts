import type { RunMock, RunSummary } from '@weft/schemas';
import { api, call, type CallOptions, type Ok } from './client';

/** How a run started, as the runs list filters it. */
export const RUN_TRIGGERS = ['manual', 'schedule', 'webhook', 'rerun', 'subworkflow', 'test'] as const;
export type RunTriggerType = (typeof RUN_TRIGGERS)[number];

/** One page of `GET /api/runs`. */
export interface RunPage {
  readonly items: readonly RunSummary[];
  readonly nextCursor: string | null;
}

/** `GET /api/runs`: a page of runs, newest first, optionally of one workflow or trigger. */
export async function listRunPage(
  query: { workflowId?: string; trigger?: RunTriggerType; cursor?: string; limit?: number },
  options?: CallOptions,
): Promise<RunPage> {
  const q = {
    ...(query.workflowId ? { workflowId: query.workflowId } : {}),
    ...(query.trigger ? { trigger: query.trigger } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
    ...(query.limit === undefined ? {} : { limit: String(query.limit) }),
  };
  const page = await call((o) => api.api.runs.$get({ query: q }, o), options);
  return { items: page.items, nextCursor: page.nextCursor ?? null };
}

/** `POST /api/runs/:id/cancel`. */
export async function cancelRun(id: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.runs[':id'].cancel.$post({ param: { id } }, o), options);
}

/** `POST /api/runs/:id/approve` or `/reject`: decides the run's waiting approval. */
export async function decideRun(id: string, approved: boolean, decision: { nodeId?: string; comment?: string }, options?: CallOptions): Promise<void> {
  const json = { ...(decision.nodeId ? { nodeId: decision.nodeId } : {}), ...(decision.comment ? { comment: decision.comment } : {}) };
  if (approved) await call((o) => api.api.runs[':id'].approve.$post({ param: { id }, json }, o), options);
  else await call((o) => api.api.runs[':id'].reject.$post({ param: { id }, json }, o), options);
}

/** What a re-run does again, reuses and sends out again. */
export type RerunPlan = Ok<Awaited<ReturnType<typeof api.api.runs[':id']['rerun']['$post']>>>;

/** `POST /api/runs/:id/rerun`: plans a re-run from `fromNode` (dry run) or starts it. */
export function rerunFrom(id: string, fromNode: string, dryRun: boolean, options?: CallOptions): Promise<RerunPlan> {
  return call((o) => api.api.runs[':id'].rerun.$post({ param: { id }, query: dryRun ? { dryRun: '1' } : {}, json: { fromNode } }, o), options);
}

/**
 * `POST /api/workflows/:id/runs` with mocks: a test run of the latest saved version in which the
 * mocked nodes do not run and yield the given output (recorded with the trigger `test`).
 */
export async function startTestRun(workflowId: string, input: unknown, mocks: Readonly<Record<string, RunMock>>, options?: CallOptions): Promise<string> {
  const { runId } = await call((o) => api.api.workflows[':id'].runs.$post({ param: { id: workflowId }, json: { input, mocks } }, o), options);
  return runId;
}

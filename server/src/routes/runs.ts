import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import {
  durationToMs,
  FINAL_RUN_STATUSES,
  AgentStepView,
  isBlobRef,
  LiveRunStateView,
  type LlmCallView,
  Page,
  RerunPlanView,
  RunSummary,
  type RunTrigger,
  RunView,
} from '@weft/schemas';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { listAgentSteps, listToolCalls } from '@weft/store/repositories/agent.repository';
import { findRun, getBlob, listEvents, listNodeRuns, listRuns } from '@weft/store/repositories/run.repository';
import { findWorkflow } from '@weft/store/repositories/workflow.repository';
import { listLlmCalls } from '@weft/store/repositories/llm.repository';
import { apiError } from '../errors.js';
import { nodeViews, runTotals } from '../run-view.js';
import type { RunStarter } from '../runs/index.js';
import { answerRunErrors } from './run-errors.js';
import { valid } from '../validation.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { describe, errorDoc, Text } from '../openapi.js';

const RunIdParam = z.object({ id: z.string().regex(/^run_[a-z0-9]{1,60}$/, 'expected a run id such as run_…') });
const ListQuery = z.object({
  workflowId: z.string().regex(/^wf_[a-z0-9]{1,40}$/).optional(),
  trigger: z.enum(['manual', 'schedule', 'webhook', 'rerun', 'subworkflow', 'test']).optional().meta({ description: 'Only runs started this way' }),
  triggerRef: z.string().min(1).max(200).optional().meta({ description: 'Only runs of this schedule id or webhook path' }),
  limit: PageQuery.shape.limit,
  cursor: PageQuery.shape.cursor,
});
const DecisionBody = z
  .object({
    nodeId: z.string().min(1).max(64).optional().meta({ description: 'The approval node; needed only when several wait' }),
    call: z.string().min(1).max(1000).optional().meta({ description: 'An agent\'s tool call waiting for approval (its key, from the approvals list)' }),
    arguments: z.record(z.string(), z.unknown()).optional().meta({ description: 'When approving a tool call: run it with these arguments instead of the model\'s' }),
    comment: z.string().max(5000).optional().meta({ description: 'Why; when rejecting a tool call, the agent\'s model reads it' }),
  })
  .strict();
const TranscriptQuery = z.object({ agent: z.string().min(1).max(1000).optional().meta({ description: 'One conversation: the agent node id, or the path of an agent called as a tool' }) });
/** The longest `GET /api/runs/:id?wait=`. */
export const RUN_WAIT_MAX_MS = 60_000;
const DetailQuery = z.object({
  wait: z
    .string()
    .regex(/^(0|\d+(\.\d+)?(ms|s|m))$/, 'expected a duration such as 500ms, 30s or 1m (0: no wait)')
    .transform((d) => Math.ceil(durationToMs(d) ?? 0))
    .pipe(z.number().max(RUN_WAIT_MAX_MS, `at most ${RUN_WAIT_MAX_MS / 1000}s`))
    .optional()
    .meta({ description: `Answer once the run has ended, or after this long (at most ${RUN_WAIT_MAX_MS / 1000}s) with the run as it then is` }),
});
const runDoc = describe({
  summary: 'Read a run with its per-node attempts',
  description:
    `With \`?wait=30s\` (at most ${RUN_WAIT_MAX_MS / 1000}s; 0, the default, does not wait) the answer comes as soon as the run is in a final status, ` +
    'or when the wait is over, with the run as it then is (200 either way): a client learns that a run ended without polling. The end is learnt from Temporal, not by polling the database.',
  tags: ['runs'],
  responses: { 200: { description: 'The run with its nodes', schema: RunView } },
});
const Decided = z.object({ runId: z.string(), nodeId: z.string(), call: z.string().optional(), approved: z.boolean() });
const refused = (what: string) => ({ 409: errorDoc(`The run is not in a state to ${what}`), 503: errorDoc('Temporal did not answer') });
const EventsQuery = z.object({ after: z.coerce.number().int().min(0).optional() });
const RerunBody = z
  .object({
    fromNode: z.string().min(1).max(64).meta({ description: 'Runs this node and everything downstream of it again' }),
    version: z.number().int().min(1).optional().meta({ description: 'Workflow version to run; the original run\'s by default' }),
  })
  .strict();
const RerunQuery = z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() });

/** What started a run, as the API shows it. */
function runTrigger(r: { trigger: string; trigger_ref: string | null }): RunTrigger {
  return { type: r.trigger, ...(r.trigger_ref ? { ref: r.trigger_ref } : {}) };
}

/** Runs: list, detail with per-node attempts, cancel, approve / reject, and the event stream. */
export function runRoutes(deps: { db: Db; runs: RunStarter; pollMs?: number }) {
  const { db, runs } = deps;
  const pollMs = deps.pollMs ?? 250;
  return new Hono<AuthEnv>()
    .onError(answerRunErrors)
    .use(requireRole('viewer'))
    .get('/', describe({ summary: 'List runs, newest first', tags: ['runs'], responses: { 200: { description: 'A page of runs', schema: Page(RunSummary) } } }), valid('query', ListQuery), async (c) => {
      const { cursor, limit, ...filter } = c.req.valid('query');
      const after = decodeCursor(cursor, 2) as [string, string] | undefined;
      const rows = await listRuns(db, { ...filter, limit: limit + 1, ...(after ? { after } : {}) });
      const page = toPage(rows, limit, (r) => [r.sort_at, r.id], (r): RunSummary => ({
        id: r.id,
        workflowId: r.workflow_id,
        version: r.version,
        status: r.status,
        createdAt: r.created_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
        trigger: runTrigger(r),
      }));
      return c.json(page);
    })
    .get('/:id', runDoc, valid('param', RunIdParam), valid('query', DetailQuery), async (c) => {
      const { id } = c.req.valid('param');
      const { wait } = c.req.valid('query');
      const run = wait ? await runs.waitForEnd(id, { timeoutMs: wait, signal: c.req.raw.signal }) : await findRun(db, id);
      if (!run) return apiError(c, 404, 'not_found', `no run ${id}`);
      // One after another: a single-connection database (PGlite behind a socket) must not get them interleaved.
      const attempts = await listNodeRuns(db, id);
      const wf = await findWorkflow(db, run.workflow_id, run.version);
      const calls = await listLlmCalls(db, id);
      const resolve = (v: unknown) => (isBlobRef(v) ? getBlob(db, v.$weftBlob) : Promise.resolve(v));
      // An input merged from several edges holds one reference per large upstream output.
      const resolveInput = async (v: unknown): Promise<unknown> => {
        if (v === null || typeof v !== 'object' || Array.isArray(v) || isBlobRef(v) || !Object.values(v).some(isBlobRef)) return resolve(v);
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = await resolve(x);
        return out;
      };
      const llmOf = (nodeId: string): LlmCallView[] =>
        calls
          .filter((k) => k.node_id === nodeId && k.item === -1)
          .map((k) => ({
            attempt: k.attempt,
            provider: k.provider,
            model: k.model,
            inputTokens: k.input_tokens,
            outputTokens: k.output_tokens,
            costUsd: k.cost_usd,
            latencyMs: k.latency_ms,
            error: k.error,
            at: k.at.toISOString(),
          }));
      const toolCalls = await listToolCalls(db, id);
      const nodes = await Promise.all(
        nodeViews(wf?.document, attempts, run.status, run.error, toolCalls).map(async (n) => {
          const llm = llmOf(n.id);
          return { ...n, input: await resolveInput(n.input), output: await resolve(n.output), ...(llm.length ? { llm } : {}) };
        }),
      );
      const view: RunView = {
        id: run.id,
        workflowId: run.workflow_id,
        version: run.version,
        hash: run.hash,
        status: run.status,
        input: run.input,
        output: (await resolve(run.output)) ?? null,
        error: (run.error) ?? null,
        createdAt: run.created_at.toISOString(),
        startedAt: run.started_at?.toISOString() ?? null,
        finishedAt: run.finished_at?.toISOString() ?? null,
        nodes,
        totals: runTotals(calls),
        trigger: runTrigger(run),
      };
      return c.json(view);
    })
    .post('/:id/cancel', describe({
      summary: 'Cancel a run',
      tags: ['runs'],
      responses: {
        200: { description: 'Cancelled at once: its workflow had not started', schema: z.object({ runId: z.string(), cancelling: z.literal(false), status: z.literal('cancelled') }) },
        202: { description: 'Asked to stop; it rolls back', schema: z.object({ runId: z.string(), cancelling: z.literal(true) }) },
        ...refused('cancel'),
      },
    }), requireRole('operator'), valid('param', RunIdParam), async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      // A run whose workflow never started ends at once; a started one is asked to stop and rolls back.
      if ((await runs.cancel(id, { id: caller.tokenId, name: caller.name })) === 'cancelled') return c.json({ runId: id, cancelling: false, status: 'cancelled' as const }, 200);
      return c.json({ runId: id, cancelling: true }, 202);
    })
    .post('/:id/approve', describe({ summary: 'Approve a waiting approval node', tags: ['runs'], responses: { 202: { description: 'The decision was sent to the run', schema: Decided }, ...refused('approve') } }), requireRole('operator'), valid('param', RunIdParam), valid('json', DecisionBody), async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const decided = await runs.decide(id, { ...c.req.valid('json'), approved: true }, { id: caller.tokenId, name: caller.name });
      return c.json({ runId: id, ...decided, approved: true }, 202);
    })
    .post('/:id/reject', describe({ summary: 'Reject a waiting approval node', tags: ['runs'], responses: { 202: { description: 'The decision was sent to the run', schema: Decided }, ...refused('reject') } }), requireRole('operator'), valid('param', RunIdParam), valid('json', DecisionBody), async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const decided = await runs.decide(id, { ...c.req.valid('json'), approved: false }, { id: caller.tokenId, name: caller.name });
      return c.json({ runId: id, ...decided, approved: false }, 202);
    })
    .post('/:id/rerun', describe({
      summary: 'Re-run from a node (or plan it with ?dryRun=1)',
      tags: ['runs'],
      responses: {
        200: { description: 'The plan of a dry run (nothing started)', schema: RerunPlanView },
        202: { description: 'Started: the plan with the new run\'s id', schema: RerunPlanView },
        ...refused('re-run'),
      },
    }), requireRole('operator'), valid('param', RunIdParam), valid('query', RerunQuery), valid('json', RerunBody), async (c) => {
      const { id } = c.req.valid('param');
      const dry = c.req.valid('query').dryRun;
      const caller = c.get('caller');
      const plan = await runs.rerun(id, { ...c.req.valid('json'), dryRun: dry === '1' || dry === 'true' }, { id: caller.tokenId, name: caller.name });
      return c.json(plan, plan.runId ? 202 : 200);
    })
    .get('/:id/transcript', describe({ summary: 'The transcripts of the run\'s agents: task, turns and tool calls, in order', tags: ['runs'], responses: { 200: { description: 'The steps, in order', schema: z.object({ steps: z.array(AgentStepView) }) } } }), valid('param', RunIdParam), valid('query', TranscriptQuery), async (c) => {
      const { id } = c.req.valid('param');
      if (!(await findRun(db, id))) return apiError(c, 404, 'not_found', `no run ${id}`);
      return c.json({ steps: await listAgentSteps(db, id, c.req.valid('query').agent) });
    })
    .get('/:id/state', describe({ summary: 'Query the live state of a run from Temporal', tags: ['runs'], responses: { 200: { description: 'Per-node status and waiting approvals', schema: LiveRunStateView }, 503: errorDoc('Temporal did not answer') } }), valid('param', RunIdParam), async (c) => {
      const { id } = c.req.valid('param');
      if (!(await findRun(db, id))) return apiError(c, 404, 'not_found', `no run ${id}`);
      return c.json(await runs.state(id));
    })
    .get('/:id/events', describe({
      summary: 'Stream the events of a run (Server-Sent Events)',
      tags: ['runs'],
      responses: { 200: { description: 'One SSE message per event (`event`: its type, `data`: the event as JSON), ending after the run ends', type: 'text/event-stream', schema: Text } },
    }), valid('param', RunIdParam), valid('query', EventsQuery), async (c) => {
      const { id } = c.req.valid('param');
      if (!(await findRun(db, id))) return apiError(c, 404, 'not_found', `no run ${id}`);
      // Resume after the last event the client saw: the SSE header on reconnect, or ?after=.
      const header = Number(c.req.header('last-event-id'));
      let after = Number.isInteger(header) && header > 0 ? header : (c.req.valid('query').after ?? 0);
      return streamSSE(c, async (stream) => {
        let open = true;
        stream.onAbort(() => {
          open = false;
        });
        while (open) {
          const events = await listEvents(db, id, after);
          for (const e of events) {
            after = Number(e.id);
            await stream.writeSSE({
              id: String(e.id),
              event: e.type,
              data: JSON.stringify({ id: Number(e.id), runId: e.run_id, type: e.type, nodeId: e.node_id, attempt: e.attempt, item: e.item, data: e.data, at: e.at.toISOString() }),
            });
          }
          if (events.length > 0) continue;
          const run = await findRun(db, id);
          if (!run || FINAL_RUN_STATUSES.includes(run.status)) {
            // Everything up to the end has been sent; a final read catches an event written meanwhile.
            if ((await listEvents(db, id, after, 1)).length === 0) break;
            continue;
          }
          await stream.sleep(pollMs);
        }
      });
    });
}

import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { describe } from '../openapi.js';
import type { RunStarter } from '../runs/index.js';
import { answerRunErrors } from './run-errors.js';

/** The most waiting runs one answer covers, oldest first. */
const MAX_RUNS = 200;

const ApprovalView = z.object({
  runId: z.string(),
  workflowId: z.string(),
  workflowName: z.string(),
  nodeId: z.string(),
  title: z.string().meta({ description: 'As the run rendered it (expressions evaluated)' }),
  description: z.string().nullable().meta({ description: 'As the run rendered it (expressions evaluated)' }),
  waitingSince: z.string().nullable(),
  deadline: z.string().nullable().meta({ description: 'When the node\'s timeout outcome applies' }),
  call: z
    .object({
      key: z.string().meta({ description: 'What a decision names (`call` in the approve and reject bodies)' }),
      agent: z.string(),
      turn: z.number(),
      tool: z.string(),
      toolNode: z.string(),
      arguments: z.record(z.string(), z.unknown()),
      reason: z.string(),
      parameters: z.record(z.string(), z.unknown()).optional().meta({ description: 'JSON Schema of the tool\'s arguments: edited arguments must follow it' }),
    })
    .nullable()
    .meta({ description: 'For an agent\'s tool call: the call, its arguments and why it needs approval; the transcript shows the conversation so far' }),
});

/**
 * `GET /api/approvals`: every approval a run waits on, with its title and text as the run rendered
 * them — the inbox, and the count in the editor's navigation. Runs whose workflow does not answer
 * (no worker yet) are left out until it does.
 */
export function approvalRoutes(deps: { db: Db; runs: Pick<RunStarter, 'state'> }) {
  const { db, runs } = deps;
  return new Hono<AuthEnv>().onError(answerRunErrors).use(requireRole('viewer')).get(
    '/',
    describe({
      summary: 'List the approvals runs are waiting on, oldest first, as each run rendered them',
      tags: ['runs'],
      responses: { 200: { description: 'Waiting approvals', schema: z.object({ items: z.array(ApprovalView) }) } },
    }),
    async (c) => {
      const waiting = await db
        .selectFrom('run')
        .innerJoin('workflow', 'workflow.id', 'run.workflow_id')
        .select(['run.id', 'run.workflow_id', 'workflow.name'])
        .where('run.status', '=', 'waiting')
        .orderBy('run.created_at')
        .limit(MAX_RUNS)
        .execute();
      if (waiting.length === 0) return c.json({ items: [] });
      const since = await db
        .selectFrom('node_run')
        .select(['run_id', 'node_id', 'started_at'])
        .where('run_id', 'in', waiting.map((r) => r.id))
        .where('status', '=', 'waiting')
        .where('item', '=', -1)
        .execute();
      const startedAt = new Map(since.map((s) => [`${s.run_id}:${s.node_id}`, s.started_at.toISOString()]));
      const calls = await db
        .selectFrom('agent_step')
        .select(['run_id', 'data', 'started_at'])
        .where('run_id', 'in', waiting.map((r) => r.id))
        .where('status', '=', 'waiting')
        .execute();
      for (const s of calls) startedAt.set(`${s.run_id}:${String((s.data as { key?: unknown }).key)}`, s.started_at.toISOString());
      const states = await Promise.all(waiting.map((r) => runs.state(r.id).catch(() => null)));
      const items: z.infer<typeof ApprovalView>[] = [];
      waiting.forEach((r, i) => {
        for (const a of states[i]?.approvals ?? []) {
          items.push({
            runId: r.id,
            workflowId: r.workflow_id,
            workflowName: r.name,
            nodeId: a.nodeId,
            title: a.title,
            description: a.description ?? null,
            waitingSince: startedAt.get(`${r.id}:${a.call ? a.call.key : a.nodeId}`) ?? null,
            deadline: a.deadline ?? null,
            call: a.call ? { ...a.call } : null,
          });
        }
      });
      items.sort((a, b) => (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
      return c.json({ items });
    },
  );
}

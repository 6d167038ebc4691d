import { sql } from 'kysely';
import type { AgentEventData, AgentStep, AgentStepWrite } from '@weft/schemas';
import { json, type Db } from '../database.js';
import type { AgentStepRow } from '../tables/index.js';
import { appendEvent } from './run.repository.js';

const OPEN: readonly string[] = ['running', 'waiting'];

/**
 * Records a step of an agent's transcript: the same turn and part again replaces it (a retried
 * call, a decision on a waiting one), but a step that has ended is never reopened. An `agent`
 * event tells viewers what changed.
 */
export async function putAgentStep(db: Db, s: AgentStepWrite): Promise<void> {
  const ended = !OPEN.includes(s.status);
  await db.transaction().execute(async (tx) => {
    const written = await tx
      .insertInto('agent_step')
      .values({ run_id: s.runId, agent: s.agent, node_id: s.nodeId, turn: s.turn, part: s.part, kind: s.kind, status: s.status, data: json(s.data), ended_at: ended ? sql<Date>`now()` : null })
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'agent', 'turn', 'part'])
          .doUpdateSet({ status: s.status, data: json(s.data), node_id: s.nodeId, kind: s.kind, ended_at: ended ? sql<Date>`now()` : null })
          .where('agent_step.ended_at', 'is', null),
      )
      .returning('id')
      .executeTakeFirst();
    if (!written) return;
    const tool = s.kind === 'call' ? (s.data as { tool?: unknown; name?: unknown }) : undefined;
    await appendEvent(tx, {
      runId: s.runId,
      type: 'agent',
      nodeId: s.nodeId,
      data: { agent: s.agent, turn: s.turn, part: s.part, kind: s.kind, status: s.status, ...(tool ? { tool: String(tool.tool), name: String(tool.name) } : {}) } satisfies AgentEventData,
    });
  });
}

/** The steps of one conversation (or of every conversation of the run; of one turn when `turn` is given), in order. */
export async function listAgentSteps(db: Db, runId: string, agent?: string, turn?: number): Promise<AgentStep[]> {
  let q = db.selectFrom('agent_step').selectAll().where('run_id', '=', runId);
  if (agent !== undefined) q = q.where('agent', '=', agent);
  if (turn !== undefined) q = q.where('turn', '=', turn);
  const rows = await q.orderBy('agent').orderBy('turn').orderBy('part').execute();
  return rows.map(toStep);
}

function toStep(r: AgentStepRow): AgentStep {
  return {
    agent: r.agent,
    nodeId: r.node_id,
    turn: r.turn,
    part: r.part,
    kind: r.kind,
    status: r.status,
    data: r.data as AgentStep['data'],
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at ? r.ended_at.toISOString() : null,
  };
}

/** For each tool node of a run's agents: how many calls it had and the status of the latest. */
export async function listToolCalls(db: Db, runId: string): Promise<Map<string, { count: number; last: AgentStep['status'] }>> {
  const rows = await db
    .selectFrom('agent_step')
    .select(['status', sql<string>`data->>'tool'`.as('tool')])
    .where('run_id', '=', runId)
    .where('kind', '=', 'call')
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  const out = new Map<string, { count: number; last: AgentStep['status'] }>();
  for (const r of rows) if (r.tool) out.set(r.tool, { count: (out.get(r.tool)?.count ?? 0) + 1, last: r.status });
  return out;
}

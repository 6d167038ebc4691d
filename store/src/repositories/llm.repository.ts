import { sql } from 'kysely';
import type { LlmCallRecord, LlmUsage } from '@weft/nodes';
import { WorkflowSettings } from '@weft/schemas';
import type { Db } from '../database.js';
import type { LlmCallRow } from '../tables/index.js';

/** Records one provider call of an LLM node attempt. */
export async function recordLlmCall(db: Db, c: LlmCallRecord): Promise<void> {
  await db
    .insertInto('llm_call')
    .values({
      run_id: c.runId,
      node_id: c.nodeId,
      attempt: c.attempt,
      ...(c.item === undefined ? {} : { item: c.item }),
      provider: c.provider,
      model: c.model,
      input_tokens: c.inputTokens,
      output_tokens: c.outputTokens,
      cost_usd: c.costUsd,
      latency_ms: Math.round(c.latencyMs),
      error: c.error ?? null,
    })
    .execute();
}

/** What a run spent on LLMs so far, and the budget and provider chain of its workflow version. */
export async function llmUsage(db: Db, runId: string): Promise<LlmUsage> {
  const spent = await db
    .selectFrom('llm_call')
    .select([sql<string>`coalesce(sum(input_tokens + output_tokens), 0)`.as('tokens'), sql<string>`coalesce(sum(cost_usd), 0)`.as('cost')])
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  const version = await db
    .selectFrom('run')
    .innerJoin('workflow_version', (j) => j.onRef('workflow_version.workflow_id', '=', 'run.workflow_id').onRef('workflow_version.version', '=', 'run.version'))
    .select('workflow_version.document')
    .where('run.id', '=', runId)
    .executeTakeFirst();
  const settings = version ? WorkflowSettings.safeParse((version.document).settings) : undefined;
  const budget = settings?.success ? (settings.data.budget ?? {}) : {};
  const providers = settings?.success ? settings.data.providers : undefined;
  return { tokens: Number(spent.tokens), costUsd: Number(spent.cost), budget, ...(providers ? { providers } : {}) };
}

/** A run's LLM calls, oldest first. */
export async function listLlmCalls(db: Db, runId: string): Promise<LlmCallRow[]> {
  return db.selectFrom('llm_call').selectAll().where('run_id', '=', runId).orderBy('id').execute();
}

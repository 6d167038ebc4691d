import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { ATTEMPT_LOST, FINAL_RUN_STATUSES, type AttemptPhase, type ReusedResult, type RunEventType, type RunStatus } from '@weft/schemas';
import { json, type Db } from '../database.js';
import type { Database, NodeRunRow, RunEventRow, RunRow } from '../tables/index.js';

type Tx = Transaction<Database>;

/** Inserts a queued run. */
export async function insertRun(
  db: Db | Tx,
  r: {
    id: string;
    workflowId: string;
    version: number;
    hash: string;
    input: unknown;
    trigger: string;
    createdBy: string | null;
    parentRunId?: string;
    parentNodeId?: string;
    rerunOf?: string;
    /** The schedule id or webhook path, for runs those started. */
    triggerRef?: string;
    /** The HTTP request of a webhook run, kept so a lost start can be repeated with the same input. */
    request?: unknown;
  },
): Promise<void> {
  await db
    .insertInto('run')
    .values({
      id: r.id,
      workflow_id: r.workflowId,
      version: r.version,
      hash: r.hash,
      status: 'queued',
      trigger: r.trigger,
      input: json(r.input),
      temporal_workflow_id: r.id,
      created_by: r.createdBy,
      parent_run_id: r.parentRunId ?? null,
      parent_node_id: r.parentNodeId ?? null,
      rerun_of: r.rerunOf ?? null,
      trigger_ref: r.triggerRef ?? null,
      ...(r.request === undefined ? {} : { request: json(r.request) }),
    })
    .execute();
  await appendEvent(db, { runId: r.id, type: 'run', data: { status: 'queued' } });
}

/** Appends one event to a run's stream. */
export async function appendEvent(
  db: Db | Tx,
  e: { runId: string; type: RunEventType; nodeId?: string; attempt?: number; item?: number; data?: unknown },
): Promise<void> {
  await db
    .insertInto('run_event')
    .values({ run_id: e.runId, type: e.type, node_id: e.nodeId ?? null, attempt: e.attempt ?? null, item: e.item ?? null, data: json(e.data ?? null) })
    .execute();
}

/** Events of a run after `afterId`, oldest first. */
export async function listEvents(db: Db, runId: string, afterId = 0, limit = 500): Promise<RunEventRow[]> {
  return db.selectFrom('run_event').selectAll().where('run_id', '=', runId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

/**
 * Moves a run to a new status and records the event. A final status is never replaced, so a late
 * or repeated delivery cannot undo the end of a run; a repeat of the same status records nothing.
 * With `from`, the run moves only if it is in that status. Says whether the run moved.
 */
export async function updateRunStatus(db: Db, c: { runId: string; status: RunStatus; output?: unknown; error?: unknown; skipped?: readonly string[]; from?: RunStatus }): Promise<boolean> {
  const final = FINAL_RUN_STATUSES.includes(c.status);
  return db.transaction().execute(async (tx) => {
    let update = tx
      .updateTable('run')
      .set({
        status: c.status,
        ...(c.status === 'running' ? { started_at: sql<Date>`coalesce(started_at, now())` } : {}),
        ...(final ? { finished_at: sql<Date>`now()`, output: json(c.output ?? null), error: json(c.error ?? null) } : {}),
      })
      .where('id', '=', c.runId)
      .where('status', 'not in', [...FINAL_RUN_STATUSES])
      .where('status', '<>', c.status);
    if (c.from) update = update.where('status', '=', c.from);
    const res = await update.executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return false;
    for (const nodeId of c.skipped ?? []) await appendEvent(tx, { runId: c.runId, type: 'skipped', nodeId });
    await appendEvent(tx, { runId: c.runId, type: 'run', data: { status: c.status, ...(c.error ? { error: c.error } : {}) } });
    return true;
  });
}

/**
 * Removes a run that never started (still `queued`) with its events and reused results, for a
 * start Temporal refused: the caller was told nothing started. Says whether it was removed; a
 * run that has moved on (its workflow did start after all) is kept.
 */
export async function deleteUnstartedRun(db: Db, runId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('run').select('status').where('id', '=', runId).forUpdate().executeTakeFirst();
    if (row?.status !== 'queued') return false;
    await tx.deleteFrom('node_run').where('run_id', '=', runId).execute();
    await tx.deleteFrom('run_event').where('run_id', '=', runId).execute();
    await tx.deleteFrom('run').where('id', '=', runId).execute();
    return true;
  });
}

/** Runs still `queued` that were recorded more than `olderThanMs` ago (by the database's clock), oldest first. */
export async function listQueuedRuns(db: Db, f: { olderThanMs: number; limit: number }): Promise<RunRow[]> {
  return db
    .selectFrom('run')
    .selectAll()
    .where('status', '=', 'queued')
    .where('created_at', '<', sql<Date>`now() - ${f.olderThanMs} * interval '1 millisecond'`)
    .orderBy('created_at')
    .limit(f.limit)
    .execute();
}

/**
 * Runs `running` or `waiting` whose last event is more than `quietMs` old (by the database's
 * clock), at most `limit`, in random order: however many runs wait long on a person or a timer,
 * successive passes reach each of them.
 */
export async function listQuietRuns(db: Db, f: { quietMs: number; limit: number }): Promise<RunRow[]> {
  return db
    .selectFrom('run')
    .selectAll()
    .where('status', 'in', ['running', 'waiting'])
    // The newest event only, through the (run_id, id) index: an agent's run may have thousands.
    .where(
      (eb) => eb.selectFrom('run_event').select('run_event.at').whereRef('run_event.run_id', '=', 'run.id').orderBy('run_event.id', 'desc').limit(1),
      '<',
      sql<Date>`now() - ${f.quietMs} * interval '1 millisecond'`,
    )
    .orderBy(sql`random()`)
    .limit(f.limit)
    .execute();
}

/** The results a re-run was started with (its attempt 0 rows), as `runGraph` takes them. */
export async function reusedResults(db: Db, runId: string): Promise<Record<string, ReusedResult>> {
  const rows = await db
    .selectFrom('node_run')
    .select(['node_id', 'output', 'routes'])
    .where('run_id', '=', runId)
    .where('attempt', '=', 0)
    .where('phase', '=', 'execute')
    .where('item', '=', -1)
    .execute();
  const out: Record<string, ReusedResult> = {};
  for (const r of rows) {
    const routes = r.routes ?? { falseEdges: [] };
    out[r.node_id] = { output: r.output, ...(routes.ports ? { ports: routes.ports } : {}), falseEdges: routes.falseEdges ?? [] };
  }
  return out;
}

/** One run by id. */
export async function findRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('run').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs newest first, optionally of one workflow or trigger (and the schedule id or webhook path). */
export async function listRuns(db: Db, f: { workflowId?: string; trigger?: string; triggerRef?: string; limit: number; after?: readonly [string, string] }) {
  let q = db
    .selectFrom('run')
    .select(['id', 'workflow_id', 'version', 'status', 'created_at', 'finished_at', 'trigger', 'trigger_ref'])
    // Full precision, for the cursor: a JS Date keeps milliseconds only.
    .select(sql<string>`created_at::text`.as('sort_at'));
  if (f.workflowId) q = q.where('workflow_id', '=', f.workflowId);
  if (f.trigger) q = q.where('trigger', '=', f.trigger);
  if (f.triggerRef) q = q.where('trigger_ref', '=', f.triggerRef);
  if (f.after) q = q.where(sql<boolean>`(created_at, id) < (${f.after[0]}::timestamptz, ${f.after[1]})`);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** Every recorded attempt of a run's nodes (not of loop items), in order. */
export async function listNodeRuns(db: Db, runId: string): Promise<NodeRunRow[]> {
  return db.selectFrom('node_run').selectAll().where('run_id', '=', runId).where('item', '=', -1).orderBy('node_id').orderBy('phase').orderBy('attempt').execute();
}

interface AttemptKey {
  runId: string;
  nodeId: string;
  attempt: number;
  phase?: AttemptPhase;
  item?: number;
}

/** What a lost attempt records as its error (and its `lost` event carries). */
export const LOST_ATTEMPT_ERROR = { type: ATTEMPT_LOST, message: 'attempt lost (worker stopped answering), retrying', retryable: true } as const;

/**
 * Records the start of an attempt. Earlier attempts of the same node still marked running were
 * lost (their worker died or stopped answering, and Temporal gave them up): each is closed as
 * `lost` with a `lost` event, before this attempt's own event.
 */
export async function startNodeAttempt(
  db: Db,
  a: AttemptKey & { nodeType: string; input: unknown; status?: 'running' | 'waiting' },
): Promise<{ prior?: { attempt: number; output: unknown; routes: { ports?: string[]; falseEdges: string[] } | null }; failures: number }> {
  const phase = a.phase ?? 'execute';
  const item = a.item ?? -1;
  const type: RunEventType = phase === 'compensate' ? 'compensating' : a.status === 'waiting' ? 'waiting' : 'started';
  // One statement: the event is appended only when the attempt row is new (not a repeated delivery).
  const record = (q: Db | Tx) =>
    q
      .with('attempt_row', (w) =>
        w
          .insertInto('node_run')
          .values({ run_id: a.runId, node_id: a.nodeId, node_type: a.nodeType, phase, item, attempt: a.attempt, status: a.status ?? 'running', input: json(a.input ?? null) })
          .onConflict((oc) => oc.columns(['run_id', 'node_id', 'phase', 'item', 'attempt']).doNothing())
          .returning(['run_id', 'node_id', 'attempt', 'item']),
      )
      .insertInto('run_event')
      .columns(['run_id', 'type', 'node_id', 'attempt', 'item', 'data'])
      .expression((eb) =>
        eb.selectFrom('attempt_row').select([
          'attempt_row.run_id',
          sql<string>`cast(${type} as text)`.as('type'),
          'attempt_row.node_id',
          'attempt_row.attempt',
          sql<number | null>`nullif(attempt_row.item, -1)`.as('item'),
          sql<null>`cast(null as jsonb)`.as('data'),
        ]),
      )
      .execute();
  // A first attempt has no history: no look-back, one statement.
  if (a.attempt === 1) {
    await record(db);
    return { failures: 0 };
  }
  return db.transaction().execute(async (tx) => {
    const earlier = await tx
      .selectFrom('node_run')
      .select(['attempt', 'status', 'output', 'routes', 'error'])
      .where((eb) => eb.and({ run_id: a.runId, node_id: a.nodeId, phase, item }))
      .where('attempt', '<>', a.attempt)
      // Locked until this attempt is recorded: an earlier attempt still running (given up by
      // Temporal, but not dead) cannot record its success between this look and its `lost` mark,
      // which would leave two successes. Its end waits, then finds it lost and records nothing.
      .forUpdate()
      .execute();
    const done = earlier.find((r) => r.status === 'succeeded');
    if (done) return { prior: { attempt: done.attempt, output: done.output, routes: done.routes }, failures: 0 };
    // Rows written before `lost` existed recorded a lost attempt as failed with this error type.
    const failures = earlier.filter((r) => r.status === 'failed' && (r.error)?.type !== ATTEMPT_LOST).length;
    const lost = await tx
      .updateTable('node_run')
      .set({ status: 'lost', finished_at: sql<Date>`now()`, error: json(LOST_ATTEMPT_ERROR) })
      .where((eb) => eb.and({ run_id: a.runId, node_id: a.nodeId, phase, item }))
      .where('attempt', '<', a.attempt)
      .where('status', 'in', ['running', 'waiting'])
      .returning('attempt')
      .execute();
    // A repeated delivery finds them closed already, so each lost attempt gets one event.
    for (const l of lost.sort((x, y) => x.attempt - y.attempt)) {
      await appendEvent(tx, { runId: a.runId, type: 'lost', nodeId: a.nodeId, attempt: l.attempt, ...(item === -1 ? {} : { item }), data: { error: LOST_ATTEMPT_ERROR, ...(phase === 'compensate' ? { phase } : {}) } });
    }
    await record(tx);
    return { failures };
  });
}

/** Records the end of an attempt and its event. */
export async function finishNodeAttempt(
  db: Db,
  a: AttemptKey & { status: 'succeeded' | 'failed'; output?: unknown; error?: unknown; willRetry?: boolean; routes?: unknown; detail?: unknown },
): Promise<void> {
  const phase = a.phase ?? 'execute';
  const item = a.item ?? -1;
  const type: RunEventType =
    a.status === 'succeeded' ? (phase === 'compensate' ? 'compensated' : 'succeeded') : a.willRetry ? 'retrying' : phase === 'compensate' ? 'compensation_failed' : 'failed';
  // One statement (atomic on its own): the event is appended only when a running attempt ended here.
  await db
    .with('attempt_row', (q) =>
      q
        .updateTable('node_run')
        .set({ status: a.status, output: json(a.output ?? null), error: json(a.error ?? null), routes: json(a.routes ?? null), detail: json(a.detail ?? null), finished_at: sql<Date>`now()` })
        .where((eb) => eb.and({ run_id: a.runId, node_id: a.nodeId, phase, item }))
        .where('attempt', '=', a.attempt)
        .where('status', 'in', ['running', 'waiting'])
        .returning(['run_id', 'node_id', 'attempt', 'item']),
    )
    .insertInto('run_event')
    .columns(['run_id', 'type', 'node_id', 'attempt', 'item', 'data'])
    .expression((eb) => eb.selectFrom('attempt_row').select([
      'attempt_row.run_id',
      sql<string>`cast(${type} as text)`.as('type'),
      'attempt_row.node_id',
      'attempt_row.attempt',
      sql<number | null>`nullif(attempt_row.item, -1)`.as('item'),
      json(a.error ? { error: a.error } : undefined).as('data'),
    ]))
    .execute();
}

/** A whole attempt that has already ended, as {@link recordNodeAttempts} records it. */
export type EndedAttempt = AttemptKey & {
  nodeType: string;
  input: unknown;
  /** When the attempt began and ended (ms since the epoch); the end defaults to now. */
  startedAt: number;
  finishedAt?: number;
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: unknown;
  willRetry?: boolean;
  routes?: unknown;
  detail?: unknown;
};

/** Records a whole attempt that has already ended (a light node's first attempt); see {@link recordNodeAttempts}. */
export async function recordNodeAttempt(db: Db, a: EndedAttempt): Promise<void> {
  await recordNodeAttempts(db, [a]);
}

/**
 * Records attempts that have already ended (a light node's first attempt, or every node of a
 * fused chain): each row with its final status and both its events, `started` then the end, in
 * one statement, events in the order given. A repeated delivery (the row exists) records nothing
 * for that attempt.
 */
export async function recordNodeAttempts(db: Db, attempts: readonly EndedAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  const rows = attempts.map((a, ord) => {
    const end: RunEventType = a.status === 'succeeded' ? 'succeeded' : a.willRetry ? 'retrying' : 'failed';
    const at = (ms: number | undefined) => (ms === undefined ? sql`now()` : sql`cast(${new Date(ms).toISOString()} as timestamptz)`);
    // Typed one by one: a parameter in VALUES has no column to take its type from.
    return sql`(cast(${ord} as integer), cast(${a.runId} as text), cast(${a.nodeId} as text), cast(${a.nodeType} as text), cast(${a.phase ?? 'execute'} as text),
      cast(${a.item ?? -1} as integer), cast(${a.attempt} as integer), cast(${a.status} as text), ${json(a.input ?? null)}, ${json(a.output ?? null)},
      ${json(a.error ?? null)}, ${json(a.routes ?? null)}, ${json(a.detail ?? null)}, ${at(a.startedAt)}, ${at(a.finishedAt)},
      cast(${end} as text), cast(${json(a.error ? { error: a.error } : undefined)} as jsonb))`;
  });
  // Ids of run_event follow insertion order: attempt by attempt, `started` before its end.
  await sql`
    with given (ord, run_id, node_id, node_type, phase, item, attempt, status, input, output, error, routes, detail, started_at, finished_at, end_type, end_data) as (
      values ${sql.join(rows)}
    ),
    attempt_row as (
      insert into node_run (run_id, node_id, node_type, phase, item, attempt, status, input, output, error, routes, detail, started_at, finished_at)
      select run_id, node_id, node_type, phase, item, attempt, status, input, output, error, routes, detail, started_at, finished_at from given order by ord
      on conflict (run_id, node_id, phase, item, attempt) do nothing
      returning run_id, node_id, phase, item, attempt
    )
    insert into run_event (run_id, type, node_id, attempt, item, data)
    select r.run_id, ev.type, r.node_id, r.attempt, nullif(r.item, -1), ev.data
    from attempt_row r
    join given g on g.run_id = r.run_id and g.node_id = r.node_id and g.phase = r.phase and g.item = r.item and g.attempt = r.attempt
    cross join lateral (values (1, cast('started' as text), cast(null as jsonb)), (2, g.end_type, g.end_data)) as ev(ord, type, data)
    order by g.ord, ev.ord`.execute(db);
}

/** The latest result of every item of a loop node, in item order: its output, or `{ error }`. */
export async function loopOutputs(db: Db, runId: string, nodeId: string, count: number): Promise<unknown[]> {
  const rows = await db
    .selectFrom('node_run')
    .select(['item', 'attempt', 'status', 'output', 'error'])
    .where('run_id', '=', runId)
    .where('node_id', '=', nodeId)
    .where('phase', '=', 'execute')
    .where('item', '>=', 0)
    .orderBy('item')
    .orderBy('attempt')
    .execute();
  const out: unknown[] = new Array(count).fill(null);
  for (const r of rows) if (r.item < count) out[r.item] = r.status === 'succeeded' ? r.output : { error: r.error };
  return out;
}

/** Keeps a large value; returns its id. */
export async function putBlob(db: Db, runId: string, nodeId: string, value: unknown): Promise<string> {
  const id = `blob_${randomBytes(12).toString('hex')}`;
  const text = JSON.stringify(value) ?? 'null';
  await db.insertInto('blob').values({ id, run_id: runId, node_id: nodeId, bytes: Buffer.byteLength(text), data: sql<string>`cast(cast(${text} as text) as jsonb)` }).execute();
  return id;
}

/** A kept value, or throws when there is none. */
export async function getBlob(db: Db, id: string): Promise<unknown> {
  const row = await db.selectFrom('blob').select('data').where('id', '=', id).executeTakeFirst();
  if (!row) throw new Error(`no stored value ${id}`);
  return row.data;
}

/** Records, for a re-run, the results it reuses: attempt 0 rows, so its view shows them (and a lost start can be repeated). */
export async function recordReused(db: Db | Tx, runId: string, reuse: Readonly<Record<string, { output: unknown; ports?: readonly string[]; falseEdges: readonly string[] }>>, wf: { document: { nodes: readonly { id: string; type: string }[] } }): Promise<void> {
  const types = new Map(wf.document.nodes.map((n) => [n.id, n.type]));
  const record = async (tx: Db | Tx) => {
    for (const [nodeId, r] of Object.entries(reuse)) {
      await tx
        .insertInto('node_run')
        .values({
          run_id: runId,
          node_id: nodeId,
          node_type: types.get(nodeId) ?? 'unknown',
          phase: 'execute',
          attempt: 0,
          status: 'succeeded',
          input: json(null),
          output: json(r.output ?? null),
          routes: json({ ...(r.ports ? { ports: r.ports } : {}), falseEdges: r.falseEdges }),
          finished_at: sql<Date>`now()`,
        })
        .execute();
      await appendEvent(tx, { runId, type: 'succeeded', nodeId, attempt: 0, data: { reused: true } });
    }
  };
  await (db.isTransaction ? record(db) : db.transaction().execute(record));
}

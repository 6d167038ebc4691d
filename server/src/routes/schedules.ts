import { randomBytes } from 'node:crypto';
import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOverlapPolicy } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import { CronExpression } from '@weft/schemas/cron';
import { SCHEDULED_RUN, type ScheduledRunInput } from '@weft/workers/definitions';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { deleteSchedule, findSchedule, insertSchedule, listSchedules } from '@weft/store/repositories/trigger.repository';
import { findWorkflow } from '@weft/store/repositories/workflow.repository';
import type { ScheduleRow } from '@weft/store';
import { apiError, HttpError } from '../errors.js';
import { describe as doc, errorDoc } from '../openapi.js';
import { Page, errorMessage } from '@weft/schemas';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { valid } from '../validation.js';
import { refuseRunInput } from '../run-input.js';

/** Where schedules live: the Temporal client and the task queue their firings run on. */
interface ScheduleTemporal {
  readonly client: Client;
  readonly taskQueue: string;
}

const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
type Overlap = (typeof OVERLAPS)[number];
const Overlap = z.enum(OVERLAPS).meta({ description: 'What a firing does while the previous run is still going' });
const toPolicy = (o: Overlap) => o.toUpperCase() as ScheduleOverlapPolicy;

const WorkflowId = z.string().regex(/^wf_[a-z0-9]{1,40}$/, 'expected a workflow id such as wf_1a2b3c');
const IdParam = z.object({ id: z.string().regex(/^sch_[a-z0-9]{1,40}$/, 'expected a schedule id such as sch_1a2b3c') });
const Interval = z.string().regex(/^[1-9][0-9]{0,6}(s|m|h|d)$/, 'expected an interval such as 1s, 15m, 2h or 1d');
const TimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone such as Europe/Paris');
const oneOrMore = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1).max(20)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const CreateBody = z
  .object({
    workflowId: WorkflowId,
    cron: oneOrMore(CronExpression).optional().meta({ description: 'One or more cron expressions (minute resolution)' }),
    every: oneOrMore(Interval).optional().meta({ description: 'One or more intervals, such as 30s or 1h' }),
    timezone: TimeZone.default('UTC'),
    input: z.unknown().optional().meta({ description: 'The input of every run it starts' }),
    overlap: Overlap.default('skip'),
    paused: z.boolean().default(false),
    note: z.string().max(500).optional(),
  })
  .strict()
  .refine((b) => b.cron !== undefined || b.every !== undefined, { message: 'give cron, every, or both', path: ['cron'] });
const NoteBody = z.object({ note: z.string().max(500).optional() }).strict();
const TriggerBody = z.object({ overlap: Overlap.optional() }).strict();
const BackfillBody = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), overlap: Overlap.optional() })
  .strict()
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: 'from must be before to', path: ['to'] });
const ListQuery = PageQuery.extend({ workflowId: WorkflowId.optional() });

/** A schedule as the API shows it. */
export const ScheduleView = z.object({
  id: z.string(),
  workflowId: z.string(),
  cron: z.array(z.string()),
  every: z.array(z.string()),
  timezone: z.string(),
  overlap: Overlap,
  input: z.unknown(),
  note: z.string().nullable(),
  status: z.enum(['active', 'paused', 'missing']).meta({ description: '`missing` when Temporal no longer knows the schedule' }),
  nextRunTimes: z.array(z.string()),
  recentRuns: z.array(z.object({ scheduledAt: z.string(), startedAt: z.string() })),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export type ScheduleView = z.infer<typeof ScheduleView>;
const unavailable = { 503: errorDoc('No Temporal client for schedules, or Temporal did not answer') };

function toView(row: ScheduleRow, d: ScheduleDescription | undefined): ScheduleView {
  const spec = row.spec as { cron: string[]; every: string[] };
  return {
    id: row.id,
    workflowId: row.workflow_id,
    cron: spec.cron,
    every: spec.every,
    timezone: row.timezone,
    overlap: row.overlap as Overlap,
    input: row.input ?? null,
    note: row.note,
    status: d === undefined ? 'missing' : d.state.paused ? 'paused' : 'active',
    // Temporal keeps computing a paused schedule's calendar, but nothing fires until it is resumed.
    nextRunTimes: d && !d.state.paused ? d.info.nextActionTimes.map((t) => t.toISOString()) : [],
    recentRuns: d?.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), startedAt: a.takenAt.toISOString() })) ?? [],
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}

/**
 * Schedules on Temporal Schedules: each fires `scheduledRun`, which records a run of the bound
 * workflow's latest version and runs it. Operators change them; viewers read them.
 */
export function scheduleRoutes(deps: { db: Db; temporal?: Client; taskQueue?: string }) {
  const { db } = deps;
  const temporal = (): ScheduleTemporal => {
    if (!deps.temporal || !deps.taskQueue) throw new HttpError(503, 'schedules_unavailable', 'this server has no Temporal client and task queue for schedules');
    return { client: deps.temporal, taskQueue: deps.taskQueue };
  };
  const temporalError = (e: unknown): never => {
    if (e instanceof HttpError) throw e;
    if (e instanceof ScheduleNotFoundError) throw new HttpError(409, 'schedule_missing', 'Temporal no longer knows this schedule; delete it and create it again');
    throw new HttpError(503, 'temporal_unavailable', `Temporal did not answer: ${errorMessage(e)}`);
  };
  const describe = async (id: string): Promise<ScheduleDescription | undefined> => {
    try {
      return await temporal().client.schedule.getHandle(id).describe();
    } catch (e) {
      if (e instanceof ScheduleNotFoundError) return undefined;
      return temporalError(e);
    }
  };
  const existing = async (id: string): Promise<ScheduleRow> => {
    const row = await findSchedule(db, id);
    if (!row) throw new HttpError(404, 'not_found', `no schedule ${id}`);
    return row;
  };
  const audit = (actor: string, action: string, id: string, details: Record<string, unknown> = {}) => appendAudit(db, { actor, action, target: `schedule:${id}`, details });

  return new Hono<AuthEnv>()
    .use(requireRole('viewer'))
    .get('/', doc({ summary: 'List schedules with their next run times', tags: ['schedules'], responses: { 200: { description: 'A page of schedules', schema: Page(ScheduleView) }, ...unavailable } }), valid('query', ListQuery), async (c) => {
      const { limit, cursor, workflowId } = c.req.valid('query');
      const after = decodeCursor(cursor, 1)?.[0];
      const rows = await listSchedules(db, { ...(workflowId ? { workflowId } : {}), ...(after !== undefined ? { after: String(after) } : {}), limit: limit + 1 });
      const page = toPage(rows, limit, (r) => [r.id], (r) => r);
      const items = await Promise.all(page.items.map(async (r) => toView(r, await describe(r.id))));
      return c.json({ items, nextCursor: page.nextCursor });
    })
    .post('/', doc({ summary: 'Create a schedule (cron or interval, time zone, overlap policy)', tags: ['schedules'], responses: { 201: { description: 'Created', schema: ScheduleView }, 404: errorDoc('No such workflow'), ...unavailable } }), requireRole('operator'), valid('json', CreateBody), async (c) => {
      const b = c.req.valid('json');
      const { client, taskQueue } = temporal();
      const wf = await findWorkflow(db, b.workflowId);
      if (!wf) return apiError(c, 404, 'not_found', `no workflow ${b.workflowId}`, [{ path: '$.workflowId', message: 'no such workflow' }]);
      // Checked against the latest version now; each firing runs the latest version of its time.
      const refused = refuseRunInput(c, wf.document, b.input ?? {}, ['input']);
      if (refused) return refused;
      const id = `sch_${randomBytes(8).toString('hex')}`;
      const args: ScheduledRunInput = { scheduleId: id, workflowId: wf.id, input: b.input ?? {} };
      try {
        await client.schedule.create({
          scheduleId: id,
          spec: { ...(b.cron ? { cronExpressions: b.cron } : {}), ...(b.every ? { intervals: b.every.map((every) => ({ every: every as `${number}s` })) } : {}), timezone: b.timezone },
          action: { type: 'startWorkflow', workflowType: SCHEDULED_RUN, taskQueue, workflowId: id, args: [args] },
          policies: { overlap: toPolicy(b.overlap), catchupWindow: '1m' },
          state: { paused: b.paused, ...(b.note ? { note: b.note } : {}) },
        });
      } catch (e) {
        // Temporal judges cron expressions; what it refuses is the request's fault.
        const message = errorMessage(e);
        if (/invalid|parse|cron/i.test(message)) return apiError(c, 400, 'invalid_request', `Temporal refused the schedule: ${message}`, [{ path: '$.cron', message }]);
        return temporalError(e);
      }
      const caller = c.get('caller').tokenId;
      let row: ScheduleRow;
      try {
        row = await insertSchedule(db, { id, workflowId: wf.id, spec: { cron: b.cron ?? [], every: b.every ?? [] }, timezone: b.timezone, overlap: b.overlap, input: b.input ?? {}, note: b.note ?? null, createdBy: caller });
      } catch (e) {
        // No schedule firing without its row.
        await client.schedule.getHandle(id).delete().catch(() => undefined);
        throw e;
      }
      await audit(caller, 'schedule.create', id, { workflowId: wf.id, cron: b.cron ?? [], every: b.every ?? [], timezone: b.timezone, overlap: b.overlap, paused: b.paused });
      return c.json(toView(row, await describe(id)), 201);
    })
    .get('/:id', doc({ summary: 'One schedule with its next run times and recent runs', tags: ['schedules'], responses: { 200: { description: 'The schedule', schema: ScheduleView }, ...unavailable } }), valid('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const row = await existing(id);
      return c.json(toView(row, await describe(id)));
    })
    .post('/:id/pause', doc({ summary: 'Pause a schedule', tags: ['schedules'], responses: { 200: { description: 'Paused', schema: ScheduleView }, 409: errorDoc('Temporal no longer knows the schedule'), ...unavailable } }), requireRole('operator'), valid('param', IdParam), valid('json', NoteBody), async (c) => {
      const { id } = c.req.valid('param');
      const row = await existing(id);
      const { note } = c.req.valid('json');
      await temporal().client.schedule.getHandle(id).pause(note ?? 'paused through the API').catch(temporalError);
      await audit(c.get('caller').tokenId, 'schedule.pause', id, { note: note ?? null });
      return c.json(toView(row, await describe(id)));
    })
    .post('/:id/resume', doc({ summary: 'Resume a paused schedule', tags: ['schedules'], responses: { 200: { description: 'Resumed', schema: ScheduleView }, 409: errorDoc('Temporal no longer knows the schedule'), ...unavailable } }), requireRole('operator'), valid('param', IdParam), valid('json', NoteBody), async (c) => {
      const { id } = c.req.valid('param');
      const row = await existing(id);
      const { note } = c.req.valid('json');
      await temporal().client.schedule.getHandle(id).unpause(note ?? 'resumed through the API').catch(temporalError);
      await audit(c.get('caller').tokenId, 'schedule.resume', id, { note: note ?? null });
      return c.json(toView(row, await describe(id)));
    })
    .post('/:id/trigger', doc({ summary: 'Start a run of the schedule now', tags: ['schedules'], responses: { 202: { description: 'Triggered', schema: z.object({ id: z.string(), triggered: z.literal(true) }) }, 409: errorDoc('Temporal no longer knows the schedule'), ...unavailable } }), requireRole('operator'), valid('param', IdParam), valid('json', TriggerBody), async (c) => {
      const { id } = c.req.valid('param');
      await existing(id);
      const { overlap } = c.req.valid('json');
      await temporal().client.schedule.getHandle(id).trigger(overlap ? toPolicy(overlap) : undefined).catch(temporalError);
      await audit(c.get('caller').tokenId, 'schedule.trigger', id, { overlap: overlap ?? null });
      return c.json({ id, triggered: true }, 202);
    })
    .post('/:id/backfill', doc({ summary: 'Run the schedule\'s firings of a past time range', tags: ['schedules'], responses: { 202: { description: 'Backfilling', schema: z.object({ id: z.string(), from: z.string(), to: z.string() }) }, 409: errorDoc('Temporal no longer knows the schedule'), ...unavailable } }), requireRole('operator'), valid('param', IdParam), valid('json', BackfillBody), async (c) => {
      const { id } = c.req.valid('param');
      await existing(id);
      const b = c.req.valid('json');
      await temporal()
        .client.schedule.getHandle(id)
        .backfill({ start: new Date(b.from), end: new Date(b.to), ...(b.overlap ? { overlap: toPolicy(b.overlap) } : {}) })
        .catch(temporalError);
      await audit(c.get('caller').tokenId, 'schedule.backfill', id, { from: b.from, to: b.to, overlap: b.overlap ?? null });
      return c.json({ id, from: b.from, to: b.to }, 202);
    })
    .delete('/:id', doc({ summary: 'Delete a schedule from Temporal and Weft', tags: ['schedules'], responses: { 204: { description: 'Deleted' }, ...unavailable } }), requireRole('operator'), valid('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      await existing(id);
      try {
        await temporal().client.schedule.getHandle(id).delete();
      } catch (e) {
        // Already gone from Temporal: removing the row is all that is left to do.
        if (!(e instanceof ScheduleNotFoundError)) temporalError(e);
      }
      await deleteSchedule(db, id);
      await audit(c.get('caller').tokenId, 'schedule.delete', id);
      return c.body(null, 204);
    });
}

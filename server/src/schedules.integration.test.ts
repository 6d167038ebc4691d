import { afterAll, describe, expect, it } from 'vitest';
import { ScheduleNotFoundError, WorkflowFailedError } from '@temporalio/client';
import type { RunSummary, WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import { saveHistory, savingHistories } from './testing/histories.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { until } from './testing/until.js';

const greet: WorkflowInput = {
  schemaVersion: 1,
  name: 'scheduled greeting',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'out', type: 'control.output', params: { value: '{{ "hello " & $input.who }}' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'out' }],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('schedules on Temporal on %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s));
  const created: string[] = [];
  // Schedules outlive the test on the shared dev server unless deleted.
  afterAll(async () => {
    await Promise.all(created.map((id) => stack.temporal.client.schedule.getHandle(id).delete().catch(() => undefined)));
  });

  const runsOf = async (scheduleId: string): Promise<RunSummary[]> => {
    const res = await stack.api('GET', `/api/runs?trigger=schedule&triggerRef=${scheduleId}&limit=500`);
    expect(res.status).toBe(200);
    return res.json.items as RunSummary[];
  };
  const create = async (body: Record<string, unknown>) => {
    const res = await stack.api('POST', '/api/schedules', body);
    if (res.status === 201) created.push(res.json.id);
    return res;
  };

  it('fires every second, records runs that name the schedule, pauses, triggers, resumes and deletes', async () => {
    const workflowId = await stack.createWorkflow(greet);
    const res = await create({ workflowId, every: '1s', input: { who: 'cron' }, note: 'every second' });
    expect(res.status).toBe(201);
    const id = res.json.id as string;
    expect(res.json).toMatchObject({ workflowId, every: ['1s'], cron: [], timezone: 'UTC', overlap: 'skip', status: 'active' });
    expect(res.json.nextRunTimes.length).toBeGreaterThan(0);
    expect(Date.parse(res.json.nextRunTimes[0])).toBeGreaterThan(Date.now() - 2000);

    const started = Date.now();
    const first = await until('two scheduled runs to complete', async () => {
      const runs = await runsOf(id);
      const done = runs.filter((r) => r.status === 'completed');
      return done.length >= 2 ? done : undefined;
    }, { intervalMs: 200 });
    console.log(`schedule ${id}: ${first.length} completed runs after ${Date.now() - started} ms`);
    const run = await stack.waitForRun(first[0]!.id);
    // With WEFT_UPDATE_HISTORIES=1 the firing's history is saved for the replay tests.
    if (savingHistories(backend)) {
      const firing = (await stack.temporal.client.workflow.getHandle(first[0]!.id).describe()).parentExecution?.workflowId;
      expect(firing).toBeDefined();
      await saveHistory(stack.temporal.client, firing!, 'scheduled-run');
    }
    expect(run).toMatchObject({ status: 'completed', workflowId, input: { who: 'cron' }, output: 'hello cron', trigger: { type: 'schedule', ref: id } });
    expect(first[0]!.trigger).toEqual({ type: 'schedule', ref: id });
    // Manual runs are not schedule runs.
    const manual = await stack.startRun(workflowId, { who: 'me' });
    expect((await runsOf(id)).map((r) => r.id)).not.toContain(manual);
    expect(((await stack.api('GET', `/api/runs?trigger=manual`)).json.items as RunSummary[]).map((r) => r.id)).toContain(manual);

    // The list names the workflow and shows the next firings.
    const list = await stack.api('GET', '/api/schedules', undefined, await stack.tokenFor('viewer'));
    expect(list.status).toBe(200);
    const listed = list.json.items.find((s: { id: string }) => s.id === id);
    expect(listed).toMatchObject({ workflowId, status: 'active' });
    expect(listed.nextRunTimes.length).toBeGreaterThan(0);

    // Paused: no new runs.
    const paused = await stack.api('POST', `/api/schedules/${id}/pause`, { note: 'maintenance' });
    expect(paused).toMatchObject({ status: 200, json: { status: 'paused' } });
    await sleep(1500); // a firing already under way may still record its run
    const atPause = (await runsOf(id)).length;
    await sleep(3500);
    expect((await runsOf(id)).length).toBe(atPause);

    // Trigger now fires once, even while paused.
    expect((await stack.api('POST', `/api/schedules/${id}/trigger`, {})).status).toBe(202);
    await until('the triggered run', async () => ((await runsOf(id)).length === atPause + 1 ? true : undefined), { intervalMs: 200 });
    await sleep(2000);
    expect((await runsOf(id)).length).toBe(atPause + 1);

    // Resumed: runs again.
    expect((await stack.api('POST', `/api/schedules/${id}/resume`)).json.status).toBe('active');
    await until('runs after resume', async () => ((await runsOf(id)).length >= atPause + 3 ? true : undefined), { intervalMs: 200 });

    const viewer = await stack.tokenFor('viewer');
    expect((await stack.api('DELETE', `/api/schedules/${id}`, undefined, viewer)).status).toBe(403);
    expect((await stack.api('DELETE', `/api/schedules/${id}`)).status).toBe(204);
    await expect(stack.temporal.client.schedule.getHandle(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await stack.api('GET', '/api/schedules')).json.items.map((s: { id: string }) => s.id)).not.toContain(id);
    expect((await stack.api('GET', `/api/schedules/${id}`)).status).toBe(404);

    const actions = (await stack.db.db.selectFrom('audit_event').select('action').where('target', '=', `schedule:${id}`).orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['schedule.create', 'schedule.pause', 'schedule.trigger', 'schedule.resume', 'schedule.delete']);

    // Every run it fired completed.
    await sleep(1500);
    for (const r of await runsOf(id)) expect((await stack.waitForRun(r.id)).status).toBe('completed');
  });

  it('takes cron expressions in a time zone and shows the next run times, none while paused', async () => {
    const workflowId = await stack.createWorkflow(greet);
    const res = await create({ workflowId, cron: ['0 3 * * *', '30 15 * * 1'], timezone: 'Europe/Paris', paused: true, overlap: 'buffer_one' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ cron: ['0 3 * * *', '30 15 * * 1'], timezone: 'Europe/Paris', overlap: 'buffer_one', status: 'paused', nextRunTimes: [] });
    const resumed = await stack.api('POST', `/api/schedules/${res.json.id}/resume`, {});
    expect(resumed.json.status).toBe('active');
    const next = (resumed.json.nextRunTimes as string[]).map((t) => new Date(t));
    expect(next.length).toBeGreaterThan(1);
    const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (const t of next) expect(['03:00', '15:30']).toContain(paris.format(t));
    expect((await stack.api('GET', `/api/schedules/${res.json.id}`)).json.nextRunTimes).toEqual(resumed.json.nextRunTimes);
    await stack.api('POST', `/api/schedules/${res.json.id}/pause`, {});
  });

  it('refuses bad schedules and callers without the operator role', async () => {
    const workflowId = await stack.createWorkflow(greet);
    expect((await create({ workflowId })).status).toBe(400);
    expect((await create({ workflowId, every: '1s', timezone: 'Mars/Olympus' })).status).toBe(400);
    expect((await create({ workflowId, every: 'soon' })).status).toBe(400);
    expect((await create({ workflowId, every: '1s', overlap: 'sometimes' })).status).toBe(400);
    // Cron as the editor checks it: 5 fields or a macro Temporal knows, nothing croner alone reads.
    const sixFields = await create({ workflowId, cron: '0 0 9 * * *' });
    expect(sixFields.status).toBe(400);
    expect(sixFields.json.error.issues).toMatchObject([{ path: '$.cron', message: expect.stringContaining('expected 5 fields') }]);
    const lastDay = await create({ workflowId, cron: ['0 9 * * *', '0 0 L * *'] });
    expect(lastDay.status).toBe(400);
    expect(lastDay.json.error.issues).toMatchObject([{ path: '$.cron[1]' }]);
    expect((await create({ workflowId: 'wf_nothere', every: '1s' })).status).toBe(404);
    const viewer = await stack.tokenFor('viewer');
    expect((await stack.api('POST', '/api/schedules', { workflowId, every: '1s' }, viewer)).status).toBe(403);
  });

  it('backfills a past range', async () => {
    const workflowId = await stack.createWorkflow(greet);
    const res = await create({ workflowId, cron: '* * * * *', paused: true, input: { who: 'past' } });
    const id = res.json.id as string;
    const to = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const from = new Date(to.getTime() - 150_000);
    const back = await stack.api('POST', `/api/schedules/${id}/backfill`, { from: from.toISOString(), to: to.toISOString(), overlap: 'allow_all' });
    expect(back.status).toBe(202);
    const runs = await until('three backfilled runs', async () => {
      const r = await runsOf(id);
      return r.length >= 3 ? r : undefined;
    }, { intervalMs: 200 });
    expect(runs).toHaveLength(3);
    expect((await stack.waitForRun(runs[0]!.id)).output).toBe('hello past');
    expect((await stack.api('POST', `/api/schedules/${id}/backfill`, { from: to.toISOString(), to: from.toISOString() })).status).toBe(400);
  });

  it('fails a firing of a workflow that no longer exists, recording nothing', async () => {
    const workflowId = await stack.createWorkflow(greet);
    const res = await create({ workflowId, every: '1h', paused: true });
    const id = res.json.id as string;
    await stack.db.db.deleteFrom('workflow_version').where('workflow_id', '=', workflowId).execute();
    await stack.db.db.deleteFrom('workflow').where('id', '=', workflowId).execute();
    expect((await stack.api('POST', `/api/schedules/${id}/trigger`, {})).status).toBe(202);
    const handle = stack.temporal.client.schedule.getHandle(id);
    const firing = await until('the firing', async () => {
      const d = await handle.describe();
      return d.info.recentActions[0]?.action.workflow.workflowId;
    }, { intervalMs: 200 });
    const err = await stack.temporal.client.workflow
      .getHandle(firing)
      .result()
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String((err as WorkflowFailedError).cause?.message)).toMatch(new RegExp(`schedule ${id}: workflow ${workflowId} does not exist`));
    expect(await runsOf(id)).toHaveLength(0);
    expect(await stack.db.db.selectFrom('run').select('id').where('workflow_id', '=', workflowId).execute()).toHaveLength(0);
  });
});

import { useId, useMemo, useState, type FormEvent } from 'react';
import { createSchedule, deleteSchedule, listSchedules, scheduleAction, type Schedule } from '../api/operators';
import { useResource } from '../api/useResource';
import { ConfirmDialog } from '../operators/ConfirmDialog';
import { previewSchedule } from '../operators/cron';
import { ErrorNotice } from '../operators/ErrorNotice';
import { can } from '../operators/nav';
import { useAction } from '../operators/useAction';
import { DataTable } from '../operators/DataTable';
import { useWorkflowNames, WorkflowName, WorkflowSelect } from '../operators/WorkflowSelect';
import { useRole } from '../store/me-store';
import { RunInputEditor, type InputDraft } from '../runs/RunInputEditor';
import { Time } from '../Time';
import { Loaded } from './Loaded';

const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;

/** Schedules with their next run times; operators create, pause, resume, fire and delete them. */
export function SchedulesPage() {
  const { resource, reload } = useResource('schedules', (signal) => listSchedules({ signal }));
  const role = useRole();
  const mayOperate = role !== null && can.operate(role);

  return (
    <div className="page">
      <title>Schedules · Weft</title>
      <div className="page-head">
        <h1>Schedules</h1>
      </div>
      {mayOperate && <CreateSchedule onCreated={reload} />}
      <section className="section" aria-labelledby="schedules-list">
        <h2 id="schedules-list">All schedules</h2>
        <Loaded resource={resource} what="schedules" onRetry={reload} empty="No schedules yet.">
          {(schedules) => (
            <ScheduleTable schedules={schedules} mayOperate={mayOperate} onChanged={reload} />
          )}
        </Loaded>
      </section>
    </div>
  );
}

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

function CreateSchedule({ onCreated }: { readonly onCreated: () => void }) {
  const [workflowId, setWorkflowId] = useState('');
  const [kind, setKind] = useState<'cron' | 'every'>('cron');
  const [expression, setExpression] = useState('0 9 * * mon-fri');
  const [every, setEvery] = useState('1h');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [overlap, setOverlap] = useState<(typeof OVERLAPS)[number]>('skip');
  const [input, setInput] = useState<InputDraft | null>(null);
  const [tried, setTried] = useState(false);
  const { pending, error, run } = useAction();
  const ids = { workflow: useId(), expression: useId(), every: useId(), tz: useId(), tzList: useId(), overlap: useId(), preview: useId() };
  const zones = useMemo(timeZones, []);

  const spec = kind === 'cron' ? { cron: [expression.trim()], every: [] } : { cron: [], every: [every.trim()] };
  // Recomputed on each render: "next" moves with the clock, and the work is small.
  const preview = previewSchedule({ ...spec, timezone }, new Date(), 5);
  const format = useMemo(() => {
    try {
      // dateStyle cannot be combined with timeZoneName, hence the separate fields.
      return new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: timezone, timeZoneName: 'short' });
    } catch {
      return null;
    }
  }, [timezone]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setTried(true);
    // The input is checked here as the run dialog checks it: a schedule must not fire bad runs.
    if (input && !input.ok) return;
    const ok = await run(async () => {
      // The API takes one of the two (an empty list is refused).
      await createSchedule({ workflowId, ...(kind === 'cron' ? { cron: spec.cron } : { every: spec.every }), timezone, overlap, ...(input?.ok ? { input: input.input } : {}) });
    });
    if (ok) onCreated();
  }

  const fieldError = (field: 'cron' | 'every' | 'timezone') => (!preview.ok && preview.field === field ? preview.error : null);

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="new-schedule" noValidate>
      <h2 id="new-schedule">New schedule</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.workflow}>Workflow</label>
          <WorkflowSelect id={ids.workflow} value={workflowId} onChange={setWorkflowId} />
        </div>
        <fieldset className="field fieldset">
          <legend>Fires</legend>
          <label>
            <input type="radio" name="kind" value="cron" checked={kind === 'cron'} onChange={() => setKind('cron')} /> On a cron expression
          </label>
          <label>
            <input type="radio" name="kind" value="every" checked={kind === 'every'} onChange={() => setKind('every')} /> At an interval
          </label>
        </fieldset>
        {kind === 'cron' ? (
          <div className="field">
            <label htmlFor={ids.expression}>Cron expression</label>
            <input
              id={ids.expression}
              className="mono"
              value={expression}
              onChange={(e) => setExpression(e.target.value)}
              aria-invalid={fieldError('cron') ? true : undefined}
              aria-describedby={ids.preview}
              spellCheck={false}
            />
            <p className="hint">minute hour day-of-month month day-of-week, or @hourly, @daily…</p>
          </div>
        ) : (
          <div className="field">
            <label htmlFor={ids.every}>Every</label>
            <input id={ids.every} className="mono" value={every} onChange={(e) => setEvery(e.target.value)} aria-invalid={fieldError('every') ? true : undefined} aria-describedby={ids.preview} spellCheck={false} />
            <p className="hint">30s, 15m, 2h or 1d</p>
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.tz}>Time zone</label>
          <input id={ids.tz} list={ids.tzList} value={timezone} onChange={(e) => setTimezone(e.target.value)} aria-invalid={fieldError('timezone') ? true : undefined} aria-describedby={ids.preview} />
          <datalist id={ids.tzList}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.overlap}>While the previous run is still going</label>
          <select id={ids.overlap} value={overlap} onChange={(e) => setOverlap(e.target.value as (typeof OVERLAPS)[number])}>
            {OVERLAPS.map((o) => (
              <option key={o} value={o}>
                {o.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
      </div>
      {workflowId !== '' && <RunInputEditor workflowId={workflowId} onChange={setInput} showIssues={tried} />}
      <div id={ids.preview} className="preview" aria-live="polite" data-testid="schedule-preview">
        {preview.ok ? (
          preview.times.length === 0 ? (
            <p className="field--error">This expression never fires.</p>
          ) : (
            <>
              <strong>Next {preview.times.length} run times</strong>
              <ol>
                {preview.times.map((t) => (
                  <li key={t.getTime()}>
                    <time dateTime={t.toISOString()}>{format ? format.format(t) : t.toISOString()}</time>
                  </li>
                ))}
              </ol>
            </>
          )
        ) : (
          <p className="field--error">{preview.error}</p>
        )}
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={pending || !preview.ok || workflowId === ''} aria-busy={pending || undefined}>
          Create schedule
        </button>
      </div>
    </form>
  );
}

function describeSpec(s: Schedule): string {
  return [...s.cron.map((c) => `cron ${c}`), ...s.every.map((e) => `every ${e}`)].join(', ');
}

function ScheduleTable({ schedules, mayOperate, onChanged }: { readonly schedules: readonly Schedule[]; readonly mayOperate: boolean; readonly onChanged: () => void }) {
  const workflowNames = useWorkflowNames();
  const { pending, error, run } = useAction();
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [notice, setNotice] = useState('');

  async function act(s: Schedule, action: 'pause' | 'resume' | 'trigger') {
    const ok = await run(() => scheduleAction(s.id, action));
    if (ok) {
      setNotice(action === 'trigger' ? `Started a run of ${s.id}` : `${action === 'pause' ? 'Paused' : 'Resumed'} ${s.id}`);
      onChanged();
    }
  }
  async function remove() {
    if (!deleting) return;
    const ok = await run(() => deleteSchedule(deleting.id));
    setDeleting(null);
    if (ok) {
      setNotice(`Deleted ${deleting.id}`);
      onChanged();
    }
  }

  return (
    <>
      <p className="visually-hidden" role="status">
        {notice}
      </p>
      <ErrorNotice error={error} />
      <DataTable columns={['Schedule', 'Workflow', 'When', 'Status', 'Next runs', mayOperate && 'Actions']}>
        {schedules.map((s) => (
          <tr key={s.id} data-testid={`schedule-${s.id}`}>
            <th scope="row" className="mono">
              {s.id}
            </th>
            <td>
              <WorkflowName id={s.workflowId} names={workflowNames} />
            </td>
            <td>
              <code>{describeSpec(s)}</code>
              <div className="muted">{s.timezone}</div>
            </td>
            <td>{s.status}</td>
            <td>
              {s.status === 'paused' ? (
                <span className="muted">None while paused</span>
              ) : s.nextRunTimes.length === 0 ? (
                <span className="muted">—</span>
              ) : (
                <ul className="plain-list">
                  {s.nextRunTimes.slice(0, 3).map((t) => (
                    <li key={t}>
                      <Time value={t} />
                    </li>
                  ))}
                </ul>
              )}
            </td>
            {mayOperate && (
              <td>
                <div className="actions">
                  {s.status === 'paused' ? (
                    <button type="button" className="button button--small" disabled={pending} onClick={() => void act(s, 'resume')} aria-label={`Resume ${s.id}`}>
                      Resume
                    </button>
                  ) : (
                    <button type="button" className="button button--small" disabled={pending || s.status === 'missing'} onClick={() => void act(s, 'pause')} aria-label={`Pause ${s.id}`}>
                      Pause
                    </button>
                  )}
                  <button type="button" className="button button--small" disabled={pending || s.status === 'missing'} onClick={() => void act(s, 'trigger')} aria-label={`Run ${s.id} now`}>
                    Run now
                  </button>
                  <button type="button" className="button button--small" disabled={pending} onClick={() => setDeleting(s)} aria-label={`Delete ${s.id}`}>
                    Delete
                  </button>
                </div>
              </td>
            )}
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog open={deleting !== null} title="Delete this schedule?" confirmLabel="Delete schedule" busy={pending} onConfirm={() => void remove()} onCancel={() => setDeleting(null)}>
        <p>
          <code>{deleting?.id}</code> stops firing and is removed from Temporal. Runs it already started stay in the history.
        </p>
      </ConfirmDialog>
    </>
  );
}

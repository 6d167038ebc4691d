import { useId, useState, type FormEvent } from 'react';
import { createWebhook, deleteWebhook, listWebhooks, rotateWebhookSecret, type Webhook, type WebhookWithSecret } from '../api/operators';
import { useResource } from '../api/useResource';
import { ConfirmDialog } from '../operators/ConfirmDialog';
import { ErrorNotice } from '../operators/ErrorNotice';
import { can } from '../operators/nav';
import { ShownOnce } from '../operators/ShownOnce';
import { useAction } from '../operators/useAction';
import { exampleBody, webhookCurl, webhookInputShape, webhookUrl } from '../operators/webhook-curl';
import { getWorkflow } from '../api/client';
import { INPUT_TYPES, inputFieldsOf } from '../inspector/input-schema';
import { DataTable } from '../operators/DataTable';
import { useWorkflowNames, WorkflowName, WorkflowSelect } from '../operators/WorkflowSelect';
import { useRole } from '../store/me-store';
import { Time } from '../Time';
import { Loaded } from './Loaded';

/** Webhooks: signed public endpoints that start a workflow. Secrets are shown once, on create and rotate. */
export function WebhooksPage() {
  const { resource, reload } = useResource('webhooks', (signal) => listWebhooks({ signal }));
  const role = useRole();
  const mayOperate = role !== null && can.operate(role);
  const [revealed, setRevealed] = useState<WebhookWithSecret | null>(null);

  return (
    <div className="page">
      <title>Webhooks · Weft</title>
      <div className="page-head">
        <h1>Webhooks</h1>
      </div>
      {mayOperate && (
        <CreateWebhook
          onCreated={(w) => {
            setRevealed(w);
            reload();
          }}
        />
      )}
      {revealed && <SecretReveal hook={revealed} onDone={() => setRevealed(null)} />}
      <section className="section" aria-labelledby="webhooks-list">
        <h2 id="webhooks-list">All webhooks</h2>
        <Loaded resource={resource} what="webhooks" onRetry={reload} empty="No webhooks yet.">
          {(hooks) => (
            <WebhookTable hooks={hooks} mayOperate={mayOperate} onChanged={reload} onRotated={setRevealed} />
          )}
        </Loaded>
      </section>
    </div>
  );
}

/** What a call to a webhook of `workflowId` makes the run input, and the fields the workflow declares. */
function WebhookInput({ workflowId }: { readonly workflowId: string }) {
  const { resource } = useResource(`workflow:${workflowId}`, (signal) => getWorkflow(workflowId, { signal }));
  if (resource.state !== 'ready') return null;
  const doc = resource.data.document;
  const fields = inputFieldsOf(doc.inputSchema);
  return (
    <div className="webhook-input" data-testid="webhook-input">
      {webhookInputShape(doc) === 'request' ? (
        <p>
          Each call starts a run whose input is the whole request: <code>{'{ headers, body, query }'}</code>.
        </p>
      ) : (
        <p>
          Each call starts a run whose input is the request&apos;s JSON body; the passed-on headers and the query string are <code>$run.request.headers</code> and{' '}
          <code>$run.request.query</code>.
        </p>
      )}
      {fields.length > 0 ? (
        <>
          <p>The body should hold:</p>
          <ul>
            {fields.map((f) => (
              <li key={f.name}>
                <code>{f.name}</code> ({INPUT_TYPES.find((t) => t.type === f.type)?.label.toLowerCase()}
                {f.required ? ', required' : ''}){f.description ? ` — ${f.description}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">The workflow&apos;s trigger declares no input fields: any JSON body is taken.</p>
      )}
    </div>
  );
}

function SecretReveal({ hook, onDone }: { readonly hook: WebhookWithSecret; readonly onDone: () => void }) {
  const url = webhookUrl(window.location.origin, hook.path);
  const { resource } = useResource(`workflow:${hook.workflowId}`, (signal) => getWorkflow(hook.workflowId, { signal }));
  // The example sends what the workflow declares, so pasting it starts a run the workflow accepts.
  const body = exampleBody(resource.state === 'ready' ? resource.data.document.inputSchema : undefined);
  return (
    <section className="card form section" aria-labelledby="hook-secret">
      <h2 id="hook-secret">Webhook {hook.path}</h2>
      <p>
        URL: <code data-testid="webhook-url">{url}</code>
      </p>
      <ShownOnce label="Signing secret" value={hook.secret} testId="webhook-secret" />
      <WebhookInput workflowId={hook.workflowId} />
      <p>
        Call it with a v2 signature: HMAC-SHA256 of the timestamp, method, path, query, signed headers and body, one per line. A header the
        webhook passes to the run reaches it only when signed (named in <code>X-Weft-Signed-Headers</code>); each signed request is accepted once.
      </p>
      <pre className="code-block" data-testid="webhook-curl">{webhookCurl(url, hook.secret, body)}</pre>
      <button type="button" className="button" onClick={onDone}>
        I have stored the secret
      </button>
    </section>
  );
}

function CreateWebhook({ onCreated }: { readonly onCreated: (w: WebhookWithSecret) => void }) {
  const [path, setPath] = useState('');
  const [workflowId, setWorkflowId] = useState('');
  const [mode, setMode] = useState<'async' | 'sync'>('async');
  const { pending, error, run } = useAction();
  const ids = { path: useId(), workflow: useId(), mode: useId(), pathHint: useId() };
  const pathOk = /^[a-z0-9][a-z0-9_-]{0,99}$/.test(path);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    let created: WebhookWithSecret | null = null;
    const ok = await run(async () => {
      created = await createWebhook({ path, workflowId, mode });
    });
    if (ok && created) {
      setPath('');
      onCreated(created);
    }
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="new-webhook" noValidate>
      <h2 id="new-webhook">New webhook</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.path}>Path</label>
          <input id={ids.path} className="mono" value={path} onChange={(e) => setPath(e.target.value)} aria-describedby={ids.pathHint} aria-invalid={path !== '' && !pathOk ? true : undefined} spellCheck={false} />
          <p id={ids.pathHint} className="hint">
            {`${window.location.origin}/hooks/${path || '<path>'}`} — lower-case letters, digits, - and _
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.workflow}>Workflow</label>
          <WorkflowSelect id={ids.workflow} value={workflowId} onChange={setWorkflowId} />
        </div>
        {workflowId !== '' && (
          <div className="field field--wide">
            <WebhookInput workflowId={workflowId} />
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.mode}>Answer</label>
          <select id={ids.mode} value={mode} onChange={(e) => setMode(e.target.value as 'async' | 'sync')}>
            <option value="async">at once, with the run id</option>
            <option value="sync">after the run, with its output</option>
          </select>
        </div>
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={pending || !pathOk || workflowId === ''} aria-busy={pending || undefined}>
          Create webhook
        </button>
      </div>
    </form>
  );
}

function WebhookTable({
  hooks,
  mayOperate,
  onChanged,
  onRotated,
}: {
  readonly hooks: readonly Webhook[];
  readonly mayOperate: boolean;
  readonly onChanged: () => void;
  readonly onRotated: (w: WebhookWithSecret) => void;
}) {
  const workflowNames = useWorkflowNames();
  const { pending, error, run } = useAction();
  const [confirm, setConfirm] = useState<{ hook: Webhook; action: 'rotate' | 'delete' } | null>(null);

  async function proceed() {
    if (!confirm) return;
    const { hook, action } = confirm;
    let rotated: WebhookWithSecret | null = null;
    const ok = await run(async () => {
      if (action === 'delete') await deleteWebhook(hook.path);
      else rotated = await rotateWebhookSecret(hook.path);
    });
    setConfirm(null);
    if (ok) {
      if (rotated) onRotated(rotated);
      onChanged();
    }
  }

  return (
    <>
      <ErrorNotice error={error} />
      <DataTable columns={['Path', 'URL', 'Workflow', 'Answer', 'Secret rotated', mayOperate && 'Actions']}>
        {hooks.map((h) => (
          <tr key={h.path}>
            <th scope="row" className="mono">
              {h.path}
            </th>
            <td>
              <code>{webhookUrl(window.location.origin, h.path)}</code>
            </td>
            <td>
              <WorkflowName id={h.workflowId} names={workflowNames} />
            </td>
            <td>{h.mode}</td>
            <td>
              <Time value={h.rotatedAt ?? h.createdAt} />
            </td>
            {mayOperate && (
              <td>
                <div className="actions">
                  <button type="button" className="button button--small" disabled={pending} onClick={() => setConfirm({ hook: h, action: 'rotate' })} aria-label={`Rotate the secret of ${h.path}`}>
                    Rotate secret
                  </button>
                  <button type="button" className="button button--small" disabled={pending} onClick={() => setConfirm({ hook: h, action: 'delete' })} aria-label={`Delete ${h.path}`}>
                    Delete
                  </button>
                </div>
              </td>
            )}
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.action === 'delete' ? 'Delete this webhook?' : 'Rotate the signing secret?'}
        confirmLabel={confirm?.action === 'delete' ? 'Delete webhook' : 'Rotate secret'}
        busy={pending}
        onConfirm={() => void proceed()}
        onCancel={() => setConfirm(null)}
      >
        <p>
          {confirm?.action === 'delete' ? 'Calls to ' : 'Senders signing with the current secret of '}
          <code>/hooks/{confirm?.hook.path}</code> {confirm?.action === 'delete' ? 'will answer 404.' : 'will be refused until they use the new one.'}
        </p>
      </ConfirmDialog>
    </>
  );
}

import type { Workflow } from '@weft/schemas';
import { useId, useMemo, useState } from 'react';
import { ApiError, getWorkflow, listNodeTypes } from '../api/client';
import { getDiff, getVersion, listVersions, restoreVersion } from '../api/versions';
import { toError, useResource } from '../api/useResource';
import { Link } from '../Link';
import { pathFor } from '../router';
import { Time } from '../Time';
import { DiffCanvas } from '../versions/DiffCanvas';
import { CHANGE_LOOK, diffView } from '../versions/diff-model';
import { LoadError } from './LoadError';
import { DataTable } from '../operators/DataTable';
import type { CatalogEntry } from '../canvas/to-flow';
import '../versions/versions.css';

/** A workflow's versions, a diff of any two of them, and restoring an old one. */
export function VersionsPage({ id }: { readonly id: string }) {
  const formId = useId();
  const workflow = useResource(`workflow:${id}`, (signal) => getWorkflow(id, { signal }));
  const versions = useResource(`versions:${id}`, (signal) => listVersions(id, undefined, { signal }));
  const catalog = useResource('node-types', (signal) => listNodeTypes({ signal }));
  const items = versions.resource.state === 'ready' ? versions.resource.data.items : [];
  const latest = items[0]?.version ?? 0;
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const fromV = from ?? Math.max(1, latest - 1);
  const toV = to ?? latest;

  const restore = async (version: number) => {
    setRestoreError(null);
    try {
      const saved = await restoreVersion(id, version);
      setNotice(`Version ${version} was saved as version ${saved}.`);
      setFrom(version);
      setTo(saved);
      versions.reload();
      workflow.reload();
    } catch (e) {
      setRestoreError(`Could not restore version ${version}: ${toError(e).message}`);
    }
  };

  return (
    <div className="page versions-page">
      <title>Versions · Weft</title>
      <div className="page-head">
        <h1>Versions of {workflow.resource.state === 'ready' ? workflow.resource.data.name : <code>{id}</code>}</h1>
        <Link to={pathFor({ name: 'workflow', id })}>Back to the workflow</Link>
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {restoreError && (
        <p className="notice notice--danger" role="alert">
          {restoreError}
        </p>
      )}
      {versions.resource.state === 'loading' && <p className="muted">Loading versions…</p>}
      {versions.resource.state === 'error' && <LoadError what="versions" error={versions.resource.error} onRetry={versions.reload} />}
      {items.length > 0 && (
        <DataTable columns={['Version', 'Message', 'Author', 'Saved', { label: 'Actions', hidden: true }]} aria-label="Versions">
          {items.map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <th scope="row">
                v{v.version}
                {v.version === latest && <span className="muted"> (latest)</span>}
              </th>
              <td>{v.message ?? <span className="muted">—</span>}</td>
              <td title={v.createdBy ?? undefined}>{v.createdByName ?? v.createdBy ?? <span className="muted">unknown</span>}</td>
              <td>
                <Time value={v.createdAt} />
              </td>
              <td>
                {v.version !== latest && (
                  <button type="button" className="button button--small" onClick={() => void restore(v.version)}>
                    Restore v{v.version} as new version
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {items.length > 1 && (
        <section className="section" aria-labelledby={`${formId}-diff`}>
          <h2 id={`${formId}-diff`}>Compare</h2>
          <div className="actions">
            <label htmlFor={`${formId}-from`}>From</label>
            <select id={`${formId}-from`} value={fromV} onChange={(e) => setFrom(Number(e.target.value))}>
              {items.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
            <label htmlFor={`${formId}-to`}>To</label>
            <select id={`${formId}-to`} value={toV} onChange={(e) => setTo(Number(e.target.value))}>
              {items.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </div>
          <VersionDiff key={`${fromV}:${toV}`} id={id} from={fromV} to={toV} catalog={catalog.resource.state === 'ready' ? catalog.resource.data : []} />
        </section>
      )}
    </div>
  );
}

function VersionDiff({ id, from, to, catalog }: { readonly id: string; readonly from: number; readonly to: number; readonly catalog: readonly CatalogEntry[] }) {
  const { resource, reload } = useResource(`diff:${id}:${from}:${to}`, async (signal) => {
    const answer = await getDiff(id, from, to, { signal });
    const a = await getVersion(id, from, { signal });
    const b = await getVersion(id, to, { signal });
    return { answer, from: a.document, to: b.document };
  });
  const byType = useMemo(() => new Map(catalog.map((c) => [c.type, c])), [catalog]);
  const view = useMemo(() => (resource.state === 'ready' ? diffView(resource.data.from as Workflow, resource.data.to as Workflow, resource.data.answer.diff) : null), [resource]);

  if (resource.state === 'loading') return <p className="muted">Comparing v{from} and v{to}…</p>;
  if (resource.state === 'error') {
    const issues = resource.error instanceof ApiError ? resource.error.issues : [];
    return <LoadError what={`the diff${issues.length ? ` (${issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : ''}`} error={resource.error} onRetry={reload} />;
  }
  if (!view) return null;
  return (
    <>
      <p aria-live="polite">
        v{from} → v{to}: {view.counts.added} added, {view.counts.removed} removed, {view.counts.changed} changed
        {!resource.data.answer.diff.changed && ' (no change in behaviour)'}
      </p>
      <DiffCanvas view={view} catalog={byType} />
      <h3>Changed values</h3>
      {view.params.length === 0 ? (
        <p className="muted">No param changes.</p>
      ) : (
        <DataTable columns={['Node', 'Path', 'Change', 'Before', 'After']} aria-label="Changed values" data-testid="param-changes">
          {view.params.map((p) => (
            <tr key={`${p.nodeId}:${p.path}`}>
              <th scope="row">
                <code>{p.nodeId}</code>
              </th>
              <td>
                <code>{p.path}</code>
              </td>
              <td>
                <span aria-hidden="true">{CHANGE_LOOK[p.kind].icon} </span>
                {CHANGE_LOOK[p.kind].label}
              </td>
              <td>
                <code className="diff-value diff-value--from">{p.from}</code>
              </td>
              <td>
                <code className="diff-value diff-value--to">{p.to}</code>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

import { useMemo } from 'react';
import { listWorkflows } from '../api/client';
import { useResource } from '../api/useResource';
import { Link } from '../Link';
import { pathFor } from '../router';

/** A labelled select of every workflow, for binding a schedule or webhook. */
export function WorkflowSelect({ id, value, onChange, invalid }: { readonly id: string; readonly value: string; readonly onChange: (id: string) => void; readonly invalid?: boolean }) {
  const { resource } = useResource('workflows', (signal) => listWorkflows({ signal }));
  const workflows = resource.state === 'ready' ? resource.data : [];
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} required aria-invalid={invalid || undefined} aria-busy={resource.state === 'loading' || undefined}>
      <option value="">{resource.state === 'loading' ? 'Loading workflows…' : resource.state === 'error' ? 'Could not load workflows' : 'Choose a workflow'}</option>
      {workflows.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </select>
  );
}

/** Workflow names by id, for tables that would otherwise show ids (empty until loaded). */
export function useWorkflowNames(): ReadonlyMap<string, string> {
  const { resource } = useResource('workflows', (signal) => listWorkflows({ signal }));
  const data = resource.state === 'ready' ? resource.data : null;
  return useMemo(() => new Map((data ?? []).map((w) => [w.id, w.name])), [data]);
}

/** A workflow's name linked to its page; its id while the name is not known. */
export function WorkflowName({ id, names }: { readonly id: string; readonly names: ReadonlyMap<string, string> }) {
  const name = names.get(id);
  return (
    <Link to={pathFor({ name: 'workflow', id })} title={id}>
      {name ?? <code>{id}</code>}
    </Link>
  );
}

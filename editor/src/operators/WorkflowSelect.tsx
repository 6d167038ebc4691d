import { listWorkflows } from '../api/client';
import { useResource } from '../api/useResource';

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

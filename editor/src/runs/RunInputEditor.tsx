import type { FormIssue } from './input-form';
import { useEffect, useId, useMemo, useState } from 'react';
import { getWorkflow } from '../api/client';
import { useResource } from '../api/useResource';
import { fieldsOf, initialValues, inputOf } from './input-form';
import { allPaths, FieldList } from './InputFields';

/** What the person has entered so far: the input, or the problems that keep it from being one. */
export type InputDraft = { readonly ok: true; readonly input: unknown } | { readonly ok: false; readonly issues: readonly FormIssue[] };

/**
 * The input of the runs a schedule starts, asked for with the fields the workflow's trigger
 * declares (or as JSON when it declares none), and checked as the run dialog checks it.
 */
export function RunInputEditor({ workflowId, onChange, showIssues }: { readonly workflowId: string; readonly onChange: (draft: InputDraft) => void; readonly showIssues: boolean }) {
  const { resource } = useResource(`workflow:${workflowId}`, (signal) => getWorkflow(workflowId, { signal }));
  if (resource.state === 'loading') return <p className="muted">Loading the workflow&apos;s input…</p>;
  if (resource.state === 'error') return <p className="field--error">Could not load the workflow: {resource.error.message}</p>;
  return <Form key={workflowId} schema={resource.data.document.inputSchema} onChange={onChange} showIssues={showIssues} />;
}

function Form({ schema, onChange, showIssues }: { readonly schema: Record<string, unknown> | undefined; readonly onChange: (draft: InputDraft) => void; readonly showIssues: boolean }) {
  const id = useId();
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => (fields ? initialValues(fields) : {}));
  const [json, setJson] = useState('{}');
  const draft = useMemo((): InputDraft => {
    if (fields) {
      const built = inputOf(fields, values);
      return built.issues.length > 0 ? { ok: false, issues: built.issues } : { ok: true, input: built.input };
    }
    try {
      return { ok: true, input: JSON.parse(json || '{}') };
    } catch {
      return { ok: false, issues: [{ path: '$', message: 'Not JSON' }] };
    }
  }, [fields, values, json]);
  useEffect(() => onChange(draft), [draft, onChange]);
  const issues = showIssues && !draft.ok ? draft.issues : [];
  const issueAt = (path: string) => issues.filter((i) => i.path === path).map((i) => i.message).join('; ');
  const known = new Set(fields ? [...allPaths(fields)] : ['$']);

  return (
    <fieldset className="field fieldset run-input-editor" data-testid="schedule-input">
      <legend>Input of each run</legend>
      {fields ? (
        fields.length === 0 ? (
          <p className="muted">The workflow declares no input fields.</p>
        ) : (
          <FieldList fields={fields} values={values} onChange={(key, v) => setValues((s) => ({ ...s, [key]: v }))} issueAt={issueAt} />
        )
      ) : (
        <div className="field">
          <label htmlFor={`${id}-json`}>Input (JSON)</label>
          <textarea id={`${id}-json`} rows={4} className="mono" value={json} onChange={(e) => setJson(e.target.value)} aria-invalid={issueAt('$') ? true : undefined} />
          <p className="hint">The workflow&apos;s trigger declares no fields, so any JSON is taken.</p>
          {issueAt('$') && <p className="field__error">{issueAt('$')}</p>}
        </div>
      )}
      {issues
        .filter((i) => !known.has(i.path))
        .map((i) => (
          <p key={`${i.path}:${i.message}`} className="field__error">
            <code>{i.path}</code>: {i.message}
          </p>
        ))}
    </fieldset>
  );
}

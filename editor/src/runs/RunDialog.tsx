import { useId, useMemo, useState, type FormEvent } from 'react';
import { ApiError, startRun } from '../api/client';
import { toError } from '../api/useResource';
import { DialogActions } from '../operators/DialogActions';
import { useModal } from '../operators/useModal';
import { fieldsOf, initialValues, inputOf, type FormIssue } from './input-form';
import { allPaths, FieldList } from './InputFields';
import './runs.css';

interface RunDialogProps {
  readonly workflowId: string;
  readonly inputSchema?: Readonly<Record<string, unknown>>;
  readonly onClose: () => void;
  readonly onStarted: (runId: string) => void;
}

/**
 * Asks for a run's input — a form from the workflow's input schema, or JSON text when the schema
 * has no form — and starts the run. A modal `<dialog>`: focus stays inside and Esc closes it.
 */
export function RunDialog({ workflowId, inputSchema, onClose, onStarted }: RunDialogProps) {
  const modal = useModal(onClose);
  const titleId = useId();
  const fields = useMemo(() => fieldsOf(inputSchema), [inputSchema]);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => (fields ? initialValues(fields) : {}));
  const [json, setJson] = useState('{}');
  const [issues, setIssues] = useState<readonly FormIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let input: unknown;
    if (fields) {
      const built = inputOf(fields, values);
      setIssues(built.issues);
      if (built.issues.length > 0) return;
      input = built.input;
    } else {
      try {
        input = JSON.parse(json || '{}');
        setIssues([]);
      } catch {
        setIssues([{ path: '$', message: 'expected JSON' }]);
        return;
      }
    }
    setBusy(true);
    setError(null);
    try {
      onStarted(await startRun(workflowId, input));
    } catch (cause) {
      setError(toError(cause).message);
      // The API reports input problems at `$.input…`; the form shows them at the field's path.
      if (cause instanceof ApiError) setIssues(cause.issues.map((i) => ({ path: i.path.replace(/^\$\.input/, '$'), message: i.message })));
    } finally {
      setBusy(false);
    }
  };

  const issueAt = (path: string) => issues.filter((i) => i.path === path).map((i) => i.message).join('; ');
  const known = new Set(fields ? [...allPaths(fields)] : ['$']);
  const otherIssues = issues.filter((i) => !known.has(i.path));

  return (
    <dialog {...modal} className="dialog card run-dialog" aria-labelledby={titleId}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id={titleId}>Start a run</h2>
        {fields ? (
          fields.length === 0 ? (
            <p className="muted">This workflow takes no input.</p>
          ) : (
            <FieldList fields={fields} values={values} onChange={(key, v) => setValues((s) => ({ ...s, [key]: v }))} issueAt={issueAt} />
          )
        ) : (
          <div className="field">
            <label htmlFor={`${titleId}-json`}>Input (JSON)</label>
            <textarea id={`${titleId}-json`} className="run-dialog__json" rows={8} value={json} onChange={(e) => setJson(e.target.value)} aria-invalid={issueAt('$') ? true : undefined} aria-describedby={issueAt('$') ? `${titleId}-json-err` : undefined} />
            {issueAt('$') && (
              <p className="field__error" id={`${titleId}-json-err`}>
                {issueAt('$')}
              </p>
            )}
          </div>
        )}
        {(error || otherIssues.length > 0) && (
          <div className="notice notice--danger" role="alert">
            {error && <p>{error}</p>}
            {otherIssues.length > 0 && (
              <ul>
                {otherIssues.map((i) => (
                  <li key={`${i.path}:${i.message}`}>
                    <code>{i.path}</code>: {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <DialogActions onCancel={onClose} busy={busy} submit="Start run" submitting="Starting…" />
      </form>
    </dialog>
  );
}

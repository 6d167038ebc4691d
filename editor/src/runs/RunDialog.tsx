import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, startRun } from '../api/client';
import { toError } from '../api/useResource';
import { fieldKey, fieldsOf, initialValues, inputOf, jsonPathOf, type FormIssue, type InputField } from './input-form';

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
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const fields = useMemo(() => fieldsOf(inputSchema), [inputSchema]);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => (fields ? initialValues(fields) : {}));
  const [json, setJson] = useState('{}');
  const [issues, setIssues] = useState<readonly FormIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

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
    <dialog
      ref={ref}
      className="dialog card run-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
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
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Starting…' : 'Start run'}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function* allPaths(fields: readonly InputField[]): Generator<string> {
  for (const f of fields) {
    yield jsonPathOf(f.path);
    if (f.kind === 'object') yield* allPaths(f.fields);
  }
}

interface FieldListProps {
  readonly fields: readonly InputField[];
  readonly values: Readonly<Record<string, string | boolean>>;
  readonly onChange: (key: string, value: string | boolean) => void;
  readonly issueAt: (path: string) => string;
}

function FieldList({ fields, values, onChange, issueAt }: FieldListProps) {
  return (
    <>
      {fields.map((f) => (
        <InputFieldView key={fieldKey(f.path)} field={f} values={values} onChange={onChange} issueAt={issueAt} />
      ))}
    </>
  );
}

function InputFieldView({ field, values, onChange, issueAt }: { readonly field: InputField } & Omit<FieldListProps, 'fields'>) {
  const id = `input-${useId()}`;
  const key = fieldKey(field.path);
  const path = jsonPathOf(field.path);
  const issue = issueAt(path);
  if (field.kind === 'object') {
    return (
      <fieldset className="run-dialog__group">
        <legend>
          {field.label}
          {field.required && <span aria-hidden="true"> *</span>}
        </legend>
        {field.description && <p className="hint">{field.description}</p>}
        <FieldList fields={field.fields} values={values} onChange={onChange} issueAt={issueAt} />
      </fieldset>
    );
  }
  const described = [field.description ? `${id}-hint` : '', issue ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': issue ? true : undefined, 'aria-describedby': described, required: field.required } as const;
  const text = typeof values[key] === 'string' ? (values[key] as string) : '';
  let control;
  switch (field.kind) {
    case 'boolean':
      control = <input type="checkbox" {...common} checked={values[key] === true} onChange={(e) => onChange(key, e.target.checked)} />;
      break;
    case 'enum':
      control = (
        <select {...common} value={text} onChange={(e) => onChange(key, e.target.value)}>
          <option value="">{field.required ? 'Choose…' : '(none)'}</option>
          {field.options.map((o) => (
            <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'json':
      control = <textarea {...common} rows={3} value={text} onChange={(e) => onChange(key, e.target.value)} placeholder="JSON" />;
      break;
    default:
      control = <input {...common} type="text" inputMode={field.kind === 'string' ? undefined : 'decimal'} value={text} onChange={(e) => onChange(key, e.target.value)} />;
  }
  return (
    <div className={`field${field.kind === 'boolean' ? ' field--check' : ''}${issue ? ' field--error' : ''}`}>
      <label htmlFor={id}>
        {field.label}
        {field.required && <span aria-hidden="true"> *</span>}
      </label>
      {control}
      {field.description && (
        <p className="hint" id={`${id}-hint`}>
          {field.description}
        </p>
      )}
      {issue && (
        <p className="field__error" id={`${id}-err`}>
          <code>{path}</code>: {issue}
        </p>
      )}
    </div>
  );
}

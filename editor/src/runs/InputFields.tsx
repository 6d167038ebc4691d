import { useId } from 'react';
import { fieldKey, jsonPathOf, type InputField } from './input-form';

// The fields of a workflow's declared run input, as a form: the run dialog and the schedule form
// (the fixed input of its runs) ask for the input with these.

/** The JSON paths of every field, nested ones included. */
export function* allPaths(fields: readonly InputField[]): Generator<string> {
  for (const f of fields) {
    yield jsonPathOf(f.path);
    if (f.kind === 'object') yield* allPaths(f.fields);
  }
}

/** What the form shows and where its values go. */
export interface FieldListProps {
  readonly fields: readonly InputField[];
  readonly values: Readonly<Record<string, string | boolean>>;
  readonly onChange: (key: string, value: string | boolean) => void;
  readonly issueAt: (path: string) => string;
}

/** The fields, each with its label, hint and problem. */
export function FieldList({ fields, values, onChange, issueAt }: FieldListProps) {
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

import { useId, useState } from 'react';
import { useDocumentStore } from '../store/document-store';
import { exampleValue, fieldNameProblem, freshFieldName, INPUT_TYPES, inputFieldsOf, inputSchemaOf, type InputFieldDef, type InputType } from './input-schema';
import './inspector.css';

/** Writes the declared fields into the document's input schema; keystrokes of one control are one undo step. */
function write(fields: readonly InputFieldDef[], label: string, group?: string): void {
  useDocumentStore.getState().edit(
    label,
    (doc) => {
      const next = inputSchemaOf(fields, doc.inputSchema);
      if (next === undefined) {
        if (doc.inputSchema === undefined) return doc;
        const { inputSchema: _gone, ...rest } = doc;
        return rest;
      }
      return { ...doc, inputSchema: next };
    },
    group,
  );
}

/**
 * The run input, declared on the trigger: the fields a run gets, with their type, whether they
 * are required, what they mean and an example. Stored as the document's `inputSchema`, which the
 * run dialog asks for, the validator checks `$nodes.<trigger>.output.<field>` against and
 * expression completion offers.
 */
export function RunInputSection({ triggerId }: { readonly triggerId: string }) {
  const schema = useDocumentStore((s) => s.doc.inputSchema);
  const fields = inputFieldsOf(schema);
  const headingId = useId();
  const update = (i: number, change: Partial<InputFieldDef>, label: string, group?: string) => write(fields.map((f, j) => (j === i ? { ...f, ...change } : f)), label, group);

  return (
    <section className="inspector__section run-input" aria-labelledby={headingId}>
      <h3 id={headingId}>Run input</h3>
      <p className="field__help">
        What each run gets. Later steps read a field as <code>{`{{ $nodes.${triggerId}.output.<name> }}`}</code>; the run dialog asks for these fields.
      </p>
      {fields.length === 0 && <p className="muted">No fields declared: a run may get any JSON.</p>}
      <ol className="run-input__list">
        {fields.map((f, i) => (
          // Keyed by name too, so a removal or rename starts the rows below from what is stored.
          <li key={`${i}:${f.name}`} className="run-input__field" data-testid={`input-field-${i}`}>
            <InputFieldRow field={f} index={i} fields={fields} update={update} />
          </li>
        ))}
      </ol>
      <button type="button" className="button button--small" onClick={() => write([...fields, { name: freshFieldName(fields), type: 'string', required: false, description: '', example: '', rest: {} }], 'add an input field')}>
        Add a field
      </button>
    </section>
  );
}

function InputFieldRow({
  field,
  index,
  fields,
  update,
}: {
  readonly field: InputFieldDef;
  readonly index: number;
  readonly fields: readonly InputFieldDef[];
  readonly update: (i: number, change: Partial<InputFieldDef>, label: string, group?: string) => void;
}) {
  const id = useId();
  // The name is committed when it is a usable one (Enter or leaving the field), so references
  // never see half a name; the example likewise only once it fits the type.
  const [name, setName] = useState(field.name);
  const [example, setExample] = useState(field.example);
  const nameProblem = fieldNameProblem(fields, index, name);
  const exampleCheck = example === '' ? null : exampleValue(field.type, example);
  const commitName = () => {
    if (name !== field.name && !nameProblem) update(index, { name }, 'rename an input field');
  };
  const group = `input:${index}`;
  return (
    <fieldset className="run-input__row">
      <legend className="visually-hidden">Input field {index + 1}</legend>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          type="text"
          value={name}
          spellCheck={false}
          aria-invalid={nameProblem ? true : undefined}
          aria-describedby={nameProblem ? `${id}-name-problem` : undefined}
          onChange={(e) => setName(e.target.value)}
          onBlur={commitName}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitName();
            if (e.key === 'Escape') setName(field.name);
          }}
        />
        {nameProblem && (
          <p id={`${id}-name-problem`} className="field__problems">
            {nameProblem}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={field.type} onChange={(e) => update(index, { type: e.target.value as InputType }, 'change an input field type')}>
          {INPUT_TYPES.map((t) => (
            <option key={t.type} value={t.type}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--inline">
        <input id={`${id}-required`} type="checkbox" checked={field.required} onChange={(e) => update(index, { required: e.target.checked }, 'change whether an input field is required')} />
        <label htmlFor={`${id}-required`}>Required</label>
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <input id={`${id}-description`} type="text" value={field.description} onChange={(e) => update(index, { description: e.target.value }, 'describe an input field', `${group}:description`)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-example`}>Example</label>
        <input
          id={`${id}-example`}
          type="text"
          value={example}
          spellCheck={false}
          aria-invalid={exampleCheck && !exampleCheck.ok ? true : undefined}
          onChange={(e) => {
            const text = e.target.value;
            setExample(text);
            if (text === '' || exampleValue(field.type, text).ok) update(index, { example: text }, 'change an input field example', `${group}:example`);
          }}
        />
        {exampleCheck && !exampleCheck.ok && <p className="field__problems">{exampleCheck.message}</p>}
      </div>
      <button type="button" className="button button--quiet button--small" aria-label={`Remove input field ${field.name}`} onClick={() => write(fields.filter((_, j) => j !== index), 'remove an input field')}>
        Remove
      </button>
    </fieldset>
  );
}

import { hasTemplate, type Problem } from '@weft/schemas';
import { createContext, lazy, Suspense, useContext, useId, useState, type ReactNode } from 'react';
import type { CodeLanguage } from './CodeEditor';
import type { ToolArgumentHint, UpstreamNode } from './completions';
import { ExpressionPreview } from './ExpressionPreview';
import { fieldModel, fieldPath, initialValue, labelOf, objectFields, type FieldModel, type JsonSchema } from './schema-form';
import { useSecretNames } from './useSecretNames';

// Form controls generated from JSON Schema. Every control writes through `set` in the form
// context, which turns the change into one document edit.

const loadCodeEditor = () => import('./CodeEditor');
const CodeEditor = lazy(loadCodeEditor);

/** Loads the code editor (Monaco) ahead of need; the fields then render it without waiting. */
export function preloadCodeEditor(): void {
  void loadCodeEditor();
}

/** What every field of one node's form shares. */
export interface FormContext {
  readonly nodeId: string;
  readonly nodeType: string;
  /** Writes `value` at `path` (relative to the node, e.g. `['params', 'url']`); undefined removes it. */
  readonly set: (path: readonly (string | number)[], value: unknown, label: string) => void;
  /** Problems of the node by path relative to the node (`$.params.url`). */
  readonly problems: ReadonlyMap<string, readonly Problem[]>;
  readonly upstream: () => readonly UpstreamNode[];
  /** For a node wired to an agent's tools port: the arguments it declares (`$tool.<name>`); absent otherwise. */
  readonly toolArguments?: () => readonly ToolArgumentHint[] | undefined;
}

export const Form = createContext<FormContext | null>(null);

function useForm(): FormContext {
  const form = useContext(Form);
  if (!form) throw new Error('fields must be inside a <Form.Provider>');
  return form;
}

/** Problems shown at a field: its own, and for single-value editors also those inside its value. */
function problemsAt(problems: ReadonlyMap<string, readonly Problem[]>, path: string, deep: boolean): Problem[] {
  const out: Problem[] = [];
  for (const [p, list] of problems) {
    if (p === path || (deep && (p.startsWith(`${path}.`) || p.startsWith(`${path}[`)))) out.push(...list);
  }
  return out;
}

const CONTAINERS = new Set(['object', 'array', 'record', 'variant']);

function describeDefault(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** One field: label, control, help text and its problems. */
export function Field({ field, path, value }: { readonly field: FieldModel; readonly path: readonly (string | number)[]; readonly value: unknown }) {
  const form = useForm();
  const id = useId();
  const jsonPath = fieldPath(path);
  const problems = problemsAt(form.problems, jsonPath, !CONTAINERS.has(field.kind));
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const described = [field.description || field.default !== undefined ? helpId : '', problems.length ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const set = (v: unknown) => form.set(path, v, field.label);
  const a11y = { id, 'aria-describedby': described, 'aria-invalid': problems.some((p) => p.severity === 'error') || undefined };

  const help = (field.description || field.default !== undefined) && (
    <p id={helpId} className="field__help">
      {field.description}
      {field.default !== undefined && !CONTAINERS.has(field.kind) && <span className="field__default"> Default: {describeDefault(field.default)}</span>}
    </p>
  );
  const errors = problems.length > 0 && (
    <ul id={errorId} className="field__problems">
      {problems.map((p, i) => (
        <li key={i} data-severity={p.severity}>
          {p.message}
        </li>
      ))}
    </ul>
  );

  if (CONTAINERS.has(field.kind)) {
    return (
      <fieldset className="field field--group" data-field-path={jsonPath}>
        <legend>
          {field.label}
          {field.required && <span className="field__required"> (required)</span>}
        </legend>
        {help}
        {errors}
        <Container field={field} path={path} value={value} set={set} />
      </fieldset>
    );
  }

  // Expressions show the value they would have against the sample data as they are typed.
  const previewMode = field.kind === 'jsonata' && typeof value === 'string' ? 'jsonata' : ['template', 'text', 'json'].includes(field.kind) && typeof value === 'string' && hasTemplate(value) ? 'template' : null;

  if (field.kind === 'boolean') {
    return (
      <div className="field field--check" data-field-path={jsonPath}>
        <input type="checkbox" {...a11y} checked={value === undefined ? field.default === true : value === true} onChange={(e) => set(e.target.checked)} />
        <label htmlFor={id}>{field.label}</label>
        {help}
        {errors}
      </div>
    );
  }

  return (
    <div className="field" data-field-path={jsonPath} data-kind={field.kind}>
      <label htmlFor={id} id={`${id}-label`}>
        {field.label}
        {field.required && <span className="field__required"> (required)</span>}
      </label>
      <Control field={field} value={value} set={set} a11y={a11y} />
      {previewMode && <ExpressionPreview nodeId={form.nodeId} text={value as string} mode={previewMode} fieldPath={jsonPath} />}
      {help}
      {errors}
    </div>
  );
}

type A11y = { id: string; 'aria-describedby': string | undefined; 'aria-invalid': true | undefined };

function Control({ field, value, set, a11y }: { readonly field: FieldModel; readonly value: unknown; readonly set: (v: unknown) => void; readonly a11y: A11y }) {
  const form = useForm();
  // A free JSON value that holds a `{{ }}` template when the node is opened is edited as a template
  // (decided once, so the editor does not change under the cursor).
  const [kind] = useState(() => (field.kind === 'json' && typeof value === 'string' && value.includes('{{') ? 'template' : field.kind));
  switch (kind) {
    case 'enum':
      return (
        <select {...a11y} value={value === undefined ? '' : JSON.stringify(value)} onChange={(e) => set(e.target.value === '' ? undefined : JSON.parse(e.target.value))}>
          {(!field.required || value === undefined) && <option value="">{field.default !== undefined ? `Default (${describeDefault(field.default)})` : '—'}</option>}
          {field.options!.map((o) => (
            <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
    case 'number':
    case 'integer':
      return <NumberInput a11y={a11y} value={value} set={set} field={field} />;
    case 'secret':
      return <SecretInput a11y={a11y} value={value} set={set} />;
    case 'const':
      return <input {...a11y} readOnly value={describeDefault(field.schema.const)} />;
    case 'code':
    case 'jsonata':
    case 'template':
    case 'json': {
      const language: CodeLanguage = kind === 'code' ? 'javascript' : kind;
      const text = kind === 'json' ? (value === undefined ? '' : JSON.stringify(value, null, 2)) : typeof value === 'string' ? value : '';
      return (
        <Suspense fallback={<textarea {...a11y} className="code-fallback" readOnly value={text} />}>
          {kind === 'json' ? (
            <JsonEditor a11y={a11y} label={field.label} schema={field.schema} value={value} set={set} />
          ) : (
            <CodeEditor
              id={a11y.id}
              value={text}
              language={language}
              ariaLabel={field.label}
              {...(a11y['aria-describedby'] ? { describedBy: a11y['aria-describedby'] } : {})}
              {...(field.schema.multiline ? { minLines: 4 } : {})}
              upstream={form.upstream}
              {...(form.toolArguments ? { toolArguments: form.toolArguments } : {})}
              onChange={(v) => set(v)}
            />
          )}
        </Suspense>
      );
    }
    default:
      return <input {...a11y} type="text" value={typeof value === 'string' ? value : ''} placeholder={typeof field.default === 'string' ? field.default : undefined} onChange={(e) => set(e.target.value === '' && !field.required ? undefined : e.target.value)} />;
  }
}

/** A number field that keeps what is typed ("-", "1.") while it is not a number yet. */
function NumberInput({ a11y, value, set, field }: { readonly a11y: A11y; readonly value: unknown; readonly set: (v: unknown) => void; readonly field: FieldModel }) {
  const shown = typeof value === 'number' ? String(value) : '';
  const [draft, setDraft] = useState<{ text: string; for: string } | null>(null);
  const text = draft && draft.for === shown ? draft.text : shown;
  const placeholder = typeof field.default === 'number' ? String(field.default) : undefined;
  return (
    <input
      {...a11y}
      type="text"
      inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        const t = e.target.value;
        const n = Number(t);
        if (t.trim() === '') {
          setDraft({ text: t, for: '' });
          set(undefined);
        } else if (Number.isFinite(n)) {
          setDraft({ text: t, for: String(n) });
          set(n);
        } else setDraft({ text: t, for: shown });
      }}
    />
  );
}

function SecretInput({ a11y, value, set }: { readonly a11y: A11y; readonly value: unknown; readonly set: (v: unknown) => void }) {
  const names = useSecretNames();
  const current = typeof value === 'string' ? value : '';
  if (!names) return <input {...a11y} type="text" value={current} autoComplete="off" spellCheck={false} onChange={(e) => set(e.target.value)} />;
  return (
    <select {...a11y} value={current} onChange={(e) => set(e.target.value)}>
      <option value="">Choose a secret…</option>
      {current && !names.includes(current) && <option value={current}>{current} (not stored)</option>}
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}

/** The schema without the UI text, for Monaco's JSON checks (a bare `{}` accepts anything). */
function withoutMeta(schema: JsonSchema): object {
  const { title: _t, description: _d, default: _v, ...rest } = schema;
  return rest;
}

/** A JSON value in Monaco; text that does not parse yet stays in the editor and is not written. */
function JsonEditor({ a11y, label, schema, value, set }: { readonly a11y: A11y; readonly label: string; readonly schema: JsonSchema; readonly value: unknown; readonly set: (v: unknown) => void }) {
  const form = useForm();
  const shown = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState<{ text: string; for: string } | null>(null);
  const text = draft && draft.for === shown ? draft.text : shown;
  return (
    <CodeEditor
      value={text}
      language="json"
      id={a11y.id}
      ariaLabel={label}
      schema={withoutMeta(schema)}
      {...(a11y['aria-describedby'] ? { describedBy: a11y['aria-describedby'] } : {})}
      upstream={form.upstream}
      onChange={(t) => {
        if (t.trim() === '') {
          setDraft({ text: t, for: '' });
          set(undefined);
          return;
        }
        try {
          const v: unknown = JSON.parse(t);
          setDraft({ text: t, for: JSON.stringify(v, null, 2) });
          set(v);
        } catch {
          setDraft({ text: t, for: shown });
        }
      }}
    />
  );
}

function Container({ field, path, value, set }: { readonly field: FieldModel; readonly path: readonly (string | number)[]; readonly value: unknown; readonly set: (v: unknown) => void }): ReactNode {
  const form = useForm();
  const { schema } = field;
  switch (field.kind) {
    case 'object':
      return <ObjectFields schema={schema} path={path} value={value} nodeType={form.nodeType} />;
    case 'array': {
      const items = Array.isArray(value) ? (value as unknown[]) : [];
      const itemSchema = schema.items ?? {};
      return (
        <div className="field__list">
          <ol>
            {items.map((item, i) => (
              <li key={i} className="field__item">
                <Field field={fieldModel(String(i), { ...itemSchema, title: `${labelOf(field.name, itemSchema.title ? itemSchema : schema)} ${i + 1}` }, { required: true, value: item, nodeType: form.nodeType })} path={[...path, i]} value={item} />
                <button type="button" className="button button--quiet button--small" onClick={() => set(items.filter((_, j) => j !== i))} aria-label={`Remove ${field.label} ${i + 1}`}>
                  Remove
                </button>
              </li>
            ))}
          </ol>
          <button type="button" className="button button--small" onClick={() => set([...items, initialValue(itemSchema)])}>
            Add {field.label.toLowerCase()}
          </button>
        </div>
      );
    }
    case 'record':
      return <RecordFields field={field} path={path} value={value} set={set} />;
    case 'variant':
      return <VariantFields field={field} path={path} value={value} set={set} />;
    default:
      return null;
  }
}

/** The fields of an object schema (a node's params, a nested object). */
export function ObjectFields({ schema, path, value, nodeType }: { readonly schema: JsonSchema; readonly path: readonly (string | number)[]; readonly value: unknown; readonly nodeType: string }) {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  return (
    <>
      {objectFields(schema, value, nodeType).map((f) => (
        <Field key={f.name} field={f} path={[...path, f.name]} value={v[f.name]} />
      ))}
    </>
  );
}

function RecordFields({ field, path, value, set }: { readonly field: FieldModel; readonly path: readonly (string | number)[]; readonly value: unknown; readonly set: (v: unknown) => void }) {
  const form = useForm();
  const entries = Object.entries(value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});
  const valueSchema = typeof field.schema.additionalProperties === 'object' ? field.schema.additionalProperties : {};
  const rename = (from: string, to: string) => set(Object.fromEntries(entries.map(([k, v]) => [k === from ? to : k, v])));
  return (
    <div className="field__list">
      {entries.map(([k, v], i) => (
        <div key={i} className="field__pair">
          <label className="visually-hidden" htmlFor={`${form.nodeId}-${fieldPath(path)}-key-${i}`}>
            {field.label} name {i + 1}
          </label>
          <input id={`${form.nodeId}-${fieldPath(path)}-key-${i}`} type="text" value={k} onChange={(e) => rename(k, e.target.value)} />
          <Field field={fieldModel(k, { ...valueSchema, title: k || `Value ${i + 1}` }, { required: true, value: v, nodeType: form.nodeType })} path={[...path, k]} value={v} />
          <button type="button" className="button button--quiet button--small" aria-label={`Remove ${field.label} ${k || i + 1}`} onClick={() => set(Object.fromEntries(entries.filter(([key]) => key !== k)))}>
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button--small"
        onClick={() => {
          let name = 'name';
          for (let n = 2; entries.some(([k]) => k === name); n++) name = `name${n}`;
          set(Object.fromEntries([...entries, [name, initialValue(valueSchema)]]));
        }}
      >
        Add {field.label.toLowerCase()}
      </button>
    </div>
  );
}

function VariantFields({ field, path, value, set }: { readonly field: FieldModel; readonly path: readonly (string | number)[]; readonly value: unknown; readonly set: (v: unknown) => void }) {
  const form = useForm();
  const id = useId();
  const variants = field.variants!;
  const tag = variants[0]!.tag;
  const current = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  const chosen = current ? variants.find((v) => v.value === current[tag]) : undefined;
  return (
    <>
      <div className="field">
        <label htmlFor={id}>Kind</label>
        <select
          id={id}
          value={chosen ? String(variants.indexOf(chosen)) : ''}
          onChange={(e) => {
            const v = e.target.value === '' ? undefined : variants[Number(e.target.value)];
            set(v ? initialValue(v.schema) : undefined);
          }}
        >
          {(!field.required || !chosen) && <option value="">None</option>}
          {variants.map((v, i) => (
            <option key={i} value={String(i)}>
              {v.label}
            </option>
          ))}
        </select>
        {chosen?.schema.description && <p className="field__help">{chosen.schema.description}</p>}
      </div>
      {chosen && <ObjectFields schema={{ ...chosen.schema, properties: Object.fromEntries(Object.entries(chosen.schema.properties ?? {}).filter(([k]) => k !== tag)) }} path={path} value={current} nodeType={form.nodeType} />}
    </>
  );
}

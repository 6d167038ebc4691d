// Turns a workflow's input JSON Schema into form fields, and the form's values back into the
// run input. Only what a form can show well is mapped; anything else becomes a JSON field.

/** One field of the run form. `json` holds any value typed as JSON text. */
export type InputField =
  | (FieldBase & { readonly kind: 'string' | 'number' | 'integer' | 'boolean' | 'json' })
  | (FieldBase & { readonly kind: 'enum'; readonly options: readonly (string | number | boolean)[] })
  | (FieldBase & { readonly kind: 'object'; readonly fields: readonly InputField[] });

interface FieldBase {
  /** Property names from the input root. */
  readonly path: readonly string[];
  readonly label: string;
  readonly description?: string;
  readonly required: boolean;
  readonly default?: unknown;
}

/** Form values by field key (see {@link fieldKey}): text for inputs, a boolean for checkboxes. */
export type FormValues = Readonly<Record<string, string | boolean>>;

/** A problem with one value, at a JSON path such as `$.address.zip`. */
export interface FormIssue {
  readonly path: string;
  readonly message: string;
}

type Schema = Readonly<Record<string, unknown>>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The key a field's value is stored under. */
export function fieldKey(path: readonly string[]): string {
  return path.join('.');
}

/** The JSON path of a field, as the API reports issues. */
export function jsonPathOf(path: readonly string[]): string {
  return path.reduce((p, k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${p}.${k}` : `${p}[${JSON.stringify(k)}]`), '$');
}

/**
 * The form for an input schema: its top-level fields, or null when the schema is not an object
 * with properties (the dialog then offers one JSON text area).
 */
export function fieldsOf(schema: Schema | undefined): InputField[] | null {
  if (!schema || !isObjectSchema(schema)) return null;
  return objectFields(schema, []);
}

function isObjectSchema(s: Schema): boolean {
  return (s['type'] === 'object' || (s['type'] === undefined && isSchema(s['properties']))) && isSchema(s['properties']);
}

function objectFields(schema: Schema, at: readonly string[]): InputField[] {
  const props = schema['properties'] as Schema;
  const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [];
  return Object.entries(props).map(([name, sub]) => fieldOf(isSchema(sub) ? sub : {}, [...at, name], required.includes(name)));
}

function fieldOf(s: Schema, path: readonly string[], required: boolean): InputField {
  const base: FieldBase = {
    path,
    label: typeof s['title'] === 'string' ? s['title'] : path[path.length - 1]!,
    ...(typeof s['description'] === 'string' ? { description: s['description'] } : {}),
    required,
    ...('default' in s ? { default: s['default'] } : {}),
  };
  if (Array.isArray(s['enum']) && s['enum'].length > 0 && s['enum'].every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
    return { ...base, kind: 'enum', options: s['enum'] as (string | number | boolean)[] };
  }
  const type = Array.isArray(s['type']) ? s['type'].find((t) => t !== 'null') : s['type'];
  switch (type) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
      return { ...base, kind: type };
    case 'object':
      return isObjectSchema(s) ? { ...base, kind: 'object', fields: objectFields(s, path) } : { ...base, kind: 'json' };
    default:
      return { ...base, kind: 'json' };
  }
}

/** Starting values: each field's default, else empty. */
export function initialValues(fields: readonly InputField[]): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const f of flatten(fields)) {
    const d = f.default;
    if (f.kind === 'boolean') values[fieldKey(f.path)] = d === true;
    else if (f.kind === 'json') values[fieldKey(f.path)] = d === undefined ? '' : JSON.stringify(d, null, 2);
    else if (f.kind === 'enum') values[fieldKey(f.path)] = d === undefined ? '' : JSON.stringify(d);
    else values[fieldKey(f.path)] = d === undefined || d === null ? '' : String(d);
  }
  return values;
}

/** Every field with a value of its own (objects are only containers). */
export function flatten(fields: readonly InputField[]): Exclude<InputField, { kind: 'object' }>[] {
  return fields.flatMap((f) => (f.kind === 'object' ? flatten(f.fields) : [f]));
}

/**
 * The run input the values describe, or the problems that stop it. Empty optional fields are
 * left out; an object all of whose fields are empty is left out too unless it is required.
 */
export function inputOf(fields: readonly InputField[], values: FormValues): { input: Record<string, unknown>; issues: FormIssue[] } {
  const issues: FormIssue[] = [];
  const input = objectValue(fields, values, issues);
  return { input, issues };
}

function objectValue(fields: readonly InputField[], values: FormValues, issues: FormIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const name = f.path[f.path.length - 1]!;
    if (f.kind === 'object') {
      const inner = objectValue(f.fields, values, issues);
      if (Object.keys(inner).length > 0 || f.required) out[name] = inner;
      continue;
    }
    const value = scalarValue(f, values[fieldKey(f.path)], issues);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function scalarValue(f: Exclude<InputField, { kind: 'object' }>, raw: string | boolean | undefined, issues: FormIssue[]): unknown {
  const path = jsonPathOf(f.path);
  if (f.kind === 'boolean') return raw === true;
  const text = typeof raw === 'string' ? raw : '';
  if (text.trim() === '') {
    if (f.required) issues.push({ path, message: 'required' });
    return undefined;
  }
  switch (f.kind) {
    case 'string':
      return text;
    case 'number':
    case 'integer': {
      const n = Number(text);
      if (!Number.isFinite(n)) issues.push({ path, message: 'expected a number' });
      else if (f.kind === 'integer' && !Number.isInteger(n)) issues.push({ path, message: 'expected a whole number' });
      else return n;
      return undefined;
    }
    case 'enum':
      // Options are stored as JSON so that 1 and "1" stay apart.
      return JSON.parse(text) as unknown;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        issues.push({ path, message: 'expected JSON' });
        return undefined;
      }
  }
}

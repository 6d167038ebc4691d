// The run input a trigger declares, as a person fills it in (a list of fields), and the JSON
// Schema the document keeps (`inputSchema`), which the run dialog, the validator and expression
// completion read. Keys of a property this form does not show (enum, format, nested properties)
// are kept as they are.

/** The types a declared input field may have, in the words the form shows. */
export const INPUT_TYPES = [
  { type: 'string', label: 'Text' },
  { type: 'number', label: 'Number' },
  { type: 'integer', label: 'Whole number' },
  { type: 'boolean', label: 'True or false' },
  { type: 'array', label: 'List' },
  { type: 'object', label: 'Object' },
] as const;

/** A JSON Schema type of a declared input field. */
export type InputType = (typeof INPUT_TYPES)[number]['type'];

/** One declared field of the run input. */
export interface InputFieldDef {
  readonly name: string;
  readonly type: InputType;
  readonly required: boolean;
  readonly description: string;
  /** The example as text: a string as it is, anything else as JSON. Empty for none. */
  readonly example: string;
  /** The property's other keys (enum, format, nested properties…), kept as they were. */
  readonly rest: Readonly<Record<string, unknown>>;
}

type Schema = Readonly<Record<string, unknown>>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const TYPES = new Set<string>(INPUT_TYPES.map((t) => t.type));

/** The declared fields of an input schema, in order; none when it declares no properties. */
export function inputFieldsOf(schema: Schema | undefined): InputFieldDef[] {
  const properties = isSchema(schema?.['properties']) ? (schema['properties'] as Schema) : {};
  const required = Array.isArray(schema?.['required']) ? (schema['required'] as unknown[]) : [];
  return Object.entries(properties).map(([name, p]) => {
    const { type, description, examples, ...rest } = isSchema(p) ? p : {};
    const example = Array.isArray(examples) && examples.length > 0 ? examples[0] : undefined;
    return {
      name,
      type: typeof type === 'string' && TYPES.has(type) ? (type as InputType) : 'string',
      required: required.includes(name),
      description: typeof description === 'string' ? description : '',
      example: example === undefined ? '' : typeof example === 'string' ? example : JSON.stringify(example),
      rest,
    };
  });
}

/** The example typed for a field as the value it stands for, or why it is not one. */
export function exampleValue(type: InputType, text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (type === 'string') return { ok: true, value: text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `Not ${describe(type)}` };
  }
  const fits =
    (type === 'number' && typeof value === 'number') ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'object' && isSchema(value));
  return fits ? { ok: true, value } : { ok: false, message: `Not ${describe(type)}` };
}

function describe(type: InputType): string {
  switch (type) {
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a JSON list, e.g. ["a", "b"]';
    case 'object':
      return 'a JSON object, e.g. {"id": 1}';
    default:
      return 'text';
  }
}

/** Why `name` cannot name field `index`, or undefined when it can. */
export function fieldNameProblem(fields: readonly InputFieldDef[], index: number, name: string): string | undefined {
  if (name === '') return 'Required';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'Letters, digits and _, starting with a letter or _ (expressions read it as $nodes.<trigger>.output.<name>)';
  if (fields.some((f, i) => i !== index && f.name === name)) return `Another field is named "${name}"`;
  return undefined;
}

/**
 * The input schema of the declared fields; undefined when there are none (and the schema held
 * nothing else). Keys of the previous schema other than its properties and required list stay.
 */
export function inputSchemaOf(fields: readonly InputFieldDef[], previous?: Schema): Record<string, unknown> | undefined {
  const { properties: _p, required: _r, ...kept } = previous ?? {};
  if (fields.length === 0) {
    const rest = Object.fromEntries(Object.entries(kept).filter(([k]) => k !== 'type'));
    return Object.keys(rest).length > 0 ? { type: 'object', ...rest } : undefined;
  }
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    const example = f.example === '' ? undefined : exampleValue(f.type, f.example);
    properties[f.name] = {
      ...f.rest,
      type: f.type,
      ...(f.description ? { description: f.description } : {}),
      ...(example?.ok ? { examples: [example.value] } : {}),
    };
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return { ...kept, type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** A name not used by any field yet: `field`, `field_2`, … */
export function freshFieldName(fields: readonly InputFieldDef[]): string {
  const names = new Set(fields.map((f) => f.name));
  if (!names.has('field')) return 'field';
  for (let i = 2; ; i++) if (!names.has(`field_${i}`)) return `field_${i}`;
}

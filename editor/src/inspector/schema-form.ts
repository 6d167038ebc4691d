import { jsonPath } from '@weft/schemas';

// Turns a node type's params JSON Schema (as zod's toJSONSchema writes it) into a description
// of form fields. Pure, so the mapping is tested without a browser.

/** The subset of JSON Schema the form reads. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Long text (prompts, instructions): edited in a multi-line editor from the start (zod `.meta({ multiline: true })`). */
  readonly multiline?: boolean;
}

/** How a field is edited. */
export type FieldKind =
  | 'text'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'secret'
  /** Monaco: JavaScript. */
  | 'code'
  /** Monaco: a bare JSONata expression. */
  | 'jsonata'
  /** Monaco: text with `{{ }}` JSONata templates. */
  | 'template'
  /** Monaco: any JSON value. */
  | 'json'
  | 'array'
  | 'object'
  /** An object of free keys to values of one schema (headers, query). */
  | 'record'
  /** One of several object shapes told apart by a constant field (a discriminated union). */
  | 'variant'
  /** A fixed value, shown but not edited. */
  | 'const';

/** One field of the form. */
export interface FieldModel {
  readonly kind: FieldKind;
  /** Property name (or item index as text). */
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly required: boolean;
  readonly schema: JsonSchema;
  /** Choices of an `enum` field. */
  readonly options?: readonly unknown[];
  /** Shapes of a `variant` field, with the discriminating property and its value for each. */
  readonly variants?: readonly { readonly label: string; readonly tag: string; readonly value: unknown; readonly schema: JsonSchema }[];
}

const SECRET = /\bsecret\b/i;

/** Whether a string schema names a stored secret (by its title or its description). */
export function isSecretName(schema: JsonSchema): boolean {
  return schema.title === 'Secret' || (typeof schema.description === 'string' && SECRET.test(schema.description) && /\bname\b/i.test(schema.description));
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return (schema.type as readonly string[]).find((t) => t !== 'null');
  return schema.type as string | undefined;
}

/** Humanises a property name for a label when the schema has no title: `timeoutMs` → `Timeout ms`. */
export function labelOf(name: string, schema: JsonSchema): string {
  if (schema.title) return schema.title;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The tag property and values of a union whose members are objects with one constant field in common. */
function discriminated(members: readonly JsonSchema[]): FieldModel['variants'] | undefined {
  if (members.length < 2 || !members.every((m) => typeOf(m) === 'object' && m.properties)) return undefined;
  const first = members[0]!.properties!;
  const tag = Object.keys(first).find((k) => members.every((m) => m.properties?.[k]?.const !== undefined));
  if (tag === undefined) return undefined;
  return members.map((m) => ({ label: m.title ?? String(m.properties![tag]!.const), tag, value: m.properties![tag]!.const, schema: m }));
}

/**
 * How one property is edited, from its schema, its name, the node type and its current value.
 * @example fieldModel('code', { type: 'string' }, { nodeType: 'execution.code' }).kind // 'code'
 */
export function fieldModel(name: string, schema: JsonSchema, context: { readonly required?: boolean; readonly value?: unknown; readonly nodeType?: string } = {}): FieldModel {
  const base = {
    name,
    label: labelOf(name, schema),
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.default !== undefined ? { default: schema.default } : {}),
    required: context.required ?? false,
    schema,
  };
  const members = schema.oneOf ?? schema.anyOf;
  if (members) {
    const variants = discriminated(members);
    return variants ? { ...base, kind: 'variant', variants } : { ...base, kind: 'json' };
  }
  if (schema.const !== undefined) return { ...base, kind: 'const' };
  if (schema.enum) return { ...base, kind: 'enum', options: schema.enum };
  switch (typeOf(schema)) {
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'integer':
      return { ...base, kind: 'integer' };
    case 'number':
      return { ...base, kind: 'number' };
    case 'string':
      return { ...base, kind: stringKind(name, schema, context) };
    case 'array':
      return { ...base, kind: schema.items ? 'array' : 'json' };
    case 'object':
      if (schema.properties && Object.keys(schema.properties).length > 0) return { ...base, kind: 'object' };
      if (typeof schema.additionalProperties === 'object') return { ...base, kind: 'record' };
      return { ...base, kind: 'json' };
    default:
      // No type: any JSON value (z.unknown(), a body).
      return { ...base, kind: 'json' };
  }
}

function stringKind(name: string, schema: JsonSchema, context: { readonly value?: unknown; readonly nodeType?: string }): FieldKind {
  if (isSecretName(schema)) return 'secret';
  if (context.nodeType === 'execution.code' && name === 'code') return 'code';
  if (schema.description && /\bJSONata\b/.test(schema.description) && !/\{\{/.test(schema.description)) return 'jsonata';
  if (schema.description?.startsWith('JSONata')) return 'jsonata';
  if (schema.multiline || (typeof context.value === 'string' && context.value.includes('{{'))) return 'template';
  return 'text';
}

/** The fields of an object schema, in the schema's order. */
export function objectFields(schema: JsonSchema, value: unknown, nodeType?: string): FieldModel[] {
  const required = new Set(schema.required ?? []);
  const v = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return Object.entries(schema.properties ?? {}).map(([name, s]) => fieldModel(name, s, { required: required.has(name), value: v[name], ...(nodeType ? { nodeType } : {}) }));
}

/** The JSON path of a field under the node, the form `FieldFocus.path` and problem paths use: `['params', 'url']` → `$.params.url`. */
export function fieldPath(segments: readonly (string | number)[]): string {
  return jsonPath(segments);
}

/**
 * The field that shows a problem at `target`: the longest of `fields` that is `target` or holds
 * it (ends where a segment ends). A problem deep inside a JSON body lands on the body's editor.
 * @example matchField(['$.params.body', '$.params.url'], '$.params.body.items[0]') // '$.params.body'
 */
export function matchField(fields: Iterable<string>, target: string): string | undefined {
  let best: string | undefined;
  for (const f of fields) {
    if (target === f || (target.startsWith(f) && (target[f.length] === '.' || target[f.length] === '['))) {
      if (best === undefined || f.length > best.length) best = f;
    }
  }
  return best;
}

/** The value a new item of an array (or a new field) starts with. */
export function initialValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const members = schema.oneOf ?? schema.anyOf;
  if (members?.[0]) return initialValue(members[0]);
  switch (typeOf(schema)) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        const s = schema.properties?.[name];
        if (s) out[name] = initialValue(s);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Returns `root` with the value at `path` replaced (or removed when `value` is undefined); never mutates. */
export function setIn(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...(root as unknown[])] : [];
    const next = setIn(list[head], rest, value);
    if (next === undefined && rest.length === 0) list.splice(head, 1);
    else list[head] = next;
    return list;
  }
  const obj = root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  const next = setIn(obj[head], rest, value);
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj;
}

/** The value at `path`, or undefined. */
export function getIn(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

import type { JsonSchema } from './schema-form';

// What the expression editors suggest, as plain data: Monaco's provider only maps these to its
// types, so the logic is tested without a browser.

/** A node an expression may read: an ancestor of the node being edited. */
export interface UpstreamNode {
  readonly id: string;
  readonly label?: string;
  /** JSON Schema of its output (NodeTypeView.output). */
  readonly output?: JsonSchema;
}

/** An argument a tool node is called with, read as `$tool.<name>` (its declared arguments). */
export interface ToolArgumentHint {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
}

/** One suggestion. */
export interface Completion {
  readonly label: string;
  readonly insertText: string;
  readonly detail?: string;
  readonly kind: 'variable' | 'field' | 'node' | 'function';
}

/** Suggestions and how many characters before the cursor they replace. */
export interface CompletionResult {
  readonly items: readonly Completion[];
  readonly replace: number;
}

/** Variables every expression has, besides `$`. */
export const SCOPE_VARIABLES: readonly Completion[] = [
  { label: '$input', insertText: '$input', detail: "the node's input", kind: 'variable' },
  { label: '$nodes', insertText: '$nodes', detail: 'outputs of upstream nodes, by id', kind: 'variable' },
  { label: '$run', insertText: '$run', detail: 'the run: id, workflow, started at', kind: 'variable' },
  { label: '$env', insertText: '$env', detail: 'environment values the server exposes', kind: 'variable' },
];

const FUNCTIONS = ['string', 'number', 'boolean', 'not', 'exists', 'count', 'sum', 'max', 'min', 'average', 'length', 'substring', 'uppercase', 'lowercase', 'trim', 'contains', 'split', 'join', 'replace', 'keys', 'lookup', 'merge', 'map', 'filter', 'reduce', 'now', 'millis', 'round'];

/** The fields an output schema describes at `fields` (arrays are looked through, as JSONata maps over them). */
export function fieldsAt(schema: JsonSchema | undefined, fields: readonly string[]): [string, JsonSchema][] {
  let s = schema;
  for (let i = 0; s; ) {
    if (s.type === 'array' && s.items) s = s.items;
    else if (s.anyOf || s.oneOf) s = (s.anyOf ?? s.oneOf)!.find((m) => m.type === 'object' || m.properties);
    else if (i === fields.length) return Object.entries(s.properties ?? {});
    else s = s.properties?.[fields[i++]!];
  }
  return [];
}

const TOOL_PATH = /\$tool\.([A-Za-z_]\w*)?$/;
const PATH = /\$nodes\.([A-Za-z][\w-]*)((?:\.[A-Za-z_$][\w$]*)*)\.([A-Za-z_$][\w$]*)?$/;
const NODE_ID = /\$nodes\.([A-Za-z][\w-]*)?$/;
const VARIABLE = /\$([A-Za-z_]\w*)?$/;

/**
 * What to suggest for the text before the cursor, given the upstream nodes and, for a node wired
 * to an agent's tools port, the arguments it declares (`tool`; absent for any other node).
 */
export function completionsAt(before: string, upstream: readonly UpstreamNode[], tool?: readonly ToolArgumentHint[]): CompletionResult {
  const toolPath = tool ? TOOL_PATH.exec(before) : null;
  if (tool && toolPath) {
    return { items: tool.map((a) => ({ label: a.name, insertText: a.name, detail: a.description ? `${a.type}: ${a.description}` : a.type, kind: 'field' as const })), replace: toolPath[1]?.length ?? 0 };
  }
  const path = PATH.exec(before);
  if (path) {
    const [, id, middle = '', partial = ''] = path;
    const node = upstream.find((n) => n.id === id);
    if (!node) return { items: [], replace: 0 };
    const steps = middle.split('.').filter(Boolean);
    if (steps.length === 0) return { items: [{ label: 'output', insertText: 'output', detail: `output of ${node.label ?? id}`, kind: 'field' }], replace: partial.length };
    if (steps[0] !== 'output') return { items: [], replace: 0 };
    const items = fieldsAt(node.output, steps.slice(1)).map(([name, s]) => ({
      label: name,
      insertText: /^[A-Za-z_$][\w$]*$/.test(name) ? name : `\`${name}\``,
      detail: s.description ?? s.title ?? (typeof s.type === 'string' ? s.type : 'value'),
      kind: 'field' as const,
    }));
    return { items, replace: partial.length };
  }
  const nodeId = NODE_ID.exec(before);
  if (nodeId) {
    return {
      items: upstream.map((n) => ({ label: n.id, insertText: n.id, ...(n.label && n.label !== n.id ? { detail: n.label } : {}), kind: 'node' as const })),
      replace: nodeId[1]?.length ?? 0,
    };
  }
  const variable = VARIABLE.exec(before);
  if (variable) {
    const fns = FUNCTIONS.map((f) => ({ label: `$${f}`, insertText: `$${f}(`, detail: 'JSONata function', kind: 'function' as const }));
    const toolVariable = tool ? [{ label: '$tool', insertText: '$tool', detail: 'the arguments the agent called this tool with', kind: 'variable' as const }] : [];
    return { items: [...toolVariable, ...SCOPE_VARIABLES, ...fns], replace: variable[0].length };
  }
  return { items: [], replace: 0 };
}

/** Where a JSONata parse error sits, as a 1-based line and column range within `source`. */
export function markerRange(source: string, position: number | undefined): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  // jsonata reports the position just past the offending token; mark the character before it.
  const at = Math.max(0, Math.min(source.length, (position ?? source.length) - 1));
  const lines = source.slice(0, at).split('\n');
  const startLine = lines.length;
  const startColumn = lines[lines.length - 1]!.length + 1;
  return { startLine, startColumn, endLine: startLine, endColumn: startColumn + 1 };
}

/** The `{{ … }}` parts of a template, with their offsets in the text. */
export function templateParts(text: string): { source: string; offset: number }[] {
  const out: { source: string; offset: number }[] = [];
  const re = /\{\{([\s\S]*?)\}\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ source: m[1]!, offset: m.index + 2 });
  return out;
}

import type { z } from 'zod';
import { Workflow } from './workflow.js';
import { findCycle, isUpstream, reachableFrom } from './graph.js';
import { analyseExpression, findTemplates, hasTemplate, type NodeReference } from './expressions.js';
import { upgradeDocument, UPGRADES, type UpgradeRegistry } from './upgrade.js';

/** What the validator must know of a node type; the node registry provides it. */
export interface NodeTypeSpec {
  /** zod schema of the type's params. */
  readonly params: z.ZodType;
  /** Input port names. */
  readonly inputs: readonly string[];
  /** Output port names. */
  readonly outputs: readonly string[];
  /**
   * Output ports the user names in a param, besides `outputs`: the strings of `params[param]`,
   * or `item[field]` of each of its items when it is a list of objects (e.g. a router's routes).
   */
  readonly dynamicOutputs?: DynamicOutputs;
  /** Whether runs start at nodes of this type. */
  readonly trigger?: boolean;
  /** Top-level params that hold a bare JSONata expression (no `{{ }}`), checked like templates. */
  readonly expressionParams?: readonly string[];
  /** zod schema of the output, to check `$nodes.<id>.output.<field>` references. */
  readonly output?: z.ZodType;
  /** How the engine runs it (`activity` when absent). */
  readonly mode?: string;
  /** Checks that need the catalog (e.g. a loop's body), run when the params are valid. */
  readonly check?: (params: never, catalog: NodeCatalog) => readonly { readonly path: readonly PropertyKey[]; readonly message: string; readonly code?: string }[];
}

/** Looks up node types by name (a `Map` fits). */
export interface NodeCatalog {
  get(type: string): NodeTypeSpec | undefined;
}

/** One problem in a workflow document. */
export interface Problem {
  readonly severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `cycle`, `unknown_type`. */
  readonly code: string;
  /** JSON path into the document, e.g. `$.nodes[2].params.url`. */
  readonly path: string;
  readonly message: string;
  readonly nodeId?: string;
}

/** The outcome of validating a document. */
export type ValidationResult =
  | { readonly ok: true; readonly document: Workflow; readonly problems: readonly Problem[]; readonly upgradedFrom?: number }
  | { readonly ok: false; readonly kind: 'shape' | 'graph'; readonly document?: Workflow; readonly problems: readonly Problem[] };

/** The input port agents take their tools on. */
export const TOOLS_PORT = 'tools';

/** Formats path segments as a JSON path: `['nodes', 2, 'params']` → `$.nodes[2].params`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && /^[A-Za-z_$][\w$]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}

/**
 * Validates a workflow document against its schema and its graph rules and returns every
 * problem at once. Pure and total: it never throws, whatever `input` is.
 */
export function validateWorkflow(input: unknown, catalog: NodeCatalog, upgrades: UpgradeRegistry = UPGRADES): ValidationResult {
  try {
    return validate(input, catalog, upgrades);
  } catch (e) {
    // A validator bug must still surface as a problem, never as an exception.
    return {
      ok: false,
      kind: 'shape',
      problems: [{ severity: 'error', code: 'internal', path: '$', message: `validator failed: ${(e as Error).message}` }],
    };
  }
}

function validate(input: unknown, catalog: NodeCatalog, upgrades: UpgradeRegistry): ValidationResult {
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input) as unknown;
    } catch (e) {
      return { ok: false, kind: 'shape', problems: [{ severity: 'error', code: 'invalid_json', path: '$', message: `not JSON: ${(e as Error).message}` }] };
    }
  }
  const upgraded = upgradeDocument(input, upgrades);
  if (!upgraded.ok) return { ok: false, kind: 'shape', problems: [{ severity: 'error', code: upgraded.code, path: '$.schemaVersion', message: upgraded.message }] };
  const parsed = Workflow.safeParse(upgraded.document);
  if (!parsed.success) {
    return {
      ok: false,
      kind: 'shape',
      problems: parsed.error.issues.map((i) => ({
        severity: 'error' as const,
        code: 'invalid_shape',
        path: jsonPath(i.path),
        message: i.message,
      })),
    };
  }
  const doc = parsed.data;
  const problems: Problem[] = [];
  const add = (p: Problem) => problems.push(p);

  const nodeIndex = new Map<string, number>();
  doc.nodes.forEach((n, i) => {
    if (nodeIndex.has(n.id)) {
      add({ severity: 'error', code: 'duplicate_id', path: jsonPath(['nodes', i, 'id']), message: `node id "${n.id}" is used more than once`, nodeId: n.id });
    } else nodeIndex.set(n.id, i);
  });
  const edgeIds = new Set<string>();
  doc.edges.forEach((e, i) => {
    if (edgeIds.has(e.id)) add({ severity: 'error', code: 'duplicate_id', path: jsonPath(['edges', i, 'id']), message: `edge id "${e.id}" is used more than once` });
    edgeIds.add(e.id);
  });

  const specs = new Map<string, NodeTypeSpec>();
  const named = new Map<string, readonly string[]>();
  doc.nodes.forEach((n, i) => {
    const spec = catalog.get(n.type);
    if (!spec) {
      add({ severity: 'error', code: 'unknown_type', path: jsonPath(['nodes', i, 'type']), message: `unknown node type "${n.type}"`, nodeId: n.id });
      return;
    }
    specs.set(n.id, spec);
    const params = spec.params.safeParse(n.params);
    if (!params.success) {
      for (const issue of params.error.issues) {
        add({ severity: 'error', code: 'invalid_params', path: jsonPath(['nodes', i, 'params', ...issue.path]), message: issue.message, nodeId: n.id });
      }
    } else named.set(n.id, outputPortsOf(spec, params.data, n.policy));
    if (params.success && spec.check) {
      for (const issue of spec.check(params.data as never, catalog)) {
        add({ severity: 'error', code: issue.code ?? 'invalid_params', path: jsonPath(['nodes', i, 'params', ...issue.path]), message: issue.message, nodeId: n.id });
      }
    }
  });

  const validEdges: { source: string; target: string }[] = [];
  doc.edges.forEach((e, i) => {
    let ok = true;
    for (const [end, port, field, portField] of [
      [e.source, e.sourcePort, 'source', 'sourcePort'],
      [e.target, e.targetPort, 'target', 'targetPort'],
    ] as const) {
      if (!nodeIndex.has(end)) {
        add({ severity: 'error', code: 'missing_node', path: jsonPath(['edges', i, field]), message: `edge ${field} "${end}" is not a node of this workflow` });
        ok = false;
        continue;
      }
      const spec = specs.get(end);
      const node = doc.nodes[nodeIndex.get(end)!]!;
      // Params that do not parse name no ports of their own: the static ones (and `error`) stand.
      const ports = spec ? (field === 'source' ? (named.get(end) ?? outputPortsOf({ outputs: spec.outputs }, undefined, node.policy)) : spec.inputs) : undefined;
      if (ports && !ports.includes(port)) {
        const list = ports.length ? ports.join(', ') : 'none';
        add({ severity: 'error', code: 'unknown_port', path: jsonPath(['edges', i, portField]), message: `node "${end}" has no ${field === 'source' ? 'output' : 'input'} port "${port}" (ports: ${list})`, nodeId: end });
        ok = false;
      }
    }
    if (e.when !== undefined) {
      const a = analyseExpression(e.when);
      if (a.error) add({ severity: 'error', code: 'expression_syntax', path: jsonPath(['edges', i, 'when']), message: `condition does not parse: ${a.error.message}` });
      else if (!a.boolean) {
        add({ severity: 'error', code: 'non_boolean_condition', path: jsonPath(['edges', i, 'when']), message: 'a condition must yield true or false: use a comparison, and/or, $exists, $not or $boolean' });
      }
    }
    if (ok) validEdges.push({ source: e.source, target: e.target });
  });

  // Nodes wired to an agent's `tools` port run only when the agent calls them: no other connections.
  const toolOf = new Map<string, string>();
  doc.edges.forEach((e) => {
    if (e.targetPort === TOOLS_PORT && specs.get(e.target)?.inputs.includes(TOOLS_PORT) && nodeIndex.has(e.source) && !toolOf.has(e.source)) toolOf.set(e.source, e.target);
  });
  doc.edges.forEach((e, i) => {
    for (const end of [e.source, e.target]) {
      const agent = toolOf.get(end);
      if (agent === undefined || (e.source === end && e.target === agent && e.targetPort === TOOLS_PORT)) continue;
      // An agent called as a tool has tools of its own, wired to its tools port.
      if (e.target === end && e.targetPort === TOOLS_PORT && toolOf.get(e.source) === end) continue;
      const message = e.targetPort === TOOLS_PORT && e.source === end
        ? `node "${end}" is already a tool of "${agent}": a node can be the tool of one agent only`
        : `node "${end}" is a tool of "${agent}": it runs only when the agent calls it, so it can have no other connections`;
      add({ severity: 'error', code: 'tool_connection', path: jsonPath(['edges', i]), message, nodeId: end });
    }
  });
  for (const [id] of toolOf) {
    const spec = specs.get(id);
    const why = spec?.trigger ? 'it starts runs' : spec?.mode === 'loop' || spec?.mode === 'wait' ? `a ${spec.mode} works on the flow, not on a call` : undefined;
    if (why) add({ severity: 'error', code: 'tool_connection', path: jsonPath(['nodes', nodeIndex.get(id)!]), message: `"${id}" cannot be a tool: ${why}`, nodeId: id });
  }
  // What a tool reads is resolved when the agent calls it: as seen from the agent.
  const flowEdges = validEdges.filter((e) => toolOf.get(e.source) !== e.target);

  const uniqueNodes = [...nodeIndex.keys()].map((id) => ({ id }));
  const cycle = findCycle(uniqueNodes, validEdges);
  if (cycle) {
    const first = cycle[0]!;
    add({
      severity: 'error',
      code: 'cycle',
      path: jsonPath(['nodes', nodeIndex.get(first)!]),
      message: `the graph has a cycle: ${[...cycle, first].join(' → ')}`,
      nodeId: first,
    });
  }

  const triggers = doc.nodes.filter((n) => specs.get(n.id)?.trigger).map((n) => n.id);
  if (triggers.length === 0) {
    add({ severity: 'error', code: 'no_trigger', path: '$.nodes', message: 'the workflow has no trigger node; add a control.trigger where runs start' });
  } else {
    const reached = reachableFrom(triggers, validEdges);
    doc.nodes.forEach((n, i) => {
      if (!reached.has(n.id) && !toolOf.has(n.id) && nodeIndex.get(n.id) === i) {
        add({ severity: 'warning', code: 'unreachable', path: jsonPath(['nodes', i]), message: `node "${n.id}" cannot be reached from a trigger and will never run`, nodeId: n.id });
      }
    });
  }

  // Ancestry is worked out only when an expression names another node, once for the whole
  // graph, so validation stays near linear in the graph even for a long chain of readers.
  let upstream: ((ancestor: string, id: string) => boolean) | undefined;
  /** Checks the nodes an expression reads: upstream of `readerId` (or `readerId` itself when `self`), fields in their output schema. */
  const checkReferences = (refs: readonly NodeReference[], readerId: string, self: boolean, at: readonly PropertyKey[], nodeId: string | undefined) => {
    if (cycle) return;
    for (const ref of refs) {
      if (!nodeIndex.has(ref.nodeId)) {
        add({ severity: 'error', code: 'bad_reference', path: jsonPath(at), message: `expression refers to node "${ref.nodeId}", which is not a node of this workflow`, ...(nodeId ? { nodeId } : {}) });
      } else if (toolOf.has(ref.nodeId)) {
        add({ severity: 'error', code: 'bad_reference', path: jsonPath(at), message: `expression refers to node "${ref.nodeId}", a tool of "${toolOf.get(ref.nodeId)}": its results go to the agent only`, ...(nodeId ? { nodeId } : {}) });
      } else if (!(self && ref.nodeId === readerId) && !(upstream ??= isUpstream(uniqueNodes, flowEdges))(ref.nodeId, readerId)) {
        add({ severity: 'error', code: 'bad_reference', path: jsonPath(at), message: `expression refers to node "${ref.nodeId}", which is not upstream of this node`, ...(nodeId ? { nodeId } : {}) });
      } else {
        const source = specs.get(ref.nodeId);
        // A trigger's output is the run input: the document's input schema describes it.
        const missing = source?.trigger && doc.inputSchema ? missingInputField(doc.inputSchema, ref.fields) : missingField(source?.output, ref.fields);
        if (missing) {
          const where = `$nodes.${ref.nodeId}.output.${ref.fields.slice(0, missing.depth + 1).join('.')}`;
          add({
            severity: missing.open ? 'warning' : 'error',
            code: 'unknown_field',
            path: jsonPath(at),
            message: `${where}: ${source?.trigger && doc.inputSchema ? 'the run input' : `the output of "${ref.nodeId}"`} has no field "${ref.fields[missing.depth]}"${missing.known.length ? ` (fields: ${missing.known.join(', ')})` : ''}`,
            ...(nodeId ? { nodeId } : {}),
          });
        }
      }
    }
  };

  doc.edges.forEach((e, i) => {
    if (e.when === undefined || !nodeIndex.has(e.source)) return;
    // A condition reads the source's output as `$`; other nodes it names must be upstream of the source.
    checkReferences(analyseExpression(e.when).references, e.source, true, ['edges', i, 'when'], undefined);
  });

  doc.nodes.forEach((n, i) => {
    const bare = new Set(specs.get(n.id)?.expressionParams ?? []);
    walkStrings(n.params, ['nodes', i, 'params'], (text, path) => {
      const isBare = path.length === 4 && bare.has(String(path[3]));
      if (!isBare && !hasTemplate(text)) return;
      const parts = isBare ? [{ source: text }] : findTemplates(text);
      if (!parts) {
        add({ severity: 'error', code: 'expression_syntax', path: jsonPath(path), message: 'unclosed {{ in expression', nodeId: n.id });
        return;
      }
      for (const p of parts) {
        const a = analyseExpression(p.source);
        if (a.error) {
          add({ severity: 'error', code: 'expression_syntax', path: jsonPath(path), message: `expression "${p.source}" does not parse: ${a.error.message}`, nodeId: n.id });
          continue;
        }
        const agent = toolOf.get(n.id);
        checkReferences(a.references, agent ?? n.id, false, path, n.id);
        if (a.tool && agent === undefined) {
          add({ severity: 'error', code: 'tool_outside_tool', path: jsonPath(path), message: '$tool is only set in a node wired to an agent\'s tools port (the arguments of the call)', nodeId: n.id });
        } else if (a.tool) {
          const declared = new Set((n.tool?.arguments ?? []).map((x) => x.name));
          for (const arg of a.tool.args.filter((x) => !declared.has(x))) {
            const known = [...declared];
            add({ severity: 'error', code: 'unknown_tool_argument', path: jsonPath(path), message: `$tool.${arg}: the tool declares no argument "${arg}" (${known.length ? `arguments: ${known.join(', ')}` : 'it declares none: add it under "As a tool"'})`, nodeId: n.id });
          }
        }
      }
    });
  });

  doc.nodes.forEach((n, i) => {
    const when = n.tool?.approval?.when;
    const error = when === undefined ? undefined : analyseExpression(when).error;
    if (error) add({ severity: 'error', code: 'expression_syntax', path: jsonPath(['nodes', i, 'tool', 'approval', 'when']), message: `approval rule "${when}" does not parse: ${error.message}`, nodeId: n.id });
  });

  const errors = problems.some((p) => p.severity === 'error');
  if (errors) return { ok: false, kind: 'graph', document: doc, problems };
  return { ok: true, document: doc, problems, ...(upgraded.from === undefined ? {} : { upgradedFrom: upgraded.from }) };
}

/** zod's internal definition, as far as the field check reads it. */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/**
 * Follows `fields` through an output schema. Returns where a field is missing, and whether the
 * object there is open (more fields may come: a warning) or closed (an error). Anything the
 * schema does not describe (unknown, records, unions) ends the check without a problem.
 */
function missingField(schema: z.ZodType | undefined, fields: readonly string[]): { depth: number; open: boolean; known: string[] } | undefined {
  let current = schema;
  for (let depth = 0; current && depth < fields.length; ) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly' || def.type === 'nonoptional') {
      current = def.innerType;
    } else if (def.type === 'array') {
      current = def.element; // JSONata maps a field over every element
    } else if (def.type === 'object' && def.shape) {
      const field = fields[depth]!;
      if (!(field in def.shape)) {
        const open = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
        return { depth, open, known: Object.keys(def.shape) };
      }
      current = def.shape[field];
      depth++;
    } else return undefined;
  }
  return undefined;
}

/**
 * {@link missingField} over a JSON Schema (the run input's). Declared properties are the fields
 * there are: an object that declares some is closed unless `additionalProperties` says more may
 * come (a schema or `true`); one that declares none says nothing.
 */
function missingInputField(schema: Record<string, unknown>, fields: readonly string[]): { depth: number; open: boolean; known: string[] } | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  let current: unknown = schema;
  for (let depth = 0; isObject(current) && depth < fields.length; ) {
    if (current['type'] === 'array' && isObject(current['items'])) {
      current = current['items'];
      continue;
    }
    const properties = current['properties'];
    if (!isObject(properties) || Object.keys(properties).length === 0) return undefined;
    const field = fields[depth]!;
    if (!Object.hasOwn(properties, field)) {
      const more = current['additionalProperties'];
      return { depth, open: more === true || isObject(more), known: Object.keys(properties) };
    }
    current = properties[field];
    depth++;
  }
  return undefined;
}

function walkStrings(value: unknown, path: PropertyKey[], visit: (text: string, path: PropertyKey[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
  }
}

/** Output ports a node names in its params (see {@link NodeTypeSpec.dynamicOutputs}). */
export interface DynamicOutputs {
  /** The param listing port names: strings, or objects whose `field` is the name. */
  readonly param: string;
  readonly field?: string;
  /**
   * The param naming the port taken when no named port is chosen (a router's fallback). A static
   * output port exists only while this param names it (or is unset): a fallback moved to a named
   * port leaves the static one unused, so it is not drawn and no edge may leave it.
   */
  readonly fallback?: string;
}

/**
 * Every output port of a node: its type's static ports (less a fallback port it does not use),
 * the ports its params name, and `error` when its policy routes errors.
 */
export function outputPortsOf(spec: { readonly outputs: readonly string[]; readonly dynamicOutputs?: DynamicOutputs | undefined }, params: unknown, policy?: { readonly onError?: string | undefined }): string[] {
  const dyn = spec.dynamicOutputs;
  const fallback = dyn?.fallback && params !== null && typeof params === 'object' ? (params as Record<string, unknown>)[dyn.fallback] : undefined;
  const ports = typeof fallback === 'string' ? spec.outputs.filter((p) => p === fallback) : [...spec.outputs];
  if (dyn) for (const p of dynamicPorts(dyn, params)) if (!ports.includes(p)) ports.push(p);
  if (policy?.onError === 'route' && !ports.includes('error')) ports.push('error');
  return ports;
}

/** The output ports a node's params name (see {@link NodeTypeSpec.dynamicOutputs}). */
export function dynamicPorts(from: NonNullable<NodeTypeSpec['dynamicOutputs']>, params: unknown): string[] {
  const list = params !== null && typeof params === 'object' ? (params as Record<string, unknown>)[from.param] : undefined;
  if (!Array.isArray(list)) return [];
  const names = list.map((v) => (from.field && v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[from.field] : v));
  return names.filter((v): v is string => typeof v === 'string');
}

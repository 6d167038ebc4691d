import type { z } from 'zod';
import { Workflow } from './workflow.js';
import { findCycle, parentMap, reachableFrom, upstreamOf } from './graph.js';
import { checkExpression, findTemplates, hasTemplate } from './expressions.js';

/** What the validator must know of a node type; the node registry provides it. */
export interface NodeTypeSpec {
  /** zod schema of the type's params. */
  readonly params: z.ZodType;
  /** Input port names. */
  readonly inputs: readonly string[];
  /** Output port names. */
  readonly outputs: readonly string[];
  /** Whether runs start at nodes of this type. */
  readonly trigger?: boolean;
  /** Top-level params that hold a bare JSONata expression (no `{{ }}`), checked like templates. */
  readonly expressionParams?: readonly string[];
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
  | { readonly ok: true; readonly document: Workflow; readonly problems: readonly Problem[] }
  | { readonly ok: false; readonly kind: 'shape' | 'graph'; readonly document?: Workflow; readonly problems: readonly Problem[] };

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
export function validateWorkflow(input: unknown, catalog: NodeCatalog): ValidationResult {
  try {
    return validate(input, catalog);
  } catch (e) {
    // A validator bug must still surface as a problem, never as an exception.
    return {
      ok: false,
      kind: 'shape',
      problems: [{ severity: 'error', code: 'internal', path: '$', message: `validator failed: ${(e as Error).message}` }],
    };
  }
}

function validate(input: unknown, catalog: NodeCatalog): ValidationResult {
  const parsed = Workflow.safeParse(input);
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
      const ports = spec ? (field === 'source' ? spec.outputs : spec.inputs) : undefined;
      if (ports && !ports.includes(port)) {
        const list = ports.length ? ports.join(', ') : 'none';
        add({ severity: 'error', code: 'unknown_port', path: jsonPath(['edges', i, portField]), message: `node "${end}" has no ${field === 'source' ? 'output' : 'input'} port "${port}" (ports: ${list})`, nodeId: end });
        ok = false;
      }
    }
    if (e.when !== undefined) {
      const err = checkExpression(e.when);
      if (err) add({ severity: 'error', code: 'expression_syntax', path: jsonPath(['edges', i, 'when']), message: `condition does not parse: ${err.message}` });
    }
    if (ok) validEdges.push({ source: e.source, target: e.target });
  });

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
      if (!reached.has(n.id) && nodeIndex.get(n.id) === i) {
        add({ severity: 'warning', code: 'unreachable', path: jsonPath(['nodes', i]), message: `node "${n.id}" cannot be reached from a trigger and will never run`, nodeId: n.id });
      }
    });
  }

  // Ancestor sets are built only for nodes whose expressions name other nodes, from one shared
  // parent map, so validation stays linear in the graph for ordinary documents.
  const parents = parentMap(validEdges);
  doc.nodes.forEach((n, i) => {
    let upstreamSet: Set<string> | undefined;
    const upstream = () => (upstreamSet ??= upstreamOf(n.id, parents));
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
        const err = checkExpression(p.source);
        if (err) {
          add({ severity: 'error', code: 'expression_syntax', path: jsonPath(path), message: `expression "${p.source}" does not parse: ${err.message}`, nodeId: n.id });
          continue;
        }
        if (cycle) continue;
        for (const ref of referencedNodes(p.source)) {
          if (!upstream().has(ref)) {
            const why = nodeIndex.has(ref) ? 'is not upstream of this node' : 'is not a node of this workflow';
            add({ severity: 'error', code: 'bad_reference', path: jsonPath(path), message: `expression refers to node "${ref}", which ${why}`, nodeId: n.id });
          }
        }
      }
    });
  });

  const errors = problems.some((p) => p.severity === 'error');
  return errors ? { ok: false, kind: 'graph', document: doc, problems } : { ok: true, document: doc, problems };
}

/** Node ids an expression names as `$nodes.<id>` or `$nodes["<id>"]`. */
export function referencedNodes(source: string): Set<string> {
  const ids = new Set<string>();
  for (const m of source.matchAll(/\$nodes\s*\.\s*([A-Za-z][\w-]*)|\$nodes\s*\[\s*["']([^"']+)["']\s*\]/g)) {
    ids.add((m[1] ?? m[2])!);
  }
  return ids;
}

function walkStrings(value: unknown, path: PropertyKey[], visit: (text: string, path: PropertyKey[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
  }
}

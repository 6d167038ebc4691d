import { canonicalJson } from './canonical.js';
import { jsonPath } from './validate.js';
import type { Workflow, WorkflowEdge } from './workflow.js';

/** One value that differs between two versions, at a JSON path relative to its owner. */
export interface ValueChange {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly from?: unknown;
  readonly to?: unknown;
}

/** How one node differs between two versions. */
export interface NodeChange {
  readonly id: string;
  readonly type?: { readonly from: string; readonly to: string };
  readonly label?: { readonly from?: string; readonly to?: string };
  /** Changes inside `params`, one per leaf that differs (arrays compare whole). */
  readonly params: readonly ValueChange[];
  readonly policy: readonly ValueChange[];
}

/** What changed from one workflow version to another. */
export interface WorkflowDiff {
  readonly nodes: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly NodeChange[]; readonly moved: readonly string[] };
  /** Edges by id; an edge whose ends or condition changed counts as removed and added. */
  readonly edges: { readonly added: readonly WorkflowEdge[]; readonly removed: readonly WorkflowEdge[] };
  readonly settings: readonly ValueChange[];
  /** Name, description, input schema and triggers. */
  readonly workflow: readonly ValueChange[];
  /** Whether anything that changes behaviour differs (what the content hash covers). */
  readonly changed: boolean;
}

/**
 * Compares two versions of a workflow: nodes added, removed and changed (down to each param),
 * edges added and removed, settings and workflow-level fields changed.
 */
export function diffWorkflows(from: Workflow, to: Workflow): WorkflowDiff {
  const before = new Map(from.nodes.map((n) => [n.id, n]));
  const after = new Map(to.nodes.map((n) => [n.id, n]));
  const added = to.nodes.filter((n) => !before.has(n.id)).map((n) => n.id);
  const removed = from.nodes.filter((n) => !after.has(n.id)).map((n) => n.id);
  const changed: NodeChange[] = [];
  const moved: string[] = [];
  for (const n of to.nodes) {
    const old = before.get(n.id);
    if (!old) continue;
    const params = diffValues(old.params, n.params, []);
    const policy = diffValues(old.policy ?? {}, n.policy ?? {}, []);
    const typeChanged = old.type !== n.type;
    const labelChanged = old.label !== n.label;
    if (typeChanged || labelChanged || params.length || policy.length) {
      changed.push({
        id: n.id,
        ...(typeChanged ? { type: { from: old.type, to: n.type } } : {}),
        ...(labelChanged ? { label: { ...(old.label === undefined ? {} : { from: old.label }), ...(n.label === undefined ? {} : { to: n.label }) } } : {}),
        params,
        policy,
      });
    }
    if (old.position.x !== n.position.x || old.position.y !== n.position.y) moved.push(n.id);
  }

  const edgeKey = (e: WorkflowEdge) => canonicalJson(e);
  const oldEdges = new Map(from.edges.map((e) => [edgeKey(e), e]));
  const newEdges = new Map(to.edges.map((e) => [edgeKey(e), e]));
  const edges = {
    added: to.edges.filter((e) => !oldEdges.has(edgeKey(e))),
    removed: from.edges.filter((e) => !newEdges.has(edgeKey(e))),
  };

  const settings = diffValues(from.settings, to.settings, []);
  const pick = (w: Workflow) => ({ name: w.name, description: w.description, inputSchema: w.inputSchema, triggers: w.triggers });
  const workflow = diffValues(pick(from), pick(to), []);
  const behaviour =
    added.length + removed.length + edges.added.length + edges.removed.length + settings.length + workflow.length > 0 ||
    changed.some((c) => c.type || c.params.length || c.policy.length);
  return { nodes: { added, removed, changed, moved }, edges, settings, workflow, changed: behaviour };
}

function diffValues(a: unknown, b: unknown, path: PropertyKey[]): ValueChange[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: ValueChange[] = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const inA = a[key] !== undefined;
      const inB = b[key] !== undefined;
      if (inA && !inB) out.push({ path: jsonPath([...path, key]), kind: 'removed', from: a[key] });
      else if (!inA && inB) out.push({ path: jsonPath([...path, key]), kind: 'added', to: b[key] });
      else if (inA && inB) out.push(...diffValues(a[key], b[key], [...path, key]));
    }
    return out;
  }
  return [{ path: jsonPath(path), kind: 'changed', from: a, to: b }];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

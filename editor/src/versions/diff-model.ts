import type { Workflow, WorkflowDiff, WorkflowEdge, WorkflowNode } from '@weft/schemas';

/** How a node or edge differs between the two versions shown. */
export type ChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

/** One param or policy value that differs, as the diff lists it. */
export interface ParamRow {
  readonly nodeId: string;
  /** `params` or `policy`, then the path inside it. */
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly from: string;
  readonly to: string;
}

/** What the diff canvas and the change list draw. */
export interface DiffView {
  /** Both versions in one graph: the newer version plus what it removed. */
  readonly document: Pick<Workflow, 'nodes' | 'edges'>;
  readonly nodeChange: Readonly<Record<string, ChangeKind>>;
  readonly edgeChange: Readonly<Record<string, ChangeKind>>;
  readonly params: readonly ParamRow[];
  readonly counts: Readonly<Record<Exclude<ChangeKind, 'unchanged'>, number>>;
}

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Merges two versions for one canvas: every node of the newer version, plus the removed ones at
 * their old places, each marked with how it changed; and the param changes as rows.
 */
export function diffView(from: Pick<Workflow, 'nodes' | 'edges'>, to: Pick<Workflow, 'nodes' | 'edges'>, diff: Pick<WorkflowDiff, 'nodes' | 'edges'>): DiffView {
  const removed = new Set(diff.nodes.removed);
  const added = new Set(diff.nodes.added);
  const changed = new Set(diff.nodes.changed.map((c) => c.id));
  const nodes: WorkflowNode[] = [...to.nodes, ...from.nodes.filter((n) => removed.has(n.id))];
  const nodeChange: Record<string, ChangeKind> = {};
  for (const n of nodes) nodeChange[n.id] = removed.has(n.id) ? 'removed' : added.has(n.id) ? 'added' : changed.has(n.id) ? 'changed' : 'unchanged';

  // An edge whose ends changed is removed and added under the same id; keep both apart.
  const addedEdges = new Set(diff.edges.added.map((e) => e.id));
  const removedEdges = diff.edges.removed.map((e): WorkflowEdge => ({ ...e, id: addedEdges.has(e.id) ? `${e.id} (before)` : e.id }));
  const edges: WorkflowEdge[] = [...to.edges, ...removedEdges];
  const edgeChange: Record<string, ChangeKind> = {};
  for (const e of to.edges) edgeChange[e.id] = addedEdges.has(e.id) ? 'added' : 'unchanged';
  for (const e of removedEdges) edgeChange[e.id] = 'removed';

  const params: ParamRow[] = diff.nodes.changed.flatMap((c) => [
    ...(c.type ? [{ nodeId: c.id, path: 'type', kind: 'changed' as const, from: c.type.from, to: c.type.to }] : []),
    ...(c.label ? [{ nodeId: c.id, path: 'label', kind: 'changed' as const, from: show(c.label.from), to: show(c.label.to) }] : []),
    ...c.params.map((p) => ({ nodeId: c.id, path: `params${p.path.replace(/^\$/, '')}`, kind: p.kind, from: show(p.from), to: show(p.to) })),
    ...c.policy.map((p) => ({ nodeId: c.id, path: `policy${p.path.replace(/^\$/, '')}`, kind: p.kind, from: show(p.from), to: show(p.to) })),
  ]);

  return {
    document: { nodes, edges },
    nodeChange,
    edgeChange,
    params,
    counts: { added: added.size, removed: removed.size, changed: changed.size },
  };
}

/** What a change is called on screen (with the symbol drawn beside it, never colour alone). */
export const CHANGE_LOOK: Readonly<Record<ChangeKind, { readonly label: string; readonly icon: string }>> = {
  added: { label: 'Added', icon: '+' },
  removed: { label: 'Removed', icon: '−' },
  changed: { label: 'Changed', icon: '~' },
  unchanged: { label: 'Unchanged', icon: '' },
};

import { WorkflowEdge, WorkflowNode, type WorkflowInput } from '@weft/schemas';
import { create } from 'zustand';

// The workflow being edited lives here, outside React Flow: the canvas, the inspector and the
// issues panel each subscribe to the slice they draw, and every edit goes through `edit`, so
// undo / redo covers all of them. Run state stays in the run store.

/** The editable document: what `PUT /api/workflows/:id` takes. */
export type EditableWorkflow = Omit<WorkflowInput, 'nodes' | 'edges'> & { nodes: WorkflowNode[]; edges: WorkflowEdge[] };

/** Where the issues panel sends the person: a node, and optionally a field of its params (a JSON path). */
export interface FieldFocus {
  readonly nodeId: string;
  /** JSON path under the node, e.g. `$.params.url`; absent for the node itself. */
  readonly path?: string;
  /** Bumped on every request, so asking for the same field twice focuses it again. */
  readonly seq: number;
}

/** How many edits undo remembers. */
export const HISTORY_LIMIT = 200;

interface DocumentState {
  /** The stored workflow this document came from; null for one not saved yet. */
  readonly workflowId: string | null;
  readonly version: number | null;
  readonly doc: EditableWorkflow;
  /** The document's nodes by id, rebuilt with every change, so one node's subscribers look it up in O(1). */
  readonly nodeById: ReadonlyMap<string, WorkflowNode>;
  /** The document as last loaded or saved, to tell whether there are unsaved changes. */
  readonly saved: EditableWorkflow;
  readonly past: readonly { readonly doc: EditableWorkflow; readonly label: string }[];
  readonly future: readonly { readonly doc: EditableWorkflow; readonly label: string }[];
  readonly selectedNodes: readonly string[];
  readonly selectedEdges: readonly string[];
  readonly focus: FieldFocus | null;
  /** The group the last edit belonged to while it is open (see `edit`). */
  readonly openGroup: string | null;

  /** Starts editing a document (clears history and selection). */
  load(doc: WorkflowInput, from?: { workflowId: string; version: number }): void;
  /**
   * Changes the document and records the change for undo. `recipe` returns a new document
   * (never mutate the old one); returning the same object records nothing. Edits with the same
   * `group` in a row (the keystrokes of one field) are one undo step until `endGroup`.
   */
  edit(label: string, recipe: (doc: EditableWorkflow) => EditableWorkflow, group?: string): void;
  /** Closes the open edit group: the next edit is a step of its own (a field lost focus). */
  endGroup(): void;
  undo(): void;
  redo(): void;
  /** Marks the current document as saved, as `version` of `workflowId`. */
  markSaved(workflowId: string, version: number): void;
  select(nodes: readonly string[], edges?: readonly string[]): void;
  /** Selects a node and asks the inspector to focus one of its fields. */
  focusField(nodeId: string, path?: string): void;
}

const EMPTY: EditableWorkflow = { schemaVersion: 1, name: 'Untitled workflow', nodes: [], edges: [] };

/**
 * Normalises a loaded document so every edit can rely on complete nodes and edges (defaults
 * filled in: params, position, ports). Nodes or edges of a wrong shape are kept as they are, for
 * the validator to report.
 */
export function editable(doc: WorkflowInput): EditableWorkflow {
  const fill = <T,>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, v: unknown): T => {
    const r = schema.safeParse(v);
    return r.success ? r.data : (v as T);
  };
  return { ...doc, nodes: (doc.nodes ?? []).map((n) => fill<WorkflowNode>(WorkflowNode, n)), edges: (doc.edges ?? []).map((e) => fill<WorkflowEdge>(WorkflowEdge, e)) };
}

/** The document under edit, its undo history, the selection and the field to focus. */
export const useDocumentStore = create<DocumentState>()((set, get) => ({
  workflowId: null,
  version: null,
  doc: EMPTY,
  nodeById: new Map(),
  saved: EMPTY,
  past: [],
  future: [],
  selectedNodes: [],
  selectedEdges: [],
  focus: null,
  openGroup: null,

  load(input, from) {
    const doc = editable(input);
    set({ doc, nodeById: indexNodes(doc), saved: doc, past: [], future: [], selectedNodes: [], selectedEdges: [], focus: null, openGroup: null, workflowId: from?.workflowId ?? null, version: from?.version ?? null });
  },

  edit(label, recipe, group) {
    const { doc, past, openGroup } = get();
    const next = recipe(doc);
    if (next === doc) return;
    // The next keystroke of the field being edited: the step already recorded (with the document
    // from before the field was touched) covers it too.
    const continues = group !== undefined && group === openGroup && past.length > 0;
    const history = continues ? past : [...past, { doc, label }].slice(-HISTORY_LIMIT);
    // A deleted node or edge leaves the selection with it, so the next click selects one thing.
    set({ doc: next, nodeById: indexNodes(next, get().nodeById), past: history, future: [], openGroup: group ?? null, ...prune(next, get()) });
  },

  endGroup() {
    if (get().openGroup !== null) set({ openGroup: null });
  },

  undo() {
    const { doc, past, future } = get();
    const last = past.at(-1);
    if (!last) return;
    set({ doc: last.doc, openGroup: null, nodeById: indexNodes(last.doc, get().nodeById), past: past.slice(0, -1), future: [{ doc, label: last.label }, ...future], ...prune(last.doc, get()) });
  },

  redo() {
    const { doc, past, future } = get();
    const next = future[0];
    if (!next) return;
    set({ doc: next.doc, openGroup: null, nodeById: indexNodes(next.doc, get().nodeById), past: [...past, { doc, label: next.label }], future: future.slice(1), ...prune(next.doc, get()) });
  },

  markSaved(workflowId, version) {
    set({ saved: get().doc, workflowId, version });
  },

  select(nodes, edges = []) {
    set({ selectedNodes: nodes, selectedEdges: edges, openGroup: null });
  },

  focusField(nodeId, path) {
    set({ selectedNodes: [nodeId], selectedEdges: [], focus: { nodeId, ...(path ? { path } : {}), seq: (get().focus?.seq ?? 0) + 1 } });
  },
}));

/** Nodes by id; the previous index is returned as it is when no node object changed (a pure edge edit). */
function indexNodes(doc: EditableWorkflow, previous?: ReadonlyMap<string, WorkflowNode>): ReadonlyMap<string, WorkflowNode> {
  if (previous && previous.size === doc.nodes.length && doc.nodes.every((n) => previous.get(n.id) === n)) return previous;
  return new Map(doc.nodes.map((n) => [n.id, n]));
}

/** Drops selected ids that the document no longer has (after a deletion, undo or redo). */
function prune(doc: EditableWorkflow, s: Pick<DocumentState, 'selectedNodes' | 'selectedEdges'>) {
  // The same arrays come back when nothing selected is gone, so a typed character re-renders no selection subscriber.
  const keep = (selected: readonly string[], ids: () => Set<string>) => {
    if (selected.length === 0) return selected;
    const present = ids();
    return selected.every((id) => present.has(id)) ? selected : selected.filter((id) => present.has(id));
  };
  return {
    selectedNodes: keep(s.selectedNodes, () => new Set(doc.nodes.map((n) => n.id))),
    selectedEdges: keep(s.selectedEdges, () => new Set(doc.edges.map((e) => e.id))),
  };
}

/** One node of the document; re-renders only when that node changes. */
export function useDocNode(id: string): WorkflowNode | undefined {
  return useDocumentStore((s) => s.nodeById.get(id));
}

/** Whether the document differs from the last loaded or saved one. */
export function useDirty(): boolean {
  return useDocumentStore((s) => s.doc !== s.saved);
}

/** Whether undo / redo have something to do. */
export function useHistoryState(): { canUndo: boolean; canRedo: boolean } {
  const canUndo = useDocumentStore((s) => s.past.length > 0);
  const canRedo = useDocumentStore((s) => s.future.length > 0);
  return { canUndo, canRedo };
}

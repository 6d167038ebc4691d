import type { WorkflowEdge, WorkflowNode } from '@weft/schemas';
import type { EditableWorkflow } from '../store/document-store';
import { freshId } from './graph-edit';

// Copied nodes travel as JSON text, so they paste into another workflow, another tab or a
// text editor; a marker tells our payload from any other text on the clipboard.

const MARKER = 'weft/nodes';

/** Selected nodes and the edges between them, as the clipboard holds them. */
export interface ClipboardPayload {
  readonly kind: typeof MARKER;
  readonly nodes: readonly WorkflowNode[];
  readonly edges: readonly WorkflowEdge[];
}

/** The nodes `ids` and the edges among them; null when none of them exists. */
export function copySelection(doc: Pick<EditableWorkflow, 'nodes' | 'edges'>, ids: readonly string[]): ClipboardPayload | null {
  const wanted = new Set(ids);
  const nodes = doc.nodes.filter((n) => wanted.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.edges.filter((e) => wanted.has(e.source) && wanted.has(e.target));
  return { kind: MARKER, nodes, edges };
}

/** Reads a payload back from clipboard text; null for any other text. */
export function parsePayload(text: string): ClipboardPayload | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<ClipboardPayload>;
  if (v.kind !== MARKER || !Array.isArray(v.nodes) || !Array.isArray(v.edges)) return null;
  const nodesOk = v.nodes.every((n) => n && typeof n.id === 'string' && typeof n.type === 'string' && n.position && typeof n.position.x === 'number');
  const edgesOk = v.edges.every((e) => e && typeof e.source === 'string' && typeof e.target === 'string');
  return nodesOk && edgesOk ? { kind: MARKER, nodes: v.nodes, edges: v.edges } : null;
}

/**
 * Adds a payload's nodes and edges with fresh ids, `offset` away from where they were copied.
 * Returns the new document and the new node ids (to select them).
 */
export function pastePayload(doc: EditableWorkflow, payload: ClipboardPayload, offset: { x: number; y: number }): { doc: EditableWorkflow; ids: string[] } {
  const takenNodes = new Set(doc.nodes.map((n) => n.id));
  const takenEdges = new Set(doc.edges.map((e) => e.id));
  const rename = new Map<string, string>();
  const nodes = payload.nodes.map((n): WorkflowNode => {
    const id = freshId(n.id.replace(/_\d+$/, ''), takenNodes);
    takenNodes.add(id);
    rename.set(n.id, id);
    return { ...structuredClone(n), id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edges = payload.edges.flatMap((e): WorkflowEdge[] => {
    const source = rename.get(e.source);
    const target = rename.get(e.target);
    if (!source || !target) return [];
    const id = freshId('e', takenEdges);
    takenEdges.add(id);
    return [{ ...e, id, source, target }];
  });
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}

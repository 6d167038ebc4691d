import type { WorkflowNode } from '@weft/schemas';
import type { EditableWorkflow } from '../store/document-store';
import type { FrameNode } from './GroupFrame';
import { frameBox, groupOf, NODE_SIZE } from './groups';
import { edgePortsOf, sameStepData, stepData, stepEdge, type CatalogEntry, type StepEdge, type StepNode } from './to-flow';
import { toolOwners } from './tools';

/** Any node React Flow draws: a workflow node or a group frame. */
export type CanvasNode = StepNode | FrameNode;

/** Size of a collapsed group's frame. */
const COLLAPSED = { width: 240, height: 52 } as const;

/**
 * The nodes React Flow draws for a document, reusing the previous node objects where nothing
 * they draw changed (so memoised cards do not re-render) and keeping what React Flow measured.
 */
export function reconcileNodes(
  doc: Pick<EditableWorkflow, 'nodes' | 'edges' | 'groups'>,
  catalog: ReadonlyMap<string, CatalogEntry>,
  selected: ReadonlySet<string>,
  previous: readonly CanvasNode[],
): CanvasNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  const edgePorts = edgePortsOf(doc.edges);
  const owners = toolOwners(doc.edges);
  const groups = (doc.groups ?? []).map(groupOf);
  const hidden = hiddenNodes(doc);

  const steps = doc.nodes.map((node: WorkflowNode): StepNode => {
    const old = before.get(node.id);
    const prev = old?.type === 'step' ? old : undefined;
    const fresh = stepData(node, catalog.get(node.type), edgePorts, owners.get(node.id) ?? null);
    const data = prev && sameStepData(prev.data, fresh) ? prev.data : fresh;
    const isSelected = selected.has(node.id);
    const isHidden = hidden.has(node.id);
    if (prev && prev.data === data && prev.position.x === node.position.x && prev.position.y === node.position.y && (prev.selected ?? false) === isSelected && (prev.hidden ?? false) === isHidden) {
      return prev;
    }
    return { ...(prev ?? {}), id: node.id, type: 'step', position: { x: node.position.x, y: node.position.y }, data, selected: isSelected, hidden: isHidden };
  });

  const byId = new Map(steps.map((s) => [s.id, s]));
  const box = (id: string) => {
    const s = byId.get(id);
    if (!s) return undefined;
    return { x: s.position.x, y: s.position.y, width: s.measured?.width ?? NODE_SIZE.width, height: s.measured?.height ?? NODE_SIZE.height };
  };
  const frames = groups.flatMap((g): FrameNode[] => {
    const b = frameBox(g.nodes, box);
    if (!b) return [];
    const size = g.collapsed ? COLLAPSED : { width: b.width, height: b.height };
    const data = { label: g.label, count: g.nodes.length, collapsed: g.collapsed };
    const old = before.get(g.id);
    const prev = old?.type === 'frame' ? old : undefined;
    if (prev && prev.position.x === b.x && prev.position.y === b.y && prev.width === size.width && prev.height === size.height && prev.data.label === data.label && prev.data.count === data.count && prev.data.collapsed === data.collapsed) {
      return [prev];
    }
    return [{ id: g.id, type: 'frame', position: { x: b.x, y: b.y }, width: size.width, height: size.height, data, selectable: false, draggable: false, connectable: false }];
  });
  // Frames first, so they are drawn under the nodes.
  return [...frames, ...steps];
}

/** Nodes inside collapsed groups. */
export function hiddenNodes(doc: Pick<EditableWorkflow, 'groups'>): Set<string> {
  const hidden = new Set<string>();
  for (const g of doc.groups ?? []) if (g.collapsed) for (const id of g.nodes) hidden.add(id);
  return hidden;
}

/** The edges React Flow draws, with the selection; edges of nodes in a collapsed group are hidden with them. */
export function flowEdges(doc: Pick<EditableWorkflow, 'edges' | 'groups'>, selected: ReadonlySet<string>, previous: ReadonlyMap<string, StepEdge>): StepEdge[] {
  const hidden = hiddenNodes(doc);
  return doc.edges.map((edge): StepEdge => {
    const prev = previous.get(edge.id);
    const isSelected = selected.has(edge.id);
    const isHidden = hidden.has(edge.source) || hidden.has(edge.target);
    if (prev && prev.source === edge.source && prev.target === edge.target && prev.sourceHandle === edge.sourcePort && prev.targetHandle === edge.targetPort && prev.data?.when === (edge.when ?? null) && (prev.selected ?? false) === isSelected && (prev.hidden ?? false) === isHidden) {
      return prev;
    }
    return { ...stepEdge(edge), selected: isSelected, hidden: isHidden };
  });
}

import { topologicalOrder } from '@weft/schemas/graph';
import dagre from '@dagrejs/dagre';

interface Point {
  readonly x: number;
  readonly y: number;
}

interface LayoutNode {
  readonly id: string;
  readonly position: Point;
}

interface LayoutEdge {
  readonly source: string;
  readonly target: string;
}

/** Horizontal and vertical distance between node origins when the editor places nodes itself. */
export const LAYOUT_GAP = { x: 300, y: 140 } as const;

/**
 * Whether a document's positions cannot be drawn as they are: two or more nodes all at one
 * point, as happens when a workflow was written by hand and `position` took its default.
 */
export function needsLayout(nodes: readonly LayoutNode[]): boolean {
  if (nodes.length < 2) return false;
  const [first] = nodes;
  return nodes.every((n) => n.position.x === first!.position.x && n.position.y === first!.position.y);
}

/**
 * Places nodes left to right in columns by their longest distance from a start node, keeping
 * document order within a column. A graph with a cycle falls back to one row per node.
 */
export function layeredPositions(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Map<string, Point> {
  const positions = new Map<string, Point>();
  let order: string[];
  try {
    order = topologicalOrder(nodes, edges);
  } catch {
    nodes.forEach((n, i) => positions.set(n.id, { x: 0, y: i * LAYOUT_GAP.y }));
    return positions;
  }

  const depth = new Map<string, number>(order.map((id) => [id, 0]));
  for (const id of order) {
    const d = depth.get(id)!;
    for (const e of edges) {
      if (e.source === id && depth.has(e.target)) depth.set(e.target, Math.max(depth.get(e.target)!, d + 1));
    }
  }

  const rows = new Map<number, number>();
  for (const n of nodes) {
    const column = depth.get(n.id)!;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions.set(n.id, { x: column * LAYOUT_GAP.x, y: row * LAYOUT_GAP.y });
  }
  return positions;
}

/** Size of a node for layout; nodes not yet measured take the usual card size. */
export interface SizedNode extends LayoutNode {
  readonly width?: number;
  readonly height?: number;
}

/**
 * Left-to-right layered layout by dagre, for the "Layout" button. Returns top-left positions
 * (dagre gives centres).
 */
export function dagrePositions(nodes: readonly SizedNode[], edges: readonly LayoutEdge[]): Map<string, Point> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width ?? 220, height: n.height ?? 84 });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const positions = new Map<string, Point>();
  for (const n of nodes) {
    const p = g.node(n.id);
    positions.set(n.id, { x: Math.round(p.x - (n.width ?? 220) / 2), y: Math.round(p.y - (n.height ?? 84) / 2) });
  }
  return positions;
}

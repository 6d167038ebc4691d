import { topologicalOrder } from '@weft/schemas/graph';

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

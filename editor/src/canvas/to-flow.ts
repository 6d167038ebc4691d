import type { NodeTypeView, Workflow, WorkflowEdge, WorkflowNode } from '@weft/schemas';
import type { Edge, Node } from '@xyflow/react';
import { layeredPositions, needsLayout } from './layout';

/** What a node card draws. Serializable on purpose: no callbacks, no run state (see the run store). */
export type StepData = {
  /** Node type id, e.g. `execution.http`. */
  readonly type: string;
  /** The node's label, or its id when it has none. */
  readonly label: string;
  /** The node type's title, or the type id when the type is unknown. */
  readonly typeTitle: string;
  readonly kind: string | null;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
};

/** What the canvas needs to know about a node type. */
export type CatalogEntry = Pick<NodeTypeView, 'type' | 'kind' | 'title' | 'inputs' | 'outputs'>;

/** A workflow node on the canvas. */
export type StepNode = Node<StepData, 'step'>;

/** Edge data: the condition under which the edge is followed, if any. */
export type StepEdgeData = { readonly when: string | null };

/** A workflow edge on the canvas. */
export type StepEdge = Edge<StepEdgeData>;

// Short enough to fit in the usual gap between two nodes; the full condition is in edge data.
const EDGE_LABEL_MAX = 14;

/**
 * Builds React Flow nodes and edges from a workflow document. Ports come from the node type;
 * ports that only edges name (an unknown or changed type) are added so every edge has a handle.
 */
export function toFlow(
  document: Pick<Workflow, 'nodes' | 'edges'>,
  nodeTypes: ReadonlyMap<string, CatalogEntry>,
): { nodes: StepNode[]; edges: StepEdge[] } {
  const positions = needsLayout(document.nodes) ? layeredPositions(document.nodes, document.edges) : null;
  const nodes = document.nodes.map((node): StepNode => {
    const type = nodeTypes.get(node.type);
    return {
      id: node.id,
      type: 'step',
      position: positions?.get(node.id) ?? { x: node.position.x, y: node.position.y },
      data: {
        type: node.type,
        label: node.label?.trim() || node.id,
        typeTitle: type?.title ?? node.type,
        kind: type?.kind ?? null,
        inputs: portsOf(node, type?.inputs ?? [], document.edges, 'in'),
        outputs: portsOf(node, type?.outputs ?? [], document.edges, 'out'),
      },
    };
  });
  const edges = document.edges.map(
    (edge): StepEdge => ({
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourcePort,
      target: edge.target,
      targetHandle: edge.targetPort,
      data: { when: edge.when ?? null },
      ...(edge.when ? { label: `if ${truncate(edge.when, EDGE_LABEL_MAX)}` } : {}),
    }),
  );
  return { nodes, edges };
}

function portsOf(node: WorkflowNode, declared: readonly string[], edges: readonly WorkflowEdge[], side: 'in' | 'out'): string[] {
  const ports = [...declared];
  for (const edge of edges) {
    const port = side === 'in' ? (edge.target === node.id ? edge.targetPort : null) : edge.source === node.id ? edge.sourcePort : null;
    if (port !== null && !ports.includes(port)) ports.push(port);
  }
  return ports;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

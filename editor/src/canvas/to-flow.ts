import type { NodeTypeView, Workflow, WorkflowEdge, WorkflowNode } from '@weft/schemas';
import type { Edge, Node } from '@xyflow/react';
import { outputPorts } from './graph-edit';
import { layeredPositions, needsLayout } from './layout';
import { isToolEdge, toolOwners } from './tools';

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
  /** The agent this node is a tool of (it is wired to that agent's tools port), or null. */
  readonly toolOf: string | null;
};

/** What the canvas needs to know about a node type. */
export type CatalogEntry = Pick<NodeTypeView, 'type' | 'kind' | 'title' | 'inputs' | 'outputs'> & Partial<Pick<NodeTypeView, 'dynamicOutputs'>>;

/** A workflow node on the canvas. */
export type StepNode = Node<StepData, 'step'>;

/** Edge data: the condition under which the edge is followed, if any; whether it hands a tool to an agent. */
export type StepEdgeData = { readonly when: string | null; readonly tool?: boolean };

/** A workflow edge on the canvas. */
export type StepEdge = Edge<StepEdgeData>;

/** The class of an edge that hands a tool to an agent (drawn dashed, see styles). */
export const TOOL_EDGE_CLASS = 'edge--tool';

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
  const edgePorts = edgePortsOf(document.edges);
  const owners = toolOwners(document.edges);
  const nodes = document.nodes.map(
    (node): StepNode => ({
      id: node.id,
      type: 'step',
      position: positions?.get(node.id) ?? { x: node.position.x, y: node.position.y },
      data: stepData(node, nodeTypes.get(node.type), edgePorts, owners.get(node.id) ?? null),
    }),
  );
  const edges = document.edges.map(stepEdge);
  return { nodes, edges };
}

/** A workflow edge as React Flow draws it: its ports as handles, a tool edge dashed, a condition as a short label. */
export function stepEdge(edge: WorkflowEdge): StepEdge {
  const tool = isToolEdge(edge);
  return {
    id: edge.id,
    source: edge.source,
    sourceHandle: edge.sourcePort,
    target: edge.target,
    targetHandle: edge.targetPort,
    data: { when: edge.when ?? null, ...(tool ? { tool } : {}) },
    ...(tool ? { className: TOOL_EDGE_CLASS } : {}),
    ...(edge.when ? { label: `if ${truncate(edge.when, EDGE_LABEL_MAX)}` } : {}),
  };
}

/** Ports that edges name, per node and side, built once per edge list. */
export type EdgePorts = ReadonlyMap<string, { readonly in: readonly string[]; readonly out: readonly string[] }>;

/** Indexes the ports each node's edges use. */
export function edgePortsOf(edges: readonly WorkflowEdge[]): EdgePorts {
  const index = new Map<string, { in: string[]; out: string[] }>();
  const at = (id: string) => {
    let entry = index.get(id);
    if (!entry) index.set(id, (entry = { in: [], out: [] }));
    return entry;
  };
  for (const e of edges) {
    const out = at(e.source).out;
    if (!out.includes(e.sourcePort)) out.push(e.sourcePort);
    const inn = at(e.target).in;
    if (!inn.includes(e.targetPort)) inn.push(e.targetPort);
  }
  return index;
}

/** What a node's card draws, from the node, its type, the ports its edges use and the agent it is a tool of. */
export function stepData(node: WorkflowNode, type: CatalogEntry | undefined, edgePorts: EdgePorts, toolOf: string | null = null): StepData {
  const used = edgePorts.get(node.id);
  return {
    type: node.type,
    label: node.label?.trim() || node.id,
    typeTitle: type?.title ?? node.type,
    kind: type?.kind ?? null,
    inputs: withPorts(type?.inputs ?? [], used?.in),
    outputs: withPorts(outputPorts(node, type), used?.out),
    toolOf,
  };
}

/** Whether two card data draw the same. */
export function sameStepData(a: StepData, b: StepData): boolean {
  return a.type === b.type && a.label === b.label && a.typeTitle === b.typeTitle && a.kind === b.kind && a.toolOf === b.toolOf && sameList(a.inputs, b.inputs) && sameList(a.outputs, b.outputs);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function withPorts(declared: readonly string[], used: readonly string[] | undefined): string[] {
  const ports = [...declared];
  for (const p of used ?? []) if (!ports.includes(p)) ports.push(p);
  return ports;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

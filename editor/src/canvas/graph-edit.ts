import { outputPortsOf, type NodeTypeView, type WorkflowEdge, type WorkflowNode } from '@weft/schemas';
import { reachableFrom } from '@weft/schemas/graph';
import type { EditableWorkflow } from '../store/document-store';
import { toolConnectionProblem } from './tools';

// Editing rules of the canvas as plain functions over the document, so they are tested in node
// and every caller (drag, keyboard, paste) applies the same ones.

/** What the editing rules need to know about a node type. */
export type PortSpec = Pick<NodeTypeView, 'inputs' | 'outputs' | 'dynamicOutputs'> & Partial<Pick<NodeTypeView, 'trigger'>>;

interface Point {
  readonly x: number;
  readonly y: number;
}

/** A connection the person is drawing, as React Flow reports it. */
export interface Attempt {
  readonly source: string | null;
  readonly target: string | null;
  readonly sourceHandle?: string | null;
  readonly targetHandle?: string | null;
}

/** Output ports of a node: its type's, those its params name, and `error` when errors are routed. */
export function outputPorts(node: Pick<WorkflowNode, 'params' | 'policy'>, type: PortSpec | undefined): string[] {
  return outputPortsOf({ outputs: type?.outputs ?? [], dynamicOutputs: type?.dynamicOutputs }, node.params, node.policy);
}

/** Input ports of a node: its type's. */
export function inputPorts(type: PortSpec | undefined): string[] {
  return [...(type?.inputs ?? [])];
}

/** Why a connection may not be made, or null when it may. */
export function connectionProblem(
  doc: Pick<EditableWorkflow, 'nodes' | 'edges'>,
  catalog: ReadonlyMap<string, PortSpec>,
  attempt: Attempt,
  nodeById?: ReadonlyMap<string, WorkflowNode>,
): string | null {
  const { source, target } = attempt;
  if (!source || !target) return 'a connection needs two ends';
  if (source === target) return 'a node cannot connect to itself';
  const find = (id: string) => nodeById?.get(id) ?? doc.nodes.find((n) => n.id === id);
  const from = find(source);
  const to = find(target);
  if (!from || !to) return 'unknown node';
  const sourcePort = attempt.sourceHandle ?? 'out';
  const targetPort = attempt.targetHandle ?? 'in';
  if (!outputPorts(from, catalog.get(from.type)).includes(sourcePort)) return `${sourcePort} is not an output of ${source}`;
  if (!inputPorts(catalog.get(to.type)).includes(targetPort)) return `${targetPort} is not an input of ${target}`;
  if (doc.edges.some((e) => e.source === source && e.target === target && e.sourcePort === sourcePort && e.targetPort === targetPort)) return 'these ports are already connected';
  const tool = toolConnectionProblem(doc.edges, { source, target, targetPort, sourceIsTrigger: catalog.get(from.type)?.trigger === true });
  if (tool) return tool;
  if (reachableFrom([target], doc.edges).has(source)) return 'the connection would make a cycle';
  return null;
}

/** A fresh id `<prefix>_<n>` not in `taken`; n counts from 1. */
export function freshId(prefix: string, taken: ReadonlySet<string>): string {
  const base = /^[A-Za-z]/.test(prefix) ? prefix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 50) : `n_${prefix}`.slice(0, 50);
  for (let n = 1; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** The short name of a node type: `execution.http` gives `http`. */
export function typeName(type: string): string {
  return type.slice(type.indexOf('.') + 1).replace(/-/g, '_');
}

/** Defaults of a JSON Schema's top-level properties, where the schema gives one. */
export function defaultParams(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const properties = schema?.['properties'];
  if (!properties || typeof properties !== 'object') return params;
  for (const [key, prop] of Object.entries(properties as Record<string, unknown>)) {
    if (prop && typeof prop === 'object' && 'default' in prop) params[key] = structuredClone((prop as { default: unknown }).default);
  }
  return params;
}

/** Adds a node of `type` at `position` with a fresh id and its default params. */
export function addNode(doc: EditableWorkflow, type: Pick<NodeTypeView, 'type' | 'params'>, position: Point): { doc: EditableWorkflow; id: string } {
  const id = freshId(typeName(type.type), new Set(doc.nodes.map((n) => n.id)));
  const node: WorkflowNode = { id, type: type.type, params: defaultParams(type.params), position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

/** Adds an edge for an allowed connection (check it with {@link connectionProblem} first). */
export function addEdge(doc: EditableWorkflow, attempt: Attempt): EditableWorkflow {
  if (!attempt.source || !attempt.target) return doc;
  const edge: WorkflowEdge = {
    id: freshId('e', new Set(doc.edges.map((e) => e.id))),
    source: attempt.source,
    sourcePort: attempt.sourceHandle ?? 'out',
    target: attempt.target,
    targetPort: attempt.targetHandle ?? 'in',
  };
  return { ...doc, edges: [...doc.edges, edge] };
}

/** Removes nodes (with their edges and group memberships) and edges; the same document when nothing goes. */
export function removeElements(doc: EditableWorkflow, nodeIds: readonly string[], edgeIds: readonly string[]): EditableWorkflow {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const keptNodes = doc.nodes.filter((n) => !nodes.has(n.id));
  const keptEdges = doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target));
  if (keptNodes.length === doc.nodes.length && keptEdges.length === doc.edges.length) return doc;
  const next: EditableWorkflow = { ...doc, nodes: keptNodes, edges: keptEdges };
  if (doc.groups) {
    next.groups = doc.groups.map((g) => ({ ...g, nodes: g.nodes.filter((id) => !nodes.has(id)) })).filter((g) => g.nodes.length > 0);
  }
  return next;
}

/** Moves nodes to new positions; the same document when none moved. */
export function movePositions(doc: EditableWorkflow, positions: ReadonlyMap<string, Point>): EditableWorkflow {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p) return n;
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (x === n.position.x && y === n.position.y) return n;
    changed = true;
    return { ...n, position: { x, y } };
  });
  return changed ? { ...doc, nodes } : doc;
}

import type { Workflow } from '@weft/schemas';
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useEdgesState,
  useNodesState,
  type DefaultEdgeOptions,
  type FitViewOptions,
  type NodeTypes,
} from '@xyflow/react';
import { useMemo } from 'react';
import NodeCard from './NodeCard';
import { toFlow, type CatalogEntry, type StepEdge, type StepNode } from './to-flow';

// Module scope, so React Flow sees the same objects on every render.
const nodeTypes: NodeTypes = { step: NodeCard };
const defaultEdgeOptions: DefaultEdgeOptions = {
  type: 'smoothstep',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
};
const fitViewOptions: FitViewOptions = { padding: 0.2, maxZoom: 1.1 };
// A CSS variable, so the minimap follows the theme like the cards do.
const minimapColor = (node: StepNode): string => `var(--kind-${node.data.kind ?? 'unknown'}, var(--kind-unknown))`;

interface WorkflowCanvasProps {
  readonly document: Pick<Workflow, 'nodes' | 'edges'>;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
}

/** The workflow graph, read-only for now: pan, zoom and select, but no editing. */
export function WorkflowCanvas({ document, catalog }: WorkflowCanvasProps) {
  const initial = useMemo(() => toFlow(document, catalog), [document, catalog]);
  // React Flow owns selection and measured sizes through these changes; the document stays as loaded.
  const [nodes, , onNodesChange] = useNodesState<StepNode>(initial.nodes);
  const [edges, , onEdgesChange] = useEdgesState<StepEdge>(initial.edges);

  return (
    <>
      {nodes.length === 0 && <p className="canvas__empty muted">This workflow has no nodes yet.</p>}
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        nodeTypes={nodeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.2}
        maxZoom={2}
        colorMode="system"
        nodesDraggable={false}
        nodesConnectable={false}
        edgesReconnectable={false}
        deleteKeyCode={null}
      >
        <Background gap={20} />
        <MiniMap<StepNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} ariaLabel="Overview of the workflow" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </>
  );
}

import { MarkerType, type DefaultEdgeOptions, type FitViewOptions } from '@xyflow/react';

// Module scope, so React Flow sees the same objects on every render.
const defaultEdgeOptions: DefaultEdgeOptions = {
  type: 'smoothstep',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
};
const fitViewOptions: FitViewOptions = { padding: 0.2, maxZoom: 1.1 };

/** How every canvas of a workflow draws its edges and first fits the graph in view (spread on `<ReactFlow>`). */
export const FLOW_VIEW = { defaultEdgeOptions, fitView: true, fitViewOptions } as const;

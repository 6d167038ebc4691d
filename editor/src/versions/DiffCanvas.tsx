import { Background, Controls, ReactFlow, ReactFlowProvider, type Edge, type NodeTypes } from '@xyflow/react';
import { useMemo } from 'react';
import { FLOW_VIEW } from '../canvas/flow-view';
import { toFlow, type CatalogEntry } from '../canvas/to-flow';
import { CHANGE_LOOK, type ChangeKind, type DiffView } from './diff-model';
import DiffNode, { type DiffFlowNode } from './DiffNode';
import '../canvas/canvas.css';
import './versions.css';

const nodeTypes: NodeTypes = { diff: DiffNode };
const LEGEND: readonly ChangeKind[] = ['added', 'removed', 'changed', 'unchanged'];

/** Both versions on one read-only canvas, each node and edge marked with how it changed. */
export function DiffCanvas({ view, catalog }: { readonly view: DiffView; readonly catalog: ReadonlyMap<string, CatalogEntry> }) {
  const { nodes, edges } = useMemo(() => {
    const flow = toFlow(view.document, catalog);
    const nodes = flow.nodes.map((n): DiffFlowNode => {
      const change = view.nodeChange[n.id] ?? 'unchanged';
      return { ...n, type: 'diff', className: `diff-node-wrap--${change}`, data: { ...n.data, change } };
    });
    const edges = flow.edges.map((e): Edge => ({ ...e, className: `diff-edge--${view.edgeChange[e.id] ?? 'unchanged'}` }));
    return { nodes, edges };
  }, [view, catalog]);

  return (
    <div className="diff-canvas" aria-label="Changes between the versions">
      <ul className="diff-legend" aria-label="Legend">
        {LEGEND.map((k) => (
          <li key={k} className={`diff-legend__item diff-node--${k}`}>
            <span aria-hidden="true">{CHANGE_LOOK[k].icon || '·'}</span> {CHANGE_LOOK[k].label}
            {k !== 'unchanged' && ` (${view.counts[k]})`}
          </li>
        ))}
      </ul>
      <div className="diff-canvas__flow">
        <ReactFlowProvider>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            {...FLOW_VIEW}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </ReactFlowProvider>
      </div>
    </div>
  );
}

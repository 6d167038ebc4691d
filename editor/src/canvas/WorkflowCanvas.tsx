import type { NodeTypeView } from '@weft/schemas';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type NodeTypes,
  type OnConnectEnd,
  type OnDelete,
  type OnNodeDrag,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type PointerEvent } from 'react';
import { NODE_TYPE_MIME } from '../palette/palette';
import { useDocumentStore } from '../store/document-store';
import { FLOW_VIEW } from './flow-view';
import { flowEdges, reconcileNodes, type CanvasNode } from './flow-sync';
import { addEdge, addNode, connectionProblem, movePositions, removeElements } from './graph-edit';
import GroupFrame from './GroupFrame';
import { ungroup } from './groups';
import NodeCard from './NodeCard';
import type { StepEdge } from './to-flow';
import './canvas.css';

// Module scope, so React Flow sees the same objects on every render.
const nodeTypes: NodeTypes = { step: NodeCard, frame: GroupFrame };
const deleteKeys = ['Delete', 'Backspace'];
const multiSelectKeys = ['Shift', 'Meta', 'Control'];
// The background's dots are `zoom` px wide; below this zoom they are under half a pixel and do not
// show, so they are not drawn: a drawn background repaints the whole pane on every frame of a pan.
const DOTS_MIN_ZOOM = 0.5;
// Below this zoom a card is under 56 px wide: its rounded corners, shadow and round handles are a
// pixel or less and are left out (see `.canvas__flow--far` in styles.css).
const DETAIL_MIN_ZOOM = 0.3;
// A CSS variable, so the minimap follows the theme like the cards do.
const minimapColor = (node: CanvasNode): string => (node.type === 'frame' ? 'transparent' : `var(--kind-${node.data.kind ?? 'unknown'}, var(--kind-unknown))`);

/**
 * Sends the rest of a press on the canvas to the element it began on (as touch does anyway): the
 * browser then skips hit-testing a large graph (some 5,000 boxes and paths at 1,000 nodes, about
 * 3 ms) on every move of a drag or a pan. Not on handles: a connection looks for the handle under
 * the pointer, as the person expects to see it hover.
 */
function capturePointer(event: PointerEvent<HTMLDivElement>): void {
  const target = event.target;
  if (!(target instanceof Element) || target.closest('.react-flow__handle')) return;
  try {
    target.setPointerCapture(event.pointerId);
  } catch {
    // A pointer that is no longer active (or a synthetic event) cannot be captured; nothing is lost.
  }
}

interface WorkflowCanvasProps {
  readonly catalog: ReadonlyMap<string, NodeTypeView>;
  /** Tells the page why a connection was refused, or null to clear it. */
  readonly onNotice?: (message: string | null) => void;
}

/**
 * The editable graph of the document store. React Flow holds the nodes while they are dragged
 * (so a drag writes nothing to the store); a drag's end, a connection, a drop or a deletion is
 * one edit of the document.
 */
export function WorkflowCanvas({ catalog, onNotice }: WorkflowCanvasProps) {
  const doc = useDocumentStore((s) => s.doc);
  const selectedNodes = useDocumentStore((s) => s.selectedNodes);
  const selectedEdges = useDocumentStore((s) => s.selectedEdges);
  const flow = useReactFlow<CanvasNode, StepEdge>();
  const far = useStore((s) => s.transform[2] < DETAIL_MIN_ZOOM);

  // React Flow holds the nodes, so a drag moves a node inside React Flow without rendering this
  // component or handing 1,000 nodes back to it on every frame; the document says which nodes
  // there are, where and how they look, and is pushed into React Flow whenever it changes.
  const [initialNodes] = useState(() => reconcileNodes(doc, catalog, new Set(selectedNodes), []));
  useEffect(() => {
    flow.setNodes((previous) => reconcileNodes(doc, catalog, new Set(selectedNodes), previous));
  }, [flow, doc, catalog, selectedNodes]);

  const previousEdges = useRef(new Map<string, StepEdge>());
  const edges = useMemo(() => {
    const next = flowEdges(doc, new Set(selectedEdges), previousEdges.current);
    previousEdges.current = new Map(next.map((e) => [e.id, e]));
    return next;
  }, [doc, selectedEdges]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // React Flow applies every change to its own nodes; the selection is also the store's (removal
    // reaches the document through onDelete, a move through onNodeDragStop).
    const picks = changes.filter((c) => c.type === 'select');
    if (picks.length > 0) {
      const { selectedNodes: current, selectedEdges: edgesNow, select } = useDocumentStore.getState();
      const next = new Set(current);
      for (const c of picks) {
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      if (!sameSet(next, current)) select([...next], edgesNow);
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<StepEdge>[]) => {
    const picks = changes.filter((c) => c.type === 'select');
    if (picks.length === 0) return;
    const { selectedNodes: nodesNow, selectedEdges: current, select } = useDocumentStore.getState();
    const next = new Set(current);
    for (const c of picks) {
      if (c.selected) next.add(c.id);
      else next.delete(c.id);
    }
    if (!sameSet(next, current)) select(nodesNow, [...next]);
  }, []);

  const isValidConnection: IsValidConnection<StepEdge> = useCallback(
    (c: Connection | Edge) => {
      const { doc: now, nodeById } = useDocumentStore.getState();
      return connectionProblem(now, catalog, c, nodeById) === null;
    },
    [catalog],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const { doc: now, nodeById, edit } = useDocumentStore.getState();
      const problem = connectionProblem(now, catalog, c, nodeById);
      if (problem) {
        onNotice?.(`Not connected: ${problem}.`);
        return;
      }
      onNotice?.(null);
      edit(`Connect ${c.source} → ${c.target}`, (d) => addEdge(d, c));
    },
    [catalog, onNotice],
  );

  // React Flow drops a refused connection silently; say why, in the person's terms.
  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, state) => {
      if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
      const [from, to] = state.fromHandle.type === 'source' ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
      const { doc: now, nodeById } = useDocumentStore.getState();
      const problem = connectionProblem(now, catalog, { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null }, nodeById);
      if (problem) onNotice?.(`Not connected: ${problem}.`);
    },
    [catalog, onNotice],
  );

  const onNodeDragStop: OnNodeDrag<CanvasNode> = useCallback((_event, _node, dragged) => {
    const positions = new Map(dragged.filter((n) => n.type === 'step').map((n) => [n.id, n.position]));
    if (positions.size === 0) return;
    useDocumentStore.getState().edit(positions.size === 1 ? 'Move node' : `Move ${positions.size} nodes`, (d) => movePositions(d, positions));
  }, []);

  const onDelete: OnDelete<CanvasNode, StepEdge> = useCallback(({ nodes: gone, edges: goneEdges }) => {
    const steps = gone.filter((n) => n.type === 'step').map((n) => n.id);
    const frames = gone.filter((n) => n.type === 'frame').map((n) => n.id);
    const count = steps.length + goneEdges.length;
    useDocumentStore.getState().edit(count === 1 ? 'Delete' : `Delete ${count} items`, (d) => {
      let next = removeElements(d, steps, goneEdges.map((e) => e.id));
      for (const f of frames) next = ungroup(next, f);
      return next;
    });
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const typeId = event.dataTransfer.getData(NODE_TYPE_MIME);
      const type = catalog.get(typeId);
      if (!type) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // The card's middle lands under the pointer rather than its corner.
      addTypeAt(type, { x: at.x - 110, y: at.y - 40 });
    },
    [catalog, flow],
  );

  return (
    <>
      {doc.nodes.length === 0 && <p className="canvas__empty muted">Drag a node from the palette, or click one there to add it.</p>}
      <ReactFlow<CanvasNode, StepEdge>
        className={far ? 'canvas__flow canvas__flow--far' : 'canvas__flow'}
        defaultNodes={initialNodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStop={onNodeDragStop}
        onDelete={onDelete}
        onDragOver={onDragOver}
        onDrop={onDrop}
        nodeTypes={nodeTypes}
        {...FLOW_VIEW}
        minZoom={0.1}
        maxZoom={2}
        colorMode="system"
        deleteKeyCode={deleteKeys}
        multiSelectionKeyCode={multiSelectKeys}
        selectionKeyCode="Shift"
        selectionMode={SelectionMode.Partial}
        edgesReconnectable={false}
        onlyRenderVisibleElements
        onPointerDown={capturePointer}
      >
        <CanvasBackground />
        <MiniMap<CanvasNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} ariaLabel="Overview of the workflow" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </>
  );
}

/** The dotted background, where the dots can be seen; re-renders only when the zoom crosses that line. */
function CanvasBackground() {
  const dotsShow = useStore((s) => s.transform[2] >= DOTS_MIN_ZOOM);
  return dotsShow ? <Background gap={20} /> : null;
}

/** Adds a node of `type` with its top-left corner at `position` (flow coordinates) and selects it. */
export function addTypeAt(type: NodeTypeView, position: { x: number; y: number }): string {
  let id = '';
  const { edit, select } = useDocumentStore.getState();
  edit(`Add ${type.title}`, (d) => {
    const added = addNode(d, type, position);
    id = added.id;
    return added.doc;
  });
  select([id]);
  return id;
}

function sameSet(a: ReadonlySet<string>, b: readonly string[]): boolean {
  return a.size === b.length && b.every((id) => a.has(id));
}


import { useReactFlow, type ReactFlowInstance } from '@xyflow/react';
import { useMemo } from 'react';
import { useDocumentStore } from '../store/document-store';
import { copySelection, parsePayload, pastePayload, type ClipboardPayload } from './clipboard';
import type { CanvasNode } from './flow-sync';
import { movePositions, removeElements } from './graph-edit';
import { groupNodes } from './groups';
import { dagrePositions } from './layout';
import type { StepEdge } from './to-flow';

/** How far a paste lands from where the nodes were copied, so the copy does not hide the original. */
export const PASTE_OFFSET = { x: 40, y: 40 } as const;

// The system clipboard may refuse (no permission, no secure context); this one always works in the tab.
let memoryClipboard: string | null = null;

async function writeClipboard(text: string): Promise<void> {
  memoryClipboard = text;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // The in-memory copy above is enough within this tab.
  }
}

async function readClipboard(): Promise<string | null> {
  try {
    const text = await navigator.clipboard.readText();
    if (parsePayload(text)) return text;
  } catch {
    // Fall through to the in-memory copy.
  }
  return memoryClipboard;
}

/** What the toolbar and the keyboard can do on the canvas. Use inside a ReactFlowProvider. */
export interface CanvasCommands {
  copy(): Promise<boolean>;
  paste(): Promise<boolean>;
  deleteSelection(): void;
  layout(): void;
  fit(): void;
  group(): void;
}

/** The canvas commands, working on the document store (and React Flow for sizes and the viewport). */
export function useCanvasCommands(): CanvasCommands {
  const flow = useReactFlow<CanvasNode, StepEdge>();
  return useMemo(() => {
    let pastes = 0;
    let lastCopied: string | null = null;
    return {
      async copy() {
        const { doc, selectedNodes } = useDocumentStore.getState();
        const payload = copySelection(doc, selectedNodes);
        if (!payload) return false;
        const text = JSON.stringify(payload);
        lastCopied = text;
        pastes = 0;
        await writeClipboard(text);
        return true;
      },
      async paste() {
        const text = await readClipboard();
        const payload: ClipboardPayload | null = text ? parsePayload(text) : null;
        if (!payload) return false;
        // Each paste of the same copy lands a step further, so repeated pastes fan out.
        pastes = text === lastCopied ? pastes + 1 : 1;
        lastCopied = text;
        const { edit, select } = useDocumentStore.getState();
        let ids: string[] = [];
        edit(payload.nodes.length === 1 ? 'Paste node' : `Paste ${payload.nodes.length} nodes`, (d) => {
          const pasted = pastePayload(d, payload, { x: PASTE_OFFSET.x * pastes, y: PASTE_OFFSET.y * pastes });
          ids = pasted.ids;
          return pasted.doc;
        });
        select(ids);
        return true;
      },
      deleteSelection() {
        const { selectedNodes, selectedEdges, edit } = useDocumentStore.getState();
        edit('Delete', (d) => removeElements(d, selectedNodes, selectedEdges));
      },
      layout() {
        const { doc, edit } = useDocumentStore.getState();
        const sizes = new Map(flow.getNodes().map((n) => [n.id, n.measured]));
        const positions = dagrePositions(
          doc.nodes.map((n) => ({ id: n.id, position: n.position, width: sizes.get(n.id)?.width, height: sizes.get(n.id)?.height })),
          doc.edges,
        );
        edit('Layout', (d) => movePositions(d, positions));
        // After React draws the new positions.
        requestAnimationFrame(() => void showReadably(flow));
      },
      fit() {
        void flow.fitView({ padding: 0.2, maxZoom: 1.1, duration: 200 });
      },
      group() {
        const { selectedNodes, edit } = useDocumentStore.getState();
        edit('Group', (d) => groupNodes(d, selectedNodes)?.doc ?? d);
      },
    };
  }, [flow]);
}

/** Below this zoom a card's text is too small to read; Layout never goes under it. */
export const READABLE_ZOOM = 0.6;
const PADDING = 0.2;
const MARGIN_PX = 40;

/**
 * Shows the whole graph when it fits at a readable zoom; otherwise shows its start (where runs
 * begin, on the left) at that zoom, centred vertically when it fits that way, and the person
 * scrolls or pans to the rest.
 */
export function showReadably(flow: Pick<ReactFlowInstance<CanvasNode, StepEdge>, 'fitView' | 'getNodes' | 'getNodesBounds' | 'setViewport'>): Promise<boolean> {
  const pane = document.querySelector('.canvas .react-flow')?.getBoundingClientRect();
  const nodes = flow.getNodes();
  if (!pane || nodes.length === 0) return flow.fitView({ padding: PADDING, maxZoom: 1.1, duration: 200 });
  const b = flow.getNodesBounds(nodes);
  const fits = Math.min(pane.width / (b.width * (1 + PADDING)), pane.height / (b.height * (1 + PADDING)));
  if (fits >= READABLE_ZOOM) return flow.fitView({ padding: PADDING, maxZoom: 1.1, duration: 200 });
  const zoom = READABLE_ZOOM;
  const tall = b.height * zoom + 2 * MARGIN_PX > pane.height;
  const x = MARGIN_PX - b.x * zoom;
  const y = tall ? MARGIN_PX - b.y * zoom : (pane.height - b.height * zoom) / 2 - b.y * zoom;
  return flow.setViewport({ x, y, zoom }, { duration: 200 });
}

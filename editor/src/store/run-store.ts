import type { NodeStatus, RunView } from '@weft/schemas';
import { create } from 'zustand';
import { displayStatus, nodeStatusesOf, type NodeDisplayStatus } from './node-statuses';

// Run state lives here rather than in React Flow node data: a poll then re-renders only the
// nodes whose status changed, and node data stays the serializable document.

interface RunState {
  /** The run the workflow page shows (its latest), or null when there is none yet. */
  readonly run: RunView | null;
  readonly nodeStatus: Readonly<Record<string, NodeStatus>>;
  showRun(run: RunView | null): void;
  /** Sets one node's status ahead of the next fetch (a live event said it changed). */
  setNodeStatus(nodeId: string, status: NodeStatus): void;
}

/** The run on screen and each node's status in it. */
export const useRunStore = create<RunState>()((set) => ({
  run: null,
  nodeStatus: {},
  showRun(run) {
    set({ run, nodeStatus: nodeStatusesOf(run) });
  },
  setNodeStatus(nodeId, status) {
    set((s) => (s.nodeStatus[nodeId] === status ? s : { nodeStatus: { ...s.nodeStatus, [nodeId]: status } }));
  },
}));

/** One node's status in the run on screen; re-renders only when that status changes. */
export function useNodeStatus(nodeId: string): NodeDisplayStatus {
  return useRunStore((s) => displayStatus(s.nodeStatus, nodeId));
}

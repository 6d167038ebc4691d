import type { Meta, StoryObj } from '@storybook/react-vite';
import type { NodeStatus } from '@weft/schemas';
import { NODE_STATUSES } from '@weft/schemas/run';
import { ReactFlow, ReactFlowProvider, type NodeTypes } from '@xyflow/react';
import { useLayoutEffect } from 'react';
import type { StepSignal } from '../runs/agent-transcript';
import { resetAgentStore, useAgentStore } from '../store/agent-store';
import { useRunStore } from '../store/run-store';
import type { NodeDisplayStatus } from '../store/node-statuses';
import NodeCard from './NodeCard';
import type { StepData, StepNode } from './to-flow';

// Handles only render inside a React Flow node, so each card is drawn on a small, fixed canvas.
const nodeTypes: NodeTypes = { step: NodeCard };

const http: StepData = {
  type: 'execution.http',
  label: 'Fetch invoice',
  typeTitle: 'HTTP request',
  kind: 'execution',
  inputs: ['in'],
  outputs: ['out', 'error'],
  toolOf: null,
};

interface CardArgs {
  readonly status: NodeDisplayStatus;
  readonly data: StepData;
  /** What the agents of the run on screen reported (an agent card says what it does; a tool card lights up). */
  readonly signals?: readonly StepSignal[];
}

function CardOnCanvas({ status, data, signals }: CardArgs) {
  // The card reads its status from the run store, as on the workflow page; a control change re-runs this.
  useLayoutEffect(() => showStatus(status), [status]);
  useLayoutEffect(() => {
    useAgentStore.setState({ runId: 'run_story', signals: Object.fromEntries((signals ?? []).map((s) => [`${s.agent}|${s.turn}|${s.part}`, s])) });
    return resetAgentStore;
  }, [signals]);
  const nodes: StepNode[] = [{ id: 'fetch', type: 'step', position: { x: 40, y: 40 }, data }];
  return (
    <ReactFlowProvider>
      <div style={{ width: 360, height: 180 }}>
        <ReactFlow nodes={nodes} edges={[]} nodeTypes={nodeTypes} nodesDraggable={false} nodesConnectable={false} panOnDrag={false} zoomOnScroll={false} />
      </div>
    </ReactFlowProvider>
  );
}

/** Puts `status` in the run store for node `fetch`, as a poll of the latest run would. */
function showStatus(status: NodeDisplayStatus): () => void {
  const nodeStatus: Record<string, NodeStatus> = status === 'none' ? {} : { fetch: status };
  useRunStore.setState({ nodeStatus });
  return () => useRunStore.setState({ run: null, nodeStatus: {} });
}

const meta = {
  title: 'Canvas/NodeCard',
  component: CardOnCanvas,
  args: { status: 'none', data: http },
  argTypes: { status: { control: 'select', options: ['none', ...NODE_STATUSES] } },
} satisfies Meta<typeof CardOnCanvas>;

export default meta;
type Story = StoryObj<typeof meta>;

export const NotRun: Story = {};
export const Pending: Story = { args: { status: 'pending' } };
export const Running: Story = { args: { status: 'running' } };
export const Retrying: Story = { args: { status: 'retrying' } };
export const Succeeded: Story = { args: { status: 'succeeded' } };
export const Failed: Story = { args: { status: 'failed' } };
export const Skipped: Story = { args: { status: 'skipped' } };
export const Waiting: Story = { args: { status: 'waiting' } };
export const Compensated: Story = { args: { status: 'compensated' } };

/** A trigger: no input handle, the usual single output unnamed. */
export const Trigger: Story = {
  args: { status: 'succeeded', data: { type: 'control.trigger', label: 'trigger', typeTitle: 'Trigger', kind: 'control', inputs: [], outputs: ['out'], toolOf: null } },
};

/** A type the editor does not know: shown by its id, in the neutral colour. */
export const UnknownType: Story = {
  args: { data: { type: 'acme.custom', label: 'Custom step with a rather long label that gets cut', typeTitle: 'acme.custom', kind: null, inputs: ['in'], outputs: ['out'], toolOf: null } },
};

const agentCard: StepData = { type: 'strategy.agent', label: 'Offsite planner', typeTitle: 'Agent', kind: 'strategy', inputs: ['in', 'tools'], outputs: ['out', 'error'], toolOf: null };
const signal = (turn: number, part: number, kind: StepSignal['kind'], status: StepSignal['status'], name?: string): StepSignal => ({
  agent: 'fetch',
  nodeId: 'fetch',
  turn,
  part,
  kind,
  status,
  ...(name ? { tool: name, name } : {}),
  seq: turn * 10 + part,
});

/** An agent: its tools handle at the bottom, and what it is doing in the run on screen. */
export const AgentCallingATool: Story = {
  args: { status: 'running', data: agentCard, signals: [signal(1, 0, 'turn', 'succeeded'), signal(2, 0, 'turn', 'succeeded'), signal(2, 1, 'call', 'running', 'lookup')] },
};

/** An agent waiting for a person to approve one of its calls. */
export const AgentWaitingForApproval: Story = {
  args: { status: 'running', data: agentCard, signals: [signal(1, 0, 'turn', 'succeeded'), signal(1, 1, 'call', 'waiting', 'book_venue')] },
};

/** A tool of an agent: the badge, the dashed border, its output on top; lit while the agent calls it. */
export const ToolBeingCalled: Story = {
  args: { status: 'running', data: { ...http, label: 'Book venue', toolOf: 'planner', outputs: ['out'] } },
};

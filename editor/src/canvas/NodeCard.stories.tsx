import type { Meta, StoryObj } from '@storybook/react-vite';
import type { NodeStatus } from '@weft/schemas';
import { NODE_STATUSES } from '@weft/schemas/run';
import { ReactFlow, ReactFlowProvider, type NodeTypes } from '@xyflow/react';
import { useLayoutEffect } from 'react';
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
};

interface CardArgs {
  readonly status: NodeDisplayStatus;
  readonly data: StepData;
}

function CardOnCanvas({ status, data }: CardArgs) {
  // The card reads its status from the run store, as on the workflow page; a control change re-runs this.
  useLayoutEffect(() => showStatus(status), [status]);
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
  args: { status: 'succeeded', data: { type: 'control.trigger', label: 'trigger', typeTitle: 'Trigger', kind: 'control', inputs: [], outputs: ['out'] } },
};

/** A type the editor does not know: shown by its id, in the neutral colour. */
export const UnknownType: Story = {
  args: { data: { type: 'acme.custom', label: 'Custom step with a rather long label that gets cut', typeTitle: 'acme.custom', kind: null, inputs: ['in'], outputs: ['out'] } },
};

import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { StepData } from '../canvas/to-flow';
import { CHANGE_LOOK, type ChangeKind } from './diff-model';

/** A node of the diff canvas: a step card marked with how it changed. */
export type DiffNodeData = StepData & { readonly change: ChangeKind };
export type DiffFlowNode = Node<DiffNodeData, 'diff'>;

function DiffNode({ id, data }: NodeProps<DiffFlowNode>) {
  const look = CHANGE_LOOK[data.change];
  return (
    <div className={`diff-node diff-node--${data.change}`} data-testid={`diff-node-${id}`} data-change={data.change}>
      {data.inputs.map((port) => (
        <Handle key={`in-${port}`} id={port} type="target" position={Position.Left} isConnectable={false} />
      ))}
      <div className="diff-node__label">{data.label}</div>
      <div className="diff-node__type">{data.typeTitle}</div>
      {data.change !== 'unchanged' && (
        <span className="diff-node__change">
          <span aria-hidden="true">{look.icon} </span>
          {look.label}
        </span>
      )}
      {data.outputs.map((port) => (
        <Handle key={`out-${port}`} id={port} type="source" position={Position.Right} isConnectable={false} />
      ))}
    </div>
  );
}

export default memo(DiffNode);

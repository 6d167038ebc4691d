import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { NodeStatusBadge } from '../runs/StatusBadge';
import { useNodeStatus } from '../store/run-store';
import type { StepNode } from './to-flow';

/** Vertical place of the i-th of n handles on a side, spread evenly. */
function handleTop(index: number, count: number): string {
  return `${((index + 1) / (count + 1)) * 100}%`;
}

// Port names are worth showing only when they tell the ports apart.
function showsPortNames(ports: readonly string[], usual: string): boolean {
  return ports.length > 1 || (ports.length === 1 && ports[0] !== usual);
}

/** A workflow node on the canvas: label, type, ports as handles, and its status in the latest run. */
function NodeCard({ id, data }: NodeProps<StepNode>) {
  const status = useNodeStatus(id);
  const inputNames = showsPortNames(data.inputs, 'in');
  const outputNames = showsPortNames(data.outputs, 'out');

  return (
    <div className="step" data-testid={`node-${id}`} data-status={status} data-kind={data.kind ?? undefined}>
      {data.inputs.map((port, i) => (
        <Handle
          key={`in:${port}`}
          type="target"
          position={Position.Left}
          id={port}
          isConnectable={false}
          style={{ top: handleTop(i, data.inputs.length) }}
          title={`Input ${port}`}
        >
          {inputNames && <span className="step__port step__port--in">{port}</span>}
        </Handle>
      ))}
      <div className="step__body">
        <div className="step__label" title={data.label}>
          {data.label}
        </div>
        <div className="step__type">
          {data.typeTitle}
          {data.label !== id && <span className="step__id"> · {id}</span>}
        </div>
        {status !== 'none' && (
          <div className="step__status">
            <NodeStatusBadge status={status} size="small" />
          </div>
        )}
      </div>
      {data.outputs.map((port, i) => (
        <Handle
          key={`out:${port}`}
          type="source"
          position={Position.Right}
          id={port}
          isConnectable={false}
          style={{ top: handleTop(i, data.outputs.length) }}
          title={`Output ${port}`}
        >
          {outputNames && <span className="step__port step__port--out">{port}</span>}
        </Handle>
      ))}
    </div>
  );
}

export default memo(NodeCard);

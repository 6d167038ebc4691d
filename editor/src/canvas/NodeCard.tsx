import { TOOLS_PORT } from '@weft/schemas';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useIsPinned } from '../inspector/sample-store';
import { NodeStatusBadge } from '../runs/StatusBadge';
import { useAgentActivity, useToolStatus } from '../store/agent-store';
import { useDocumentStore } from '../store/document-store';
import type { NodeDisplayStatus } from '../store/node-statuses';
import { useNodeStatus, useRunStore } from '../store/run-store';
import { useNodeProblemCount, useNodeProblemSeverity } from '../validation/useProblems';
import type { StepNode } from './to-flow';
import '../agents.css';
import './canvas.css';

/**
 * Vertical place of the i-th of n handles on a side, spread evenly over the card's inner height.
 * Handles are placed against the node's box (the card is not positioned, see `.step` in
 * styles.css), so the 1px top and bottom borders are taken out here.
 */
function handleTop(index: number, count: number): string {
  const f = (index + 1) / (count + 1);
  return `calc(${f * 100}% + ${1 - 2 * f}px)`;
}

/** Horizontal place of the i-th of n handles along the top, spread evenly. */
function handleLeft(index: number, count: number): string {
  return `${((index + 1) / (count + 1)) * 100}%`;
}

// Text longer than this many characters might not fit on the card (judged by the widest glyphs
// of its font size), so only that text is clipped with an ellipsis: every clip is one more paint
// property, and on a canvas of 1,000 cards each one adds to the time of every frame of a drag.
const LABEL_FITS = 10;
const TYPE_LINE_FITS = 12;

// Port names are worth showing only when they tell the ports apart.
function showsPortNames(ports: readonly string[], usual: string): boolean {
  return ports.length > 1 || (ports.length === 1 && ports[0] !== usual);
}

/**
 * The status a card shows. A tool runs only when its agent calls it: its calls say it, from the
 * agent's events as they happen (the run's record follows with the next fetch).
 */
function useCardStatus(id: string, tool: boolean): NodeDisplayStatus {
  const own = useNodeStatus(id);
  const called = useToolStatus(id, tool);
  return called ?? own;
}

/**
 * A workflow node on the canvas: label, type, ports as handles, its problems and its status in the
 * run on screen. An agent takes its tools on a handle at the bottom and says what it is doing; a
 * tool says whose it is.
 */
function NodeCard({ id, data, selected }: NodeProps<StepNode>) {
  const tool = data.toolOf !== null;
  const agent = data.inputs.includes(TOOLS_PORT);
  const status = useCardStatus(id, tool);
  const activity = useAgentActivity(id, agent);
  const flowInputs = agent ? data.inputs.filter((p) => p !== TOOLS_PORT) : data.inputs;
  // Attempts matter only while retrying; other statuses select a constant and do not re-render.
  const attempts = useRunStore((s) => (s.nodeStatus[id] === 'retrying' ? (s.run?.nodes.find((n) => n.id === id)?.attempts ?? null) : null));
  const problems = { count: useNodeProblemCount(id), error: useNodeProblemSeverity(id) === 'error' };
  const pinned = useIsPinned(useDocumentStore((s) => s.workflowId), id);
  const inputNames = showsPortNames(flowInputs, 'in');
  const outputNames = showsPortNames(data.outputs, 'out');
  const showsId = data.label !== id;
  const typeLine = data.typeTitle.length + (showsId ? id.length + 3 : 0);

  return (
    <div
      className={`step${selected ? ' step--selected' : ''}`}
      data-testid={`node-${id}`}
      data-status={status}
      data-kind={data.kind ?? undefined}
      data-problems={problems.count || undefined}
      data-tool={tool || undefined}
    >
      {flowInputs.map((port, i) => (
        <Handle key={`in:${port}`} type="target" position={Position.Left} id={port} style={{ top: handleTop(i, flowInputs.length) }} title={`Input ${port}`} data-testid={`port-${id}-in-${port}`}>
          {inputNames && <span className="step__port step__port--in">{port}</span>}
        </Handle>
      ))}
      {agent && (
        <Handle type="target" position={Position.Bottom} id={TOOLS_PORT} className="step__tools-handle" title="Tools: drag here from the output of each node this agent may call" data-testid={`port-${id}-in-${TOOLS_PORT}`}>
          <span className="step__port step__port--tools">tools</span>
        </Handle>
      )}
      <div className="step__body">
        {tool && (
          <div className="step__tool-badge" title={`${data.toolOf} calls this node as a tool; it runs only then`} data-testid={`tool-badge-${id}`}>
            tool of {data.toolOf}
          </div>
        )}
        <div className={`step__label${data.label.length > LABEL_FITS ? ' step__clip' : ''}`} title={data.label}>
          {data.label}
        </div>
        <div className={`step__type${typeLine > TYPE_LINE_FITS ? ' step__clip' : ''}`}>
          {data.typeTitle}
          {showsId && <span className="step__id"> · {id}</span>}
        </div>
        {activity && (
          <div className="step__activity" data-testid={`agent-activity-${id}`} aria-live="polite">
            {activity}
          </div>
        )}
        {(status !== 'none' || problems.count > 0 || pinned) && (
          <div className="step__status">
            {status !== 'none' && <NodeStatusBadge status={status} size="small" />}
            {attempts !== null && <span className="step__attempts">attempt {attempts}</span>}
            {pinned && (
              <span className="step__pin" title="Pinned output: testing a later step uses it" data-testid={`pinned-${id}`}>
                pinned
              </span>
            )}
            {problems.count > 0 && (
              <span
                className={`step__problems step__problems--${problems.error ? 'error' : 'warning'}`}
                title={`${problems.count} ${problems.error ? 'problem' : 'warning'}${problems.count === 1 ? '' : 's'}`}
                data-testid={`problems-${id}`}
              >
                <span aria-hidden="true">{problems.error ? '⚠' : '!'}</span> {problems.count}
                <span className="canvas-sr-only"> {problems.count === 1 ? 'problem' : 'problems'}</span>
              </span>
            )}
          </div>
        )}
      </div>
      {data.outputs.map((port, i) =>
        // A tool hands itself up to its agent, whose tools handle is at the bottom of its card.
        tool ? (
          <Handle key={`out:${port}`} type="source" position={Position.Top} id={port} className="step__tool-out" style={{ left: handleLeft(i, data.outputs.length) }} title={`Output ${port}: to ${data.toolOf}'s tools`} data-testid={`port-${id}-out-${port}`} />
        ) : (
          <Handle key={`out:${port}`} type="source" position={Position.Right} id={port} style={{ top: handleTop(i, data.outputs.length) }} title={`Output ${port}`} data-testid={`port-${id}-out-${port}`}>
            {outputNames && <span className="step__port step__port--out">{port}</span>}
          </Handle>
        ),
      )}
    </div>
  );
}

export default memo(NodeCard);

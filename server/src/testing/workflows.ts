import type { WorkflowInput } from '@weft/schemas';

/** Two transforms in parallel from the trigger, joined at the output: `{ a: n + 1, b: n * 10 }`. */
export const FAN_OUT: WorkflowInput = {
  schemaVersion: 1,
  name: 'fan out',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'a', type: 'analysis.transform', params: { expression: '$input.n + 1' } },
    { id: 'b', type: 'analysis.transform', params: { expression: '$input.n * 10' } },
    { id: 'out', type: 'control.output' },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'a' },
    { id: 'e2', source: 'start', target: 'b' },
    { id: 'e3', source: 'a', target: 'out' },
    { id: 'e4', source: 'b', target: 'out' },
  ],
};

/** A workflow whose nodes run one after another in the order given, joined by edges `e1`, `e2`, … */
export function chain(name: string, nodes: WorkflowInput['nodes']): WorkflowInput {
  return { schemaVersion: 1, name, nodes, edges: nodes.slice(1).map((node, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, target: node.id })) };
}

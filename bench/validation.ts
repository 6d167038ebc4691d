// Times the shared validator on a generated 1,000-node / 1,000-edge workflow: a few warm-up
// runs, then timed runs of the same document (as the editor and the server validate a document
// again after each edit, save or run); figures are the median (held to the goal), p95 and fastest
// run. One more figure, with no goal, times documents whose expressions have never been seen, so
// the cost of parsing them (which the validator's expression cache saves on later runs) shows.
//   npx tsx bench/run.ts validation
import { validateWorkflow, type WorkflowInput } from '@weft/schemas';
import { median, quantile, type Benchmark } from './lib/suite.js';
import { builtinRegistry } from '@weft/nodes/executors';

const NODES = 1000;
const WARMUP = 5;
const RUNS = 40;
const NEW_RUNS = 10;
const GOAL_MS = 20;

/**
 * A binary-tree DAG: one trigger, then transforms and http nodes, every node fed by an earlier
 * one. A non-zero `salt` is added in every expression, so that none of them has been seen before.
 */
function generate(n: number, salt = 0): WorkflowInput {
  const fresh = (expression: string) => (salt ? `${expression} + ${salt}` : expression);
  const nodes: WorkflowInput['nodes'] = [{ id: 'n0', type: 'control.trigger', position: { x: 0, y: 0 } }];
  const edges: WorkflowInput['edges'] = [];
  for (let i = 1; i < n; i++) {
    const source = `n${Math.floor((i - 1) / 2)}`;
    nodes.push(
      i % 3 === 0
        ? { id: `n${i}`, type: 'execution.http', params: { url: `https://example.org/{{ ${fresh(`$nodes.${source}.output.id`)} }}`, method: 'POST', body: `{{ ${fresh('$input')} }}` }, position: { x: i * 10, y: 0 } }
        : { id: `n${i}`, type: 'analysis.transform', params: { expression: fresh(`$input.value + ${i}`) }, position: { x: i * 10, y: 0 } },
    );
    edges.push({ id: `e${i}`, source, target: `n${i}` });
  }
  // One more edge so edges equal nodes: a second input for the last node.
  edges.push({ id: `e${n}`, source: 'n1', target: `n${n - 1}` });
  return { schemaVersion: 1, name: 'generated', nodes, edges };
}

const DOCUMENT_NOTE =
  `${NODES} nodes (1 trigger, ${Math.floor((NODES - 1) / 3)} http with two {{ }} templates each, one naming its parent's output; ` +
  `the rest transforms with a bare JSONata expression) and ${NODES} edges (a binary tree plus one extra edge); ` +
  `${RUNS} timed runs after ${WARMUP} warm-up runs`;

const validation: Benchmark = {
  name: 'validation',
  title: 'Workflow validation',
  async run(log) {
    const registry = builtinRegistry();
    const doc = generate(NODES);
    const first = validateWorkflow(doc, registry);
    // A document the validator rejects would time the wrong path.
    if (!first.ok) throw new Error(`generated document is invalid: ${JSON.stringify(first.problems.slice(0, 3))}`);

    for (let i = 0; i < WARMUP; i++) validateWorkflow(doc, registry);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      validateWorkflow(doc, registry);
      times.push(performance.now() - t);
    }
    const fresh: number[] = [];
    for (let i = 0; i < NEW_RUNS; i++) {
      const other = generate(NODES, i + 1);
      const t = performance.now();
      const result = validateWorkflow(other, registry);
      fresh.push(performance.now() - t);
      if (!result.ok) throw new Error(`generated document ${i + 1} is invalid: ${JSON.stringify(result.problems.slice(0, 3))}`);
    }
    log(`validated ${doc.nodes.length} nodes / ${doc.edges?.length ?? 0} edges, ${RUNS} runs, then ${NEW_RUNS} documents with expressions not seen before`);
    return {
      figures: [
        { name: 'median', value: median(times), unit: 'ms', goal: { op: '<=', value: GOAL_MS }, note: DOCUMENT_NOTE },
        { name: 'p95', value: quantile(times, 0.95), unit: 'ms' },
        { name: 'min', value: Math.min(...times), unit: 'ms' },
        {
          name: 'median, new expressions',
          value: median(fresh),
          unit: 'ms',
          note: `the same document with a different number added in every expression, ${NEW_RUNS} runs: each expression is parsed, none answered from the cache`,
        },
      ],
      details: { nodes: doc.nodes.length, edges: doc.edges?.length ?? 0, warmup: WARMUP, runs: RUNS, samplesMs: times, newExpressionRuns: NEW_RUNS, newExpressionSamplesMs: fresh },
    };
  },
};

export default validation;

// Times the shared validator on a generated 1,000-node / 1,000-edge workflow and prints the
// figures (median, p95) next to the goal. A benchmark, not a test: it never fails on a number.
import { NodeRegistry } from '@weft/nodes';
import { validateWorkflow, type WorkflowInput } from '@weft/schemas';

const NODES = 1000;
const RUNS = 30;

/** A layered DAG: one trigger, then transforms and http nodes, every node fed by an earlier one. */
function generate(n: number): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [{ id: 'n0', type: 'control.trigger', position: { x: 0, y: 0 } }];
  const edges: WorkflowInput['edges'] = [];
  for (let i = 1; i < n; i++) {
    const source = `n${Math.floor((i - 1) / 2)}`;
    nodes.push(
      i % 3 === 0
        ? { id: `n${i}`, type: 'execution.http', params: { url: `https://example.org/{{ $nodes.${source}.output.id }}`, method: 'POST', body: '{{ $input }}' }, position: { x: i * 10, y: 0 } }
        : { id: `n${i}`, type: 'analysis.transform', params: { expression: `$input.value + ${i}` }, position: { x: i * 10, y: 0 } },
    );
    edges.push({ id: `e${i}`, source, target: `n${i}` });
  }
  // One more edge so edges equal nodes: a second input for the last node.
  edges.push({ id: `e${n}`, source: 'n1', target: `n${n - 1}` });
  return { schemaVersion: 1, name: 'generated', nodes, edges };
}

const registry = new NodeRegistry();
const doc = generate(NODES);
const first = validateWorkflow(doc, registry);
if (!first.ok) throw new Error(`generated document is invalid: ${JSON.stringify(first.problems.slice(0, 3))}`);

for (let i = 0; i < 5; i++) validateWorkflow(doc, registry); // warm-up
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  validateWorkflow(doc, registry);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
console.log(`validate ${doc.nodes.length} nodes / ${doc.edges?.length ?? 0} edges, ${RUNS} runs`);
console.log(`  median ${at(0.5).toFixed(1)} ms   p95 ${at(0.95).toFixed(1)} ms   min ${times[0]!.toFixed(1)} ms   (goal: median ≤ 20 ms)`);

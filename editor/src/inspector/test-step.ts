import type { ExpressionScope, NodeRunView, RunMock } from '@weft/schemas';
import { inputOfTaken, topologicalOrder, upstreamOf } from '@weft/schemas/graph';

// "Run this step" and the expression preview, as pure functions of the graph and the sample data
// (the latest run, pinned outputs, a typed input), so what gets mocked is tested without a browser.
//
// A test step is one run of the saved version started with `mocks`: every node upstream of the
// selected one is mocked with its sample output (it does not run again), the selected node really
// runs, and the nodes its outputs reach are mocked with no output and no port, so nothing after
// them runs. Their side effects (an HTTP call, a sub-workflow, an approval) never fire: the run
// records them as reused with a null output, and everything further on as skipped.

/** The graph as far as a test step needs it (the document under edit satisfies it). */
export interface TestGraph {
  readonly nodes: readonly { readonly id: string }[];
  readonly edges: readonly TestEdge[];
}

/** An edge as far as a test step needs it. */
export interface TestEdge {
  readonly id: string;
  readonly source: string;
  readonly sourcePort: string;
  readonly target: string;
}

/** An output pinned on a node, used as its sample instead of the latest run's. */
export interface Pin {
  readonly output: unknown;
  /** The run it was taken from. */
  readonly runId: string | null;
  /** When it was pinned (ISO time). */
  readonly at: string;
}

/** The sample data a test step and the preview draw on. */
export interface SampleData {
  /** The latest run of the workflow, or null when there is none. */
  readonly run: { readonly id: string; readonly input: unknown; readonly nodes: readonly Pick<NodeRunView, 'id' | 'status' | 'output' | 'reused' | 'input'>[] } | null;
  readonly pins: Readonly<Record<string, Pin>>;
  /** The input the person typed for the node under test (parsed), when they typed one. */
  readonly typedInput?: { readonly value: unknown };
}

/** Where a node's sample output comes from. */
export type SampleSource = 'pinned' | 'run' | 'typed' | 'none';

/** A node's sample output and where it comes from (`none`: there is none, the output is null). */
export interface Sample {
  readonly source: SampleSource;
  readonly output: unknown;
}

/** Ports a mocked node fires when a test step must not go on past it. */
const STOP: RunMock = { output: null, ports: [] };

/** The output a node had in the latest run, when it succeeded there (a stopped node's null does not count). */
export function runOutputOf(run: SampleData['run'], nodeId: string): { readonly output: unknown } | undefined {
  const node = run?.nodes.find((n) => n.id === nodeId);
  if (!node || node.status !== 'succeeded') return undefined;
  // A node a test step stopped is recorded as reused with no output: that is not a sample.
  if (node.reused && node.output === null) return undefined;
  return { output: node.output };
}

/** A node's sample output: its pin, else its output in the latest run. */
export function sampleOf(nodeId: string, data: SampleData): Sample {
  const pin = data.pins[nodeId];
  if (pin) return { source: 'pinned', output: pin.output };
  const ran = runOutputOf(data.run, nodeId);
  return ran ? { source: 'run', output: ran.output } : { source: 'none', output: null };
}

/** The edges that can bring a node its input: every incoming edge but those from an `error` port. */
function inputEdges(edges: readonly TestEdge[], nodeId: string) {
  return edges.filter((e) => e.target === nodeId && e.sourcePort !== 'error');
}

/**
 * The input a node gets from its parents' outputs, as the engine builds it: the run input for a
 * node without incoming edges, one parent's output, or an object keyed by parent id for several.
 * Only edges whose source `has` an output count.
 */
export function inputFrom(edges: readonly TestEdge[], nodeId: string, outputOf: (id: string) => unknown, has: (id: string) => boolean, runInput: unknown): unknown {
  if (!edges.some((e) => e.target === nodeId)) return runInput;
  const taken = inputEdges(edges, nodeId).filter((e) => has(e.source));
  // Parents without a sample give nothing (unlike the engine, where no edge taken means the run input).
  if (taken.length === 0) return undefined;
  return inputOfTaken(
    taken.map((e) => e.source),
    outputOf,
    runInput,
  );
}

/** The samples of a node's ancestors, with a typed input given to its parents, and the run input. */
function samplesFor(edges: readonly TestEdge[], nodeId: string, data: SampleData) {
  const ancestors = upstreamOf(nodeId, edges);
  const parents = inputEdges(edges, nodeId);
  const typed = new Map<string, unknown>();
  let runInput: unknown = data.run ? data.run.input : {};
  const isRoot = (id: string) => !edges.some((e) => e.target === id);
  if (data.typedInput) {
    const value = data.typedInput.value;
    if (ancestors.size === 0) runInput = value;
    else if (parents.length === 1) {
      const parent = parents[0]!.source;
      typed.set(parent, value);
      // With no run to take it from, a trigger's output (the run input) is what was typed.
      if (!data.run && isRoot(parent)) runInput = value;
    } else {
      const byParent = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      for (const e of parents) typed.set(e.source, byParent[e.source] ?? null);
    }
  }
  const samples = new Map<string, Sample>();
  for (const id of ancestors) samples.set(id, typed.has(id) ? { source: 'typed', output: typed.get(id) } : sampleOf(id, data));
  return { ancestors, samples, runInput };
}

/** What "run this step" sends and what it tells the person before they start it. */
export interface TestStepPlan {
  /** The run input. */
  readonly input: unknown;
  /** The mocks of the run: upstream nodes with their samples, and the nodes where the run stops. */
  readonly mocks: Readonly<Record<string, RunMock>>;
  /** Upstream nodes, sources first, with where each one's sample comes from. */
  readonly upstream: readonly { readonly id: string; readonly source: SampleSource }[];
  /** Upstream nodes without a sample: their output is null in the test. */
  readonly missing: readonly string[];
  /** Nodes the run reaches after this one (or beside it) that are mocked to stop it there. */
  readonly stopped: readonly string[];
  /** Why the step cannot be tested this way, when it cannot. */
  readonly problem?: string;
}

/**
 * Plans a test run of `nodeId`: which nodes are mocked with what, and the run input.
 * @example planTestStep(doc, 'call', { run: latest, pins: {} }).mocks // { start: {...}, shape: {...}, result: { output: null, ports: [] } }
 */
export function planTestStep(graph: TestGraph, nodeId: string, data: SampleData): TestStepPlan {
  let order: string[];
  try {
    order = topologicalOrder(graph.nodes, graph.edges);
  } catch {
    return { input: {}, mocks: {}, upstream: [], missing: [], stopped: [], problem: 'The graph has a cycle: fix it first.' };
  }
  const { ancestors, samples, runInput } = samplesFor(graph.edges, nodeId, data);
  const inScope = new Set([...ancestors, nodeId]);
  const mocks: Record<string, RunMock> = {};
  const upstream: { id: string; source: SampleSource }[] = [];
  const missing: string[] = [];
  // Which nodes the run starts: those without incoming edges, then every node an edge reaches
  // from a started node through a port that fires.
  const reached = new Set<string>();
  const fires = new Map<string, Set<string>>();
  for (const id of order) {
    if (!inScope.has(id)) continue;
    const incoming = graph.edges.filter((e) => e.target === id);
    const starts = incoming.length === 0 || incoming.some((e) => reached.has(e.source) && fires.get(e.source)?.has(e.sourcePort));
    if (starts) reached.add(id);
    if (id === nodeId) continue;
    // Only the ports on the way to the node under test fire: a branch's other side stays skipped.
    // A mocked node never fires its `error` port (the engine's rule for mocks).
    const ports = [...new Set(graph.edges.filter((e) => e.source === id && inScope.has(e.target) && e.sourcePort !== 'error').map((e) => e.sourcePort))];
    fires.set(id, new Set(ports));
    const sample = samples.get(id)!;
    mocks[id] = { output: sample.output ?? null, ports };
    upstream.push({ id, source: sample.source });
    if (sample.source === 'none') missing.push(id);
  }
  // Everything else the run would start is mocked to stop there: the targets of the node under
  // test (any port: it really runs), the other targets of fired ports, and other starting nodes.
  const stopped = graph.nodes
    .map((n) => n.id)
    .filter((id) => {
      if (inScope.has(id)) return false;
      const incoming = graph.edges.filter((e) => e.target === id);
      return incoming.length === 0 || incoming.some((e) => e.source === nodeId || (reached.has(e.source) && fires.get(e.source)?.has(e.sourcePort)));
    });
  for (const id of stopped) mocks[id] = STOP;
  const problem = reached.has(nodeId) ? undefined : 'The run cannot reach this node with its upstream nodes mocked (it is reached only through an error port).';
  return { input: runInput, mocks, upstream, missing, stopped, ...(problem ? { problem } : {}) };
}

/** The input the node under test gets in a test step (typed, or built from its parents' samples). */
export function sampleInputOf(edges: readonly TestEdge[], nodeId: string, data: SampleData): unknown {
  if (data.typedInput) return data.typedInput.value;
  const { samples, runInput } = samplesFor(edges, nodeId, data);
  return inputFrom(edges, nodeId, (id) => samples.get(id)?.output, (id) => samples.has(id), runInput);
}

/**
 * What the node's expressions see in a preview: its input and its upstream nodes' outputs from
 * the sample data (pins first, then the latest run), `$run` of the latest run, and `$output` (the
 * node's own sample, for its undo request). `$env` is the server's: it is empty here.
 */
export function previewScope(edges: readonly TestEdge[], nodeId: string, data: SampleData, workflowId: string | null): ExpressionScope {
  const { samples, runInput } = samplesFor(edges, nodeId, data);
  const known = new Map([...samples].filter(([, s]) => s.source !== 'none'));
  const nodes = Object.fromEntries([...known].map(([id, s]) => [id, { output: s.output }]));
  let input = data.typedInput ? data.typedInput.value : inputFrom(edges, nodeId, (id) => known.get(id)?.output, (id) => known.has(id), runInput);
  // No parent has a sample: what the node got in the latest run, if it ran.
  if (input === undefined) input = data.run?.nodes.find((n) => n.id === nodeId)?.input ?? undefined;
  const own = sampleOf(nodeId, data);
  return {
    input,
    nodes,
    run: { ...(data.run ? { id: data.run.id } : {}), ...(workflowId ? { workflowId } : {}), input: runInput },
    env: {},
    ...(own.source === 'none' ? {} : { output: own.output }),
  };
}

import { describe, expect, it } from 'vitest';
import { inputFrom, planTestStep, previewScope, sampleInputOf, sampleOf, type SampleData, type TestGraph } from './test-step';

const edge = (source: string, target: string, sourcePort = 'out') => ({ id: `${source}-${sourcePort}-${target}`, source, sourcePort, target });
const graph = (ids: string[], edges: ReturnType<typeof edge>[]): TestGraph => ({ nodes: ids.map((id) => ({ id })), edges });
const ran = (id: string, output: unknown, extra: { status?: 'succeeded' | 'failed' | 'skipped'; reused?: boolean; input?: unknown } = {}) => ({
  id,
  status: extra.status ?? ('succeeded' as const),
  output,
  ...(extra.reused ? { reused: true } : {}),
  input: extra.input ?? null,
});

// trigger → transform → http → output, as a person builds it first.
const LINE = graph(['start', 'shape', 'call', 'result'], [edge('start', 'shape'), edge('shape', 'call'), edge('call', 'result')]);
const LATEST: SampleData['run'] = {
  id: 'run-1',
  input: { title: 'Printer jam' },
  nodes: [ran('start', { title: 'Printer jam' }), ran('shape', { ticket: 'Printer jam' }), ran('call', { status: 200, body: 'ok' }), ran('result', 'done')],
};

describe('planning a test of one step', () => {
  it('mocks every upstream node with its latest output, runs the node, and stops the run after it', () => {
    const plan = planTestStep(LINE, 'call', { run: LATEST, pins: {} });
    expect(plan.mocks).toEqual({
      start: { output: { title: 'Printer jam' }, ports: ['out'] },
      shape: { output: { ticket: 'Printer jam' }, ports: ['out'] },
      result: { output: null, ports: [] },
    });
    expect(plan.mocks).not.toHaveProperty('call');
    expect(plan.input).toEqual({ title: 'Printer jam' });
    expect(plan.upstream).toEqual([
      { id: 'start', source: 'run' },
      { id: 'shape', source: 'run' },
    ]);
    expect(plan.stopped).toEqual(['result']);
    expect(plan.missing).toEqual([]);
    expect(plan.problem).toBeUndefined();
  });

  it('takes a pinned output before the latest run', () => {
    const plan = planTestStep(LINE, 'call', { run: LATEST, pins: { shape: { output: { ticket: 'Pinned' }, runId: 'run-0', at: '2026-01-01T00:00:00Z' } } });
    expect(plan.mocks['shape']).toEqual({ output: { ticket: 'Pinned' }, ports: ['out'] });
    expect(plan.upstream.find((u) => u.id === 'shape')?.source).toBe('pinned');
  });

  it('fires only the ports on the way to the node, and stops side branches the run would start', () => {
    // start → check (true → yes, false → no); start → log; a second trigger elsewhere.
    const g = graph(['start', 'check', 'yes', 'no', 'log', 'later', 'other'], [edge('start', 'check'), edge('check', 'yes', 'true'), edge('check', 'no', 'false'), edge('start', 'log'), edge('yes', 'later')]);
    const plan = planTestStep(g, 'yes', { run: { id: 'r', input: {}, nodes: [ran('start', {}), ran('check', { a: 1 })] }, pins: {} });
    expect(plan.mocks['check']).toEqual({ output: { a: 1 }, ports: ['true'] });
    // `log` is started by start's `out`, `later` by the node under test, `other` by the run itself.
    expect(plan.stopped).toEqual(['log', 'later', 'other']);
    // `no` is behind a port that does not fire: it is skipped without a mock.
    expect(plan.mocks).not.toHaveProperty('no');
  });

  it('stops whatever the node under test reaches through any port, its error port too', () => {
    const g = graph(['start', 'call', 'ok', 'oops'], [edge('start', 'call'), edge('call', 'ok'), edge('call', 'oops', 'error')]);
    expect(planTestStep(g, 'call', { run: null, pins: {} }).stopped).toEqual(['ok', 'oops']);
  });

  it('gives null for upstream nodes without a sample and names them', () => {
    const plan = planTestStep(LINE, 'call', { run: null, pins: {} });
    expect(plan.mocks['shape']).toEqual({ output: null, ports: ['out'] });
    expect(plan.missing).toEqual(['start', 'shape']);
    expect(plan.input).toEqual({});
  });

  it('gives a typed input to the only parent, and to the run input when that parent is the trigger and there is no run', () => {
    const typedInput = { value: { title: 'Typed' } };
    const call = planTestStep(LINE, 'call', { run: null, pins: {}, typedInput });
    expect(call.mocks['shape']).toEqual({ output: { title: 'Typed' }, ports: ['out'] });
    expect(call.upstream).toContainEqual({ id: 'shape', source: 'typed' });
    expect(call.input).toEqual({});
    const shape = planTestStep(LINE, 'shape', { run: null, pins: {}, typedInput });
    expect(shape.mocks['start']).toEqual({ output: { title: 'Typed' }, ports: ['out'] });
    expect(shape.input).toEqual({ title: 'Typed' });
  });

  it('splits a typed input by parent id for a node with several inputs', () => {
    const g = graph(['a', 'b', 'join'], [edge('a', 'join'), edge('b', 'join')]);
    const plan = planTestStep(g, 'join', { run: null, pins: {}, typedInput: { value: { a: 1 } } });
    expect(plan.mocks['a']).toEqual({ output: 1, ports: ['out'] });
    expect(plan.mocks['b']).toEqual({ output: null, ports: ['out'] });
  });

  it('tests a trigger with the typed input as the run input', () => {
    const plan = planTestStep(LINE, 'start', { run: LATEST, pins: {}, typedInput: { value: { title: 'Other' } } });
    expect(plan.input).toEqual({ title: 'Other' });
    expect(plan.mocks).toEqual({ shape: { output: null, ports: [] } });
  });

  it('refuses a node the run reaches only through an error port, and a graph with a cycle', () => {
    const viaError = graph(['start', 'call', 'fix'], [edge('start', 'call'), edge('call', 'fix', 'error')]);
    expect(planTestStep(viaError, 'fix', { run: null, pins: {} }).problem).toMatch(/error port/);
    const cycle = graph(['a', 'b'], [edge('a', 'b'), edge('b', 'a')]);
    expect(planTestStep(cycle, 'a', { run: null, pins: {} }).problem).toMatch(/cycle/);
  });
});

describe('sample outputs', () => {
  it('skip nodes that failed, and nodes an earlier test stopped (reused with no output)', () => {
    const run = { id: 'r', input: {}, nodes: [ran('a', null, { reused: true }), ran('b', { x: 1 }, { reused: true }), ran('c', 'x', { status: 'failed' })] };
    expect(sampleOf('a', { run, pins: {} }).source).toBe('none');
    expect(sampleOf('b', { run, pins: {} })).toEqual({ source: 'run', output: { x: 1 } });
    expect(sampleOf('c', { run, pins: {} }).source).toBe('none');
  });

  it('build a node’s input as the engine does: one parent’s output, or an object by parent id', () => {
    const g = graph(['a', 'b', 'join'], [edge('a', 'join'), edge('b', 'join'), edge('a', 'join', 'error')]);
    const outputs: Record<string, unknown> = { a: 1, b: 2 };
    const all = () => true;
    expect(inputFrom(g.edges, 'join', (id) => outputs[id], all, 'run input')).toEqual({ a: 1, b: 2 });
    expect(inputFrom(g.edges, 'join', (id) => outputs[id], (id) => id === 'b', 'run input')).toBe(2);
    expect(inputFrom(g.edges, 'a', (id) => outputs[id], all, 'run input')).toBe('run input');
    expect(sampleInputOf(LINE.edges, 'call', { run: LATEST, pins: {} })).toEqual({ ticket: 'Printer jam' });
  });
});

describe('the preview scope', () => {
  it('holds the node’s input, its upstream outputs, the run input and its own output', () => {
    const scope = previewScope(LINE.edges, 'call', { run: LATEST, pins: { shape: { output: { ticket: 'Pinned' }, runId: null, at: '' } } }, 'wf-1');
    expect(scope.input).toEqual({ ticket: 'Pinned' });
    expect(scope.nodes).toEqual({ start: { output: { title: 'Printer jam' } }, shape: { output: { ticket: 'Pinned' } } });
    expect(scope.run).toEqual({ id: 'run-1', workflowId: 'wf-1', input: { title: 'Printer jam' } });
    expect(scope.output).toEqual({ status: 200, body: 'ok' });
  });

  it('leaves out nodes without a sample and falls back to the input the node got in the latest run', () => {
    const run = { id: 'r', input: {}, nodes: [ran('call', null, { status: 'failed', input: { got: 1 } })] };
    const scope = previewScope(LINE.edges, 'call', { run, pins: {} }, null);
    expect(scope.nodes).toEqual({});
    expect(scope.input).toEqual({ got: 1 });
    expect(scope).not.toHaveProperty('output');
  });

  it('uses a typed input as the node’s input', () => {
    expect(previewScope(LINE.edges, 'call', { run: LATEST, pins: {}, typedInput: { value: 7 } }, null).input).toBe(7);
  });
});

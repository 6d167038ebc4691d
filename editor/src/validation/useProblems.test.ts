import { afterEach, describe, expect, it, vi } from 'vitest';
import { useDocumentStore } from '../store/document-store';
import { testCatalog } from './test-catalog';
import { currentProblems, DEBOUNCE_NODES, onlyMoved, watchProblems } from './useProblems';

const at = { x: 0, y: 0 };
const trigger = { id: 'start', type: 'control.trigger', params: {}, position: at };
const transform = (id: string, timeoutMs = 10) => ({ id, type: 'analysis.transform', params: { expression: '$', timeoutMs }, position: at });

function setTimeoutOf(id: string, timeoutMs: number) {
  useDocumentStore.getState().edit('edit Time limit', (doc) => ({ ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, timeoutMs } } : n)) }));
}

afterEach(() => vi.useRealTimers());

describe('watchProblems', () => {
  it('revalidates on every edit and keeps unchanged node lists', () => {
    const catalog = testCatalog();
    useDocumentStore.getState().load({ schemaVersion: 1, name: 'T', nodes: [trigger, transform('a'), transform('b')], edges: [] });
    const stop = watchProblems(catalog);
    try {
      const unreachableB = currentProblems().byNode.get('b');
      expect(currentProblems().errors).toBe(0);
      setTimeoutOf('a', 0);
      expect(currentProblems().errors).toBe(1);
      expect(currentProblems().byNode.get('a')!.map((p) => p.code)).toContain('invalid_params');
      expect(currentProblems().byNode.get('b')).toBe(unreachableB);
      setTimeoutOf('a', 5);
      expect(currentProblems().errors).toBe(0);
    } finally {
      stop();
    }
    // Stopped: edits no longer revalidate.
    setTimeoutOf('a', 0);
    expect(currentProblems().errors).toBe(0);
  });

  it('waits for a pause in edits on big documents', () => {
    vi.useFakeTimers();
    const nodes = [trigger, ...Array.from({ length: DEBOUNCE_NODES + 1 }, (_, i) => transform(`n${i}`))];
    const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: 'start', sourcePort: 'out', target: n.id, targetPort: 'in' }));
    useDocumentStore.getState().load({ schemaVersion: 1, name: 'Big', nodes, edges });
    const stop = watchProblems(testCatalog());
    try {
      expect(currentProblems().errors).toBe(0);
      setTimeoutOf('n3', 0);
      setTimeoutOf('n4', 0);
      expect(currentProblems().errors).toBe(0);
      vi.advanceTimersByTime(200);
      expect(currentProblems().errors).toBe(2);
    } finally {
      stop();
    }
  });

  it('keeps the problems of a document whose nodes only moved, without validating it again', () => {
    useDocumentStore.getState().load({ schemaVersion: 1, name: 'T', nodes: [trigger, transform('a', 0)], edges: [] });
    const stop = watchProblems(testCatalog());
    try {
      const before = currentProblems();
      expect(before.errors).toBe(1);
      useDocumentStore.getState().edit('Move node', (doc) => ({ ...doc, nodes: doc.nodes.map((n) => (n.id === 'a' ? { ...n, position: { x: 40, y: 80 } } : n)) }));
      expect(currentProblems().problems).toBe(before.problems);
      expect(currentProblems().byNode).toBe(before.byNode);
      setTimeoutOf('a', 5);
      expect(currentProblems().errors).toBe(0);
    } finally {
      stop();
    }
  });
});

describe('onlyMoved', () => {
  const a = transform('a');
  const doc = { schemaVersion: 1 as const, name: 'T', nodes: [trigger, a], edges: [] };
  const moved = (position: unknown) => ({ ...doc, nodes: [trigger, { ...a, position: position as { x: number; y: number } }] });

  it('tells a move from an edit', () => {
    expect(onlyMoved(doc, moved({ x: 3, y: 4 }))).toBe(true);
    expect(onlyMoved(doc, { ...doc, nodes: [trigger, transform('a', 20)] })).toBe(false);
    expect(onlyMoved(doc, { ...doc, name: 'U' })).toBe(false);
    expect(onlyMoved(doc, { ...doc, nodes: [trigger] })).toBe(false);
    expect(onlyMoved(doc, { ...doc, nodes: [trigger, { ...a, label: 'A' }] })).toBe(false);
  });

  it('does not take a position the validator would refuse for a move', () => {
    expect(onlyMoved(doc, moved({ x: Number.NaN, y: 0 }))).toBe(false);
    expect(onlyMoved(doc, moved({ x: 1, y: 2, z: 3 }))).toBe(false);
    expect(onlyMoved(doc, moved(null))).toBe(false);
  });
});

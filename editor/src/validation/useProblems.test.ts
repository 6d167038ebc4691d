import { afterEach, describe, expect, it, vi } from 'vitest';
import { useDocumentStore } from '../store/document-store';
import { testCatalog } from './test-catalog';
import { currentProblems, DEBOUNCE_NODES, watchProblems } from './useProblems';

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
});

import type { WorkflowNode } from '@weft/schemas';
import { beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, useDocumentStore } from './document-store';

const node = (id: string, x = 0): WorkflowNode => ({ id, type: 'analysis.transform', params: { expression: '1' }, position: { x, y: 0 } });
const store = () => useDocumentStore.getState();
const addNode = (id: string) => store().edit(`add ${id}`, (d) => ({ ...d, nodes: [...d.nodes, node(id)] }));

describe('document store', () => {
  beforeEach(() => store().load({ schemaVersion: 1, name: 'wf', nodes: [node('start')], edges: [] }, { workflowId: 'wf_1', version: 3 }));

  it('records edits for undo and redo, and a new edit drops the redo branch', () => {
    addNode('a');
    addNode('b');
    expect(store().doc.nodes.map((n) => n.id)).toEqual(['start', 'a', 'b']);
    store().undo();
    store().undo();
    expect(store().doc.nodes.map((n) => n.id)).toEqual(['start']);
    store().redo();
    expect(store().doc.nodes.map((n) => n.id)).toEqual(['start', 'a']);
    addNode('c');
    expect(store().future).toHaveLength(0);
    store().redo();
    expect(store().doc.nodes.map((n) => n.id)).toEqual(['start', 'a', 'c']);
  });

  it('records nothing when a recipe returns the document unchanged', () => {
    store().edit('nothing', (d) => d);
    expect(store().past).toHaveLength(0);
  });

  it('knows when there are unsaved changes, and forgets them on save', () => {
    expect(store().doc).toBe(store().saved);
    addNode('a');
    expect(store().doc).not.toBe(store().saved);
    store().markSaved('wf_1', 4);
    expect(store()).toMatchObject({ version: 4, saved: store().doc });
  });

  it('keeps a node index that changes only for the nodes that changed', () => {
    const before = store().nodeById;
    store().edit('edge', (d) => ({ ...d, edges: [{ id: 'e', source: 'start', sourcePort: 'out', target: 'start', targetPort: 'in' }] }));
    expect(store().nodeById).toBe(before);
    addNode('a');
    expect(store().nodeById.get('a')?.id).toBe('a');
    expect(store().nodeById.get('start')).toBe(before.get('start'));
  });

  it('drops the selection of nodes an undo removes, and focuses fields with a fresh sequence number', () => {
    addNode('a');
    store().select(['a', 'start']);
    store().undo();
    expect(store().selectedNodes).toEqual(['start']);
    store().focusField('start', '$.params.expression');
    const first = store().focus!.seq;
    store().focusField('start', '$.params.expression');
    expect(store().focus).toMatchObject({ nodeId: 'start', path: '$.params.expression', seq: first + 1 });
  });

  it('drops a deleted node from the selection, and keeps the selection itself when nothing selected is gone', () => {
    addNode('a');
    addNode('b');
    store().select(['a']);
    const kept = store().selectedNodes;
    store().edit('label b', (d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === 'b' ? { ...n, label: 'B' } : n)) }));
    expect(store().selectedNodes).toBe(kept);
    store().edit('delete a', (d) => ({ ...d, nodes: d.nodes.filter((n) => n.id !== 'a') }));
    expect(store().selectedNodes).toEqual([]);
  });

  it('makes the keystrokes of one field one undo step, until the field is left', () => {
    const label = (text: string) => store().edit('edit label', (d) => ({ ...d, nodes: d.nodes.map((n) => ({ ...n, label: text })) }), 'start:label');
    label('H');
    label('He');
    label('Hello');
    expect(store().past).toHaveLength(1);
    store().endGroup();
    label('Hello!');
    expect(store().past).toHaveLength(2);
    store().undo();
    expect(store().doc.nodes[0]!.label).toBe('Hello');
    store().undo();
    expect(store().doc.nodes[0]!.label).toBeUndefined();
  });

  it('remembers at most HISTORY_LIMIT edits', () => {
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) addNode(`n${i}`);
    expect(store().past).toHaveLength(HISTORY_LIMIT);
  });
});

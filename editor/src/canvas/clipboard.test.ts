import { describe, expect, it } from 'vitest';
import type { EditableWorkflow } from '../store/document-store';
import { copySelection, parsePayload, pastePayload } from './clipboard';

const source: EditableWorkflow = {
  schemaVersion: 1,
  name: 'from',
  nodes: [
    { id: 'start', type: 'control.trigger', params: {}, position: { x: 0, y: 0 } },
    { id: 'fetch_1', type: 'execution.http', params: { url: 'https://example.org' }, position: { x: 100, y: 50 } },
    { id: 'shape', type: 'analysis.transform', params: { expression: '$' }, position: { x: 300, y: 50 } },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'out', target: 'fetch_1', targetPort: 'in' },
    { id: 'e2', source: 'fetch_1', sourcePort: 'out', target: 'shape', targetPort: 'in', when: '$.ok' },
  ],
};

describe('copy and paste', () => {
  it('copies the selected nodes and only the edges between them', () => {
    const payload = copySelection(source, ['fetch_1', 'shape']);
    expect(payload?.nodes.map((n) => n.id)).toEqual(['fetch_1', 'shape']);
    expect(payload?.edges.map((e) => e.id)).toEqual(['e2']);
    expect(copySelection(source, ['gone'])).toBeNull();
  });

  it('survives a trip through clipboard text and refuses other text', () => {
    const payload = copySelection(source, ['shape'])!;
    expect(parsePayload(JSON.stringify(payload))).toEqual(payload);
    expect(parsePayload('hello')).toBeNull();
    expect(parsePayload('{"nodes":[],"edges":[]}')).toBeNull();
  });

  it('pastes with fresh ids, offset positions and edges remapped to the copies', () => {
    const payload = copySelection(source, ['fetch_1', 'shape'])!;
    const { doc, ids } = pastePayload(source, payload, { x: 40, y: 40 });
    expect(ids).toEqual(['fetch_2', 'shape_1']);
    expect(doc.nodes.slice(3).map((n) => [n.id, n.position])).toEqual([
      ['fetch_2', { x: 140, y: 90 }],
      ['shape_1', { x: 340, y: 90 }],
    ]);
    expect(doc.edges.at(-1)).toEqual({ id: 'e_1', source: 'fetch_2', sourcePort: 'out', target: 'shape_1', targetPort: 'in', when: '$.ok' });
    // The originals are untouched, and the copy's params are its own.
    expect(doc.nodes.slice(0, 3)).toEqual(source.nodes);
    expect(doc.nodes[3]!.params).not.toBe(source.nodes[1]!.params);
  });

  it('pastes into another workflow keeping ids that are free there', () => {
    const other: EditableWorkflow = { schemaVersion: 1, name: 'to', nodes: [], edges: [] };
    const { doc } = pastePayload(other, copySelection(source, ['start', 'fetch_1'])!, { x: 0, y: 0 });
    expect(doc.nodes.map((n) => n.id)).toEqual(['start_1', 'fetch_1']);
    expect(doc.edges).toEqual([{ id: 'e_1', source: 'start_1', sourcePort: 'out', target: 'fetch_1', targetPort: 'in' }]);
  });
});

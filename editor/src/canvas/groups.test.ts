import { describe, expect, it } from 'vitest';
import type { EditableWorkflow } from '../store/document-store';
import { frameBox, groupNodes, setCollapsed, ungroup } from './groups';

const base: EditableWorkflow = {
  schemaVersion: 1,
  name: 'w',
  nodes: ['a', 'b', 'c'].map((id, i) => ({ id, type: 'analysis.transform', params: {}, position: { x: i * 100, y: 0 } })),
  edges: [],
};

describe('groups', () => {
  it('groups the selected nodes in a new frame, taking them out of other groups', () => {
    const first = groupNodes(base, ['a', 'b'])!;
    expect(first.doc.groups).toEqual([{ id: 'group_1', label: 'Group', nodes: ['a', 'b'], collapsed: false }]);
    const second = groupNodes(first.doc, ['b', 'c', 'missing'])!;
    expect(second.doc.groups).toEqual([
      { id: 'group_1', label: 'Group', nodes: ['a'], collapsed: false },
      { id: 'group_2', label: 'Group', nodes: ['b', 'c'], collapsed: false },
    ]);
    expect(groupNodes(base, ['missing'])).toBeNull();
  });

  it('collapses, expands and ungroups', () => {
    const { doc, id } = groupNodes(base, ['a'])!;
    const collapsed = setCollapsed(doc, id, true);
    expect(collapsed.groups?.[0]?.collapsed).toBe(true);
    expect(setCollapsed(collapsed, id, true)).toBe(collapsed);
    expect(ungroup(collapsed, id).groups).toBeUndefined();
    expect(ungroup(collapsed, 'nope')).toBe(collapsed);
  });

  it('frames the box of its nodes with padding', () => {
    const box = (id: string) => ({ a: { x: 0, y: 0, width: 100, height: 50 }, b: { x: 200, y: 100, width: 100, height: 50 } })[id];
    expect(frameBox(['a', 'b', 'gone'], box)).toEqual({ x: -24, y: -44, width: 348, height: 218 });
    expect(frameBox(['gone'], box)).toBeNull();
  });
});

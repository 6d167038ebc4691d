import type { Node, NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useDocumentStore } from '../store/document-store';
import { setCollapsed, ungroup } from './groups';
import './canvas.css';

/** What a group frame draws. */
export type FrameData = { readonly label: string; readonly count: number; readonly collapsed: boolean };

/** A group frame on the canvas; its id is the group's. */
export type FrameNode = Node<FrameData, 'frame'>;

/** A frame around a group of nodes, with its title, a collapse toggle and "Ungroup". */
function GroupFrame({ id, data }: NodeProps<FrameNode>) {
  const toggle = () => useDocumentStore.getState().edit(data.collapsed ? 'Expand group' : 'Collapse group', (doc) => setCollapsed(doc, id, !data.collapsed));
  const remove = () => useDocumentStore.getState().edit('Ungroup', (doc) => ungroup(doc, id));
  const rename = (label: string) => {
    const trimmed = label.trim();
    if (!trimmed || trimmed === data.label) return;
    useDocumentStore.getState().edit('Rename group', (doc) => ({ ...doc, groups: (doc.groups ?? []).map((g) => (g.id === id ? { ...g, label: trimmed } : g)) }));
  };

  return (
    <div className={`frame${data.collapsed ? ' frame--collapsed' : ''}`} data-testid={`group-${id}`}>
      <div className="frame__head">
        <button type="button" className="frame__toggle nodrag" onClick={toggle} aria-expanded={!data.collapsed} aria-label={`${data.collapsed ? 'Expand' : 'Collapse'} group ${data.label}`}>
          <span aria-hidden="true">{data.collapsed ? '▸' : '▾'}</span>
        </button>
        <input
          key={data.label}
          className="frame__label nodrag"
          defaultValue={data.label}
          aria-label="Group name"
          onBlur={(e) => rename(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
          }}
        />
        <span className="frame__count muted">
          {data.count} node{data.count === 1 ? '' : 's'}
        </span>
        <button type="button" className="frame__ungroup nodrag" onClick={remove}>
          Ungroup
        </button>
      </div>
    </div>
  );
}

export default memo(GroupFrame);

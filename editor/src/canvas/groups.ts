import type { NodeGroup } from '@weft/schemas';
import type { EditableWorkflow } from '../store/document-store';
import { freshId } from './graph-edit';

// Groups are layout only (`groups` in the document, outside the content hash): a frame drawn
// around some nodes, which can be collapsed to hide them.

type GroupInput = NonNullable<EditableWorkflow['groups']>[number];

/** A group with its defaults filled in. */
export function groupOf(g: GroupInput): NodeGroup {
  return { id: g.id, label: g.label ?? 'Group', nodes: g.nodes, collapsed: g.collapsed ?? false };
}

/** Puts the nodes `ids` in a new group (taking them out of any other); null when fewer than one node exists. */
export function groupNodes(doc: EditableWorkflow, ids: readonly string[], label = 'Group'): { doc: EditableWorkflow; id: string } | null {
  const existing = new Set(doc.nodes.map((n) => n.id));
  const members = ids.filter((id) => existing.has(id));
  if (members.length === 0) return null;
  const taken = new Set([...(doc.groups ?? []).map((g) => g.id), ...existing]);
  const id = freshId('group', taken);
  const moved = new Set(members);
  const others = (doc.groups ?? []).map((g) => ({ ...g, nodes: g.nodes.filter((n) => !moved.has(n)) })).filter((g) => g.nodes.length > 0);
  return { doc: { ...doc, groups: [...others, { id, label, nodes: members, collapsed: false }] }, id };
}

/** Removes a group; its nodes stay. */
export function ungroup(doc: EditableWorkflow, groupId: string): EditableWorkflow {
  if (!doc.groups?.some((g) => g.id === groupId)) return doc;
  const groups = doc.groups.filter((g) => g.id !== groupId);
  const next: EditableWorkflow = { ...doc, groups };
  if (groups.length === 0) delete next.groups;
  return next;
}

/** Collapses or expands a group. */
export function setCollapsed(doc: EditableWorkflow, groupId: string, collapsed: boolean): EditableWorkflow {
  if (!doc.groups?.some((g) => g.id === groupId && (g.collapsed ?? false) !== collapsed)) return doc;
  return { ...doc, groups: doc.groups.map((g) => (g.id === groupId ? { ...g, collapsed } : g)) };
}

/** Padding between a frame and the nodes inside it, and room for its title. */
export const FRAME_PAD = { x: 24, top: 44, bottom: 24 } as const;
/** Size assumed for a node not yet measured. */
export const NODE_SIZE = { width: 220, height: 84 } as const;

/** The rectangle a frame covers: its nodes' box plus padding. Null when none of its nodes exists. */
export function frameBox(
  memberIds: readonly string[],
  box: (id: string) => { x: number; y: number; width: number; height: number } | undefined,
): { x: number; y: number; width: number; height: number } | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const id of memberIds) {
    const b = box(id);
    if (!b) continue;
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  if (x0 === Infinity) return null;
  return { x: x0 - FRAME_PAD.x, y: y0 - FRAME_PAD.top, width: x1 - x0 + 2 * FRAME_PAD.x, height: y1 - y0 + FRAME_PAD.top + FRAME_PAD.bottom };
}

import type { NodeTypeView } from '@weft/schemas';

/** The data type a palette item carries in an HTML5 drag: the node type id. */
export const NODE_TYPE_MIME = 'application/weft-node-type';

/** One heading of the palette and its node types. */
export interface PaletteSection {
  readonly category: string;
  readonly types: readonly NodeTypeView[];
}

/**
 * Node types matching `query` (every word in the title, type id, category or description,
 * ignoring case), grouped by category; categories and types sorted by name.
 */
export function paletteSections(types: readonly NodeTypeView[], query: string): PaletteSection[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const byCategory = new Map<string, NodeTypeView[]>();
  for (const t of types) {
    const text = `${t.title} ${t.type} ${t.category} ${t.description}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    const list = byCategory.get(t.category);
    if (list) list.push(t);
    else byCategory.set(t.category, [t]);
  }
  return [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => ({ category, types: [...list].sort((a, b) => a.title.localeCompare(b.title)) }));
}

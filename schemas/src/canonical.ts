import type { Workflow } from './workflow.js';

/**
 * JSON with object keys sorted at every level, so equal values always serialise to equal text.
 * `undefined` members are dropped, as in `JSON.stringify`.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The part of a document that decides behaviour: everything but layout (node positions,
 * groups), labels and the editor hint `$schema`. Its canonical JSON is what a version's content hash covers.
 */
export function behaviouralContent(doc: Workflow): unknown {
  const { $schema: _schema, groups: _groups, ...rest } = doc;
  return {
    ...rest,
    nodes: doc.nodes.map(({ position: _position, label: _label, ...rest }) => rest),
  };
}

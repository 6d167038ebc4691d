import { editable, type EditableWorkflow } from '../store/document-store';

/** A file name for an exported document: the workflow's name, made safe. */
export function exportFileName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workflow'}.json`;
}

/**
 * Reads an exported document from file text. Only the outline is checked here (an object with a
 * name and a list of nodes); the validator and the API report anything else, as for any edit.
 */
export function readImport(text: string): { ok: true; doc: EditableWorkflow } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the file is not JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'the file does not hold a workflow document' };
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v['nodes'])) return { ok: false, error: 'the document has no list of nodes' };
  if (typeof v['name'] !== 'string') return { ok: false, error: 'the document has no name' };
  if (v['edges'] !== undefined && !Array.isArray(v['edges'])) return { ok: false, error: 'the document’s edges are not a list' };
  return { ok: true, doc: editable(value as Parameters<typeof editable>[0]) };
}

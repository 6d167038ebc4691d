import type { EditableWorkflow } from '../store/document-store';

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Why `next` cannot become the id of node `current`, or undefined when it can. */
export function idProblem(doc: Pick<EditableWorkflow, 'nodes'>, current: string, next: string): string | undefined {
  if (next === current) return undefined;
  if (!IDENTIFIER.test(next)) return 'An id is a letter followed by up to 63 letters, digits, _ or -.';
  if (doc.nodes.some((n) => n.id === next)) return `Another node already has the id "${next}".`;
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function renameInStrings(value: unknown, pattern: RegExp, to: string): unknown {
  if (typeof value === 'string') return value.replace(pattern, `$nodes.${to}`);
  if (Array.isArray(value)) {
    const next = value.map((v) => renameInStrings(v, pattern, to));
    return next.every((v, i) => v === value[i]) ? value : next;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      next[k] = renameInStrings(v, pattern, to);
      if (next[k] !== v) changed = true;
    }
    return changed ? next : value;
  }
  return value;
}

/**
 * The document with node `from` renamed to `to`: its edges follow, and expressions that read
 * `$nodes.<from>` (in params and edge conditions) read `$nodes.<to>`.
 */
export function renameNode(doc: EditableWorkflow, from: string, to: string): EditableWorkflow {
  if (from === to || !doc.nodes.some((n) => n.id === from)) return doc;
  // Only whole ids: renaming `a` leaves `$nodes.ab` alone.
  const pattern = new RegExp(`\\$nodes\\.${escape(from)}(?![A-Za-z0-9_-])`, 'g');
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const params = renameInStrings(n.params, pattern, to) as typeof n.params;
      if (n.id === from) return { ...n, id: to, params };
      return params === n.params ? n : { ...n, params };
    }),
    edges: doc.edges.map((e) => {
      const source = e.source === from ? to : e.source;
      const target = e.target === from ? to : e.target;
      const when = e.when === undefined ? undefined : (renameInStrings(e.when, pattern, to) as string);
      if (source === e.source && target === e.target && when === e.when) return e;
      return { ...e, source, target, ...(when === undefined ? {} : { when }) };
    }),
  };
}

import { validateWorkflow, type NodeTypeView, type Problem } from '@weft/schemas';
import type { EditableWorkflow } from '../store/document-store';
import { catalogAdapter } from './catalog';

/** Problems of one document, grouped for the canvas badges and the issues panel. */
export interface ProblemReport {
  readonly problems: readonly Problem[];
  /** Problems by the node they concern (by `nodeId`, or by the node a `$.nodes[i]` path points into). */
  readonly byNode: ReadonlyMap<string, readonly Problem[]>;
  readonly errors: number;
  readonly warnings: number;
}

const NODE_PATH = /^\$\.nodes\[(\d+)\]/;

/** The node a problem belongs to: its `nodeId`, else the node its path points into. */
export function problemNodeId(problem: Problem, doc: Pick<EditableWorkflow, 'nodes'>): string | undefined {
  if (problem.nodeId) return problem.nodeId;
  const m = NODE_PATH.exec(problem.path);
  const node = m ? doc.nodes[Number(m[1])] : undefined;
  return typeof node?.id === 'string' ? node.id : undefined;
}

/** Runs the shared validator over a document with the editor's catalog and groups the result. */
export function checkDocument(doc: EditableWorkflow, catalog: ReadonlyMap<string, NodeTypeView>): ProblemReport {
  const { problems } = validateWorkflow(doc, catalogAdapter(catalog));
  const byNode = new Map<string, Problem[]>();
  let errors = 0;
  for (const p of problems) {
    if (p.severity === 'error') errors++;
    const id = problemNodeId(p, doc);
    if (id === undefined) continue;
    const list = byNode.get(id);
    if (list) list.push(p);
    else byNode.set(id, [p]);
  }
  return { problems, byNode, errors, warnings: problems.length - errors };
}

/**
 * The node and field a problem path names, relative to the node: `$.nodes[2].params.url` →
 * `{ index: 2, path: '$.params.url' }` (the form of `FieldFocus.path`).
 */
export function splitNodePath(path: string): { index: number; path?: string } | undefined {
  const m = NODE_PATH.exec(path);
  if (!m) return undefined;
  const rest = path.slice(m[0].length);
  return { index: Number(m[1]), ...(rest ? { path: `$${rest}` } : {}) };
}

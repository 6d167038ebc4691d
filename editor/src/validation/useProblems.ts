import type { NodeTypeView, Problem } from '@weft/schemas';
import { useLayoutEffect } from 'react';
import { create } from 'zustand';
import { useDocumentStore, type EditableWorkflow } from '../store/document-store';
import { checkDocument, type ProblemReport } from './problems';

/** Documents with more nodes than this are revalidated after a pause in typing, not on every key. */
export const DEBOUNCE_NODES = 150;
const DEBOUNCE_MS = 150;

const EMPTY: readonly Problem[] = [];

interface ProblemState extends ProblemReport {
  /** The document and catalog these problems are of, so a repeated request costs nothing. */
  readonly doc: EditableWorkflow | null;
  readonly catalog: ReadonlyMap<string, NodeTypeView> | null;
}

const useProblemStore = create<ProblemState>()(() => ({ doc: null, catalog: null, problems: EMPTY, byNode: new Map(), errors: 0, warnings: 0 }));

function refresh(doc: EditableWorkflow, catalog: ReadonlyMap<string, NodeTypeView>): void {
  const s = useProblemStore.getState();
  if (s.doc === doc && s.catalog === catalog) return;
  // Where a node sits changes nothing the validator judges (beyond being two numbers), so a move
  // keeps the problems it had rather than revalidating 1,000 nodes at the end of every drag.
  if (s.doc && s.catalog === catalog && onlyMoved(s.doc, doc) && !s.problems.some((p) => POSITION_PATH.test(p.path))) {
    useProblemStore.setState({ doc });
    return;
  }
  const report = checkDocument(doc, catalog);
  // A node whose problems read the same keeps its list, so its badge does not re-render.
  const byNode = new Map<string, readonly Problem[]>();
  for (const [id, list] of report.byNode) {
    const before = s.byNode.get(id);
    byNode.set(id, before && sameProblems(before, list) ? before : list);
  }
  useProblemStore.setState({ doc, catalog, ...report, byNode });
}

const POSITION_PATH = /^\$\.nodes\[\d+\]\.position\b/;

/** Whether `next` differs from `prev` only in where some nodes are (each a finite x and y). */
export function onlyMoved(prev: EditableWorkflow, next: EditableWorkflow): boolean {
  if (!sameExcept(prev, next, 'nodes') || prev.nodes.length !== next.nodes.length) return false;
  return next.nodes.every((n, i) => {
    const before = prev.nodes[i]!;
    if (n === before) return true;
    const p = n.position as unknown;
    const placed = typeof p === 'object' && p !== null && Object.keys(p).length === 2 && Number.isFinite(n.position.x) && Number.isFinite(n.position.y);
    return placed && sameExcept(before, n, 'position');
  });
}

/** Whether two objects have the same keys holding the same values, but for `key`. */
function sameExcept<T extends object>(a: T, b: T, key: keyof T): boolean {
  const keys = Object.keys(b) as (keyof T)[];
  return keys.length === Object.keys(a).length && keys.every((k) => k === key || (Object.hasOwn(a, k) && a[k] === b[k]));
}

function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  return a.length === b.length && a.every((p, i) => p.path === b[i]!.path && p.code === b[i]!.code && p.message === b[i]!.message && p.severity === b[i]!.severity);
}

// Callers of useProblems share one subscription per catalog, so the validator runs once per change.
const watchers = new Map<ReadonlyMap<string, NodeTypeView>, { count: number; stop: () => void }>();

/** Keeps the problems current for `catalog` until the returned function is called (what useProblems does while mounted). */
export function watchProblems(catalog: ReadonlyMap<string, NodeTypeView>): () => void {
  const existing = watchers.get(catalog);
  if (existing) existing.count++;
  else {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = (doc: EditableWorkflow) => {
      clearTimeout(timer);
      if (doc.nodes.length > DEBOUNCE_NODES) timer = setTimeout(() => refresh(useDocumentStore.getState().doc, catalog), DEBOUNCE_MS);
      else refresh(doc, catalog);
    };
    // Validated at once when first asked, so a freshly loaded document never shows stale problems.
    refresh(useDocumentStore.getState().doc, catalog);
    const unsubscribe = useDocumentStore.subscribe((s, prev) => {
      if (s.doc !== prev.doc) run(s.doc);
    });
    watchers.set(catalog, {
      count: 1,
      stop: () => {
        clearTimeout(timer);
        unsubscribe();
      },
    });
  }
  return () => {
    const w = watchers.get(catalog);
    if (w && --w.count === 0) {
      w.stop();
      watchers.delete(catalog);
    }
  };
}

/**
 * Problems of the document under edit, from the shared validator with the node catalog; they
 * follow every edit (after a short pause for big documents).
 */
export function useProblems(catalog: ReadonlyMap<string, NodeTypeView>): readonly Problem[] {
  useLayoutEffect(() => watchProblems(catalog), [catalog]);
  return useProblemStore((s) => s.problems);
}

/** The current problems outside React (tests, commands). */
export function currentProblems(): ProblemReport {
  return useProblemStore.getState();
}

/** One node's problems; re-renders only when they change. */
export function useNodeProblems(nodeId: string): readonly Problem[] {
  return useProblemStore((s) => s.byNode.get(nodeId) ?? EMPTY);
}

/** How many problems one node has, for its badge on the canvas. */
export function useNodeProblemCount(nodeId: string): number {
  return useProblemStore((s) => s.byNode.get(nodeId)?.length ?? 0);
}

/** The worst severity among one node's problems, or null when it has none. */
export function useNodeProblemSeverity(nodeId: string): Problem['severity'] | null {
  return useProblemStore((s) => {
    const list = s.byNode.get(nodeId);
    if (!list?.length) return null;
    return list.some((p) => p.severity === 'error') ? 'error' : 'warning';
  });
}

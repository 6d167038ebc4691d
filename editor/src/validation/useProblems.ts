import type { NodeTypeView, Problem } from '@weft/schemas';

/**
 * Problems of the document under edit, from the shared validator with the node catalog.
 * (Placeholder until the inspector work lands: reports nothing.)
 */
export function useProblems(_catalog: ReadonlyMap<string, NodeTypeView>): readonly Problem[] {
  return [];
}

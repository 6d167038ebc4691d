import type { NodeTypeView } from '@weft/schemas';

/** The selected node's form. (Placeholder until the inspector work lands.) */
export function Inspector(_props: { readonly catalog: ReadonlyMap<string, NodeTypeView> }) {
  return null;
}

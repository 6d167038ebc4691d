import type { NodeTypeView } from '@weft/schemas';

/** Every problem of the document; a row focuses its node and field. (Placeholder until the inspector work lands.) */
export function IssuesPanel(_props: { readonly catalog: ReadonlyMap<string, NodeTypeView> }) {
  return null;
}

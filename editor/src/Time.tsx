import { formatDateTime } from './format';

/** A timestamp as a `<time>` element in the reader's locale; a dash when there is none. */
export function Time({ value }: { readonly value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <time dateTime={value}>{formatDateTime(value)}</time>;
}

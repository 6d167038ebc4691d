import { ExpressionError, evaluateExpression, hasTemplate, resolveTemplate, type ExpressionScope } from '@weft/schemas';

// The value an expression field would have, evaluated against sample data. Pure and async, so
// it runs the same in a test, in the preview worker and (without workers) on the page.

/** How a field's text is read: a bare JSONata expression, or text with `{{ }}` templates. */
export type PreviewMode = 'jsonata' | 'template';

/** The result of a preview: the value, or why there is none. */
export type Preview =
  | { readonly ok: true; readonly value: unknown }
  /** `incomplete`: the text does not parse yet (the field's own check says where), as while it is typed. */
  | { readonly ok: false; readonly error: string; readonly incomplete?: boolean };

/** The longest preview text shown; longer values end with an ellipsis. */
export const PREVIEW_MAX_CHARS = 300;

/** Whether a field's text has anything to preview (an expression, or at least one template). */
export function previewable(text: string, mode: PreviewMode): boolean {
  return mode === 'jsonata' ? text.trim() !== '' : hasTemplate(text);
}

/** Evaluates `text` in `scope`, stopping between JSONata steps after `timeoutMs`. Never throws. */
export async function evaluatePreview(text: string, mode: PreviewMode, scope: ExpressionScope, timeoutMs: number): Promise<Preview> {
  try {
    const value = mode === 'jsonata' ? await evaluateExpression(text, scope, timeoutMs) : await resolveTemplate(text, scope, timeoutMs);
    return { ok: true, value };
  } catch (e) {
    const error = describeError(e);
    return /^(cannot parse|unclosed \{\{)/.test(error) ? { ok: false, error, incomplete: true } : { ok: false, error };
  }
}

/** An expression error without the expression itself repeated in front (the field shows it). */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  let message = e.message;
  if (e instanceof ExpressionError) {
    const failed = `"${e.expression}" failed: `;
    const parse = `cannot parse "${e.expression}": `;
    if (message.startsWith(failed)) message = message.slice(failed.length);
    else if (message.startsWith(parse)) message = `cannot parse: ${message.slice(parse.length)}`;
  }
  return message;
}

/** A value on one line, as JSON, cut to `max` characters. */
export function formatPreview(value: unknown, max = PREVIEW_MAX_CHARS): string {
  if (value === undefined) return 'no value';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

import { useEffect, useMemo, useState } from 'react';
import { useDocumentStore } from '../store/document-store';
import { formatPreview, previewable, type Preview, type PreviewMode } from './preview';
import { previewExpression } from './preview-client';
import { previewScope } from './test-step';
import { useSampleData } from './useSampleData';

/** Quiet time after the last keystroke before the value is worked out again. */
export const PREVIEW_DEBOUNCE_MS = 250;
/** The longest a preview may evaluate. */
export const PREVIEW_TIMEOUT_MS = 500;

/**
 * The value an expression field would have against the sample data (pinned outputs, else the
 * latest run), shown under the field while it is typed: evaluated in a worker, a moment after
 * typing pauses, so it never holds up a keystroke.
 */
export function ExpressionPreview({ nodeId, text, mode, fieldPath }: { readonly nodeId: string; readonly text: string; readonly mode: PreviewMode; readonly fieldPath: string }) {
  const edges = useDocumentStore((s) => s.doc.edges);
  const samples = useSampleData(nodeId);
  const scope = useMemo(() => previewScope(edges, nodeId, samples.data, samples.workflowId), [edges, nodeId, samples]);
  const [shown, setShown] = useState<{ readonly text: string; readonly preview: Preview } | null>(null);
  const active = previewable(text, mode);

  useEffect(() => {
    if (!active) return;
    let current = true;
    const timer = setTimeout(() => {
      void previewExpression(text, mode, scope, PREVIEW_TIMEOUT_MS).then((preview) => {
        if (current) setShown({ text, preview });
      });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [active, text, mode, scope]);

  if (!active) return null;
  const { run, pins, typedInput } = samples.data;
  const label = run ? 'Preview (latest run):' : Object.keys(pins).length > 0 || typedInput ? 'Preview (sample data):' : 'Preview (no run yet):';
  const stale = shown?.text !== text;
  return (
    <p className="field__preview" data-testid={`preview-${fieldPath}`} data-state={!shown ? 'pending' : stale ? 'stale' : shown.preview.ok ? 'value' : 'error'}>
      <span className="field__preview-label">{label}</span>{' '}
      {shown ? (
        shown.preview.ok ? (
          <output className="field__preview-value">{formatPreview(shown.preview.value)}</output>
        ) : shown.preview.incomplete ? (
          <output className="field__preview-incomplete">not a complete expression yet</output>
        ) : (
          <output className="field__preview-error">{shown.preview.error}</output>
        )
      ) : (
        <span className="muted">…</span>
      )}
    </p>
  );
}

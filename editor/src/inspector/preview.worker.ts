import type { ExpressionScope } from '@weft/schemas';
import { evaluatePreview, type Preview, type PreviewMode } from './preview';

// Expression previews run here, off the page's thread: a slow expression never holds up typing,
// and the page stops this worker outright when one overruns its time (see preview-client.ts).

/** A preview asked of the worker. */
export interface PreviewRequest {
  readonly id: number;
  readonly text: string;
  readonly mode: PreviewMode;
  readonly scope: ExpressionScope;
  readonly timeoutMs: number;
}

/** The worker's answer to one request. */
export type PreviewAnswer = Preview & { readonly id: number };

// The DOM library types `self` as a window; inside a worker it is the worker's global scope.
const worker = self as unknown as { postMessage(message: PreviewAnswer): void; addEventListener(type: 'message', listener: (e: MessageEvent<PreviewRequest>) => void): void };

worker.addEventListener('message', (e) => {
  const { id, text, mode, scope, timeoutMs } = e.data;
  void evaluatePreview(text, mode, scope, timeoutMs).then((preview) => {
    try {
      worker.postMessage({ id, ...preview });
    } catch {
      // A value that cannot be sent back (it can, being JSON; this is belt and braces).
      worker.postMessage({ id, ok: false, error: 'the value cannot be shown' });
    }
  });
});

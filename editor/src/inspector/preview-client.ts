import type { ExpressionScope } from '@weft/schemas';
import { evaluatePreview, type Preview, type PreviewMode } from './preview';
import type { PreviewAnswer, PreviewRequest } from './preview.worker';
import PreviewWorker from './preview.worker?worker';

// One worker evaluates every preview. JSONata checks its deadline between steps; a single step
// that runs long (a huge range, a deep recursion) is stopped here by terminating the worker.

/** Extra time the worker gets past the expression's own limit before it is stopped. */
const GRACE_MS = 500;

let worker: Worker | null = null;
let seq = 0;
const waiting = new Map<number, { resolve: (p: Preview) => void; timer: ReturnType<typeof setTimeout> }>();

function settle(id: number, preview: Preview): void {
  const entry = waiting.get(id);
  if (!entry) return;
  waiting.delete(id);
  clearTimeout(entry.timer);
  entry.resolve(preview);
}

function start(): Worker {
  const w = new PreviewWorker();
  w.addEventListener('message', (e: MessageEvent<PreviewAnswer>) => {
    const { id, ...preview } = e.data;
    settle(id, preview);
  });
  return w;
}

function stop(error: string): void {
  worker?.terminate();
  worker = null;
  for (const id of [...waiting.keys()]) settle(id, { ok: false, error });
}

/** Evaluates an expression off the page's thread, answering within `timeoutMs` plus a little. */
export function previewExpression(text: string, mode: PreviewMode, scope: ExpressionScope, timeoutMs: number): Promise<Preview> {
  if (typeof Worker === 'undefined') return evaluatePreview(text, mode, scope, timeoutMs);
  worker ??= start();
  const w = worker;
  const id = ++seq;
  return new Promise<Preview>((resolve) => {
    const timer = setTimeout(() => stop(`stopped: took longer than ${timeoutMs} ms`), timeoutMs + GRACE_MS);
    waiting.set(id, { resolve, timer });
    try {
      w.postMessage({ id, text, mode, scope, timeoutMs } satisfies PreviewRequest);
    } catch (e) {
      settle(id, { ok: false, error: `the sample data cannot be used: ${(e as Error).message}` });
    }
  });
}

// The sandbox as it was before the pool: expressions and QuickJS on the calling thread, stopped
// only between steps. For measuring what the hop to a sandbox process costs; never for serving.
import { evaluateExpression, resolveParams } from '@weft/schemas';
import type { Sandbox } from '@weft/nodes/executors';
import { runQuickJs } from '../../nodes/src/sandbox/quickjs.js';

export const inlineSandbox: Sandbox = {
  evaluate: (source, scope, timeoutMs) => evaluateExpression(source, scope, timeoutMs),
  resolve: (value, scope, timeoutMs) => resolveParams(value, scope, timeoutMs),
  runCode: (job) => runQuickJs(job),
};

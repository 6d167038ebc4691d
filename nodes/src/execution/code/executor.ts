import type { Execute } from '../../context.js';
import type definition from './definition.js';

/**
 * Runs the code in the engine's sandbox: a fresh V8 context per attempt in an isolate whose heap
 * cannot grow past the limit, in a process killed at the deadline (or, without isolated-vm, a
 * fresh QuickJS instance on a thread terminated at the deadline). Only JSON crosses either way.
 */
export const execute = (async (ctx, params, input) => {
  const nodes = Object.fromEntries(Object.entries(ctx.scope.nodes).map(([id, v]) => [id, v.output]));
  return ctx.sandbox.runCode({ code: params.code, data: { input: input ?? null, nodes, run: ctx.scope.run }, timeoutMs: params.timeoutMs, memoryMb: params.memoryMb, maxOutputKb: params.maxOutputKb }, ctx.signal);
}) satisfies Execute<typeof definition>;

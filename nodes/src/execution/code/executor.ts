import type { Execute } from '../../context.js';
import type definition from './definition.js';

/**
 * Runs the code in the engine's sandbox: a thread of its own, a fresh QuickJS instance per
 * attempt whose WebAssembly memory cannot grow past the limit, and a deadline enforced from
 * outside by terminating the thread. Only JSON crosses the boundary either way.
 */
export const execute = (async (ctx, params, input) => {
  const nodes = Object.fromEntries(Object.entries(ctx.scope.nodes).map(([id, v]) => [id, v.output]));
  return ctx.sandbox.runCode({ code: params.code, data: { input: input ?? null, nodes, run: ctx.scope.run }, timeoutMs: params.timeoutMs, memoryMb: params.memoryMb, maxOutputKb: params.maxOutputKb }, ctx.signal);
}) satisfies Execute<typeof definition>;

import { getQuickJS } from 'quickjs-emscripten';
import { NodeError, type Execute } from '../../context.js';
import type definition from './definition.js';

/**
 * Runs the code in a fresh QuickJS runtime per attempt: its own heap with a memory limit, an
 * interrupt deadline, no host objects. Data goes in as JSON text and the result comes out as
 * JSON text, so nothing but JSON crosses the boundary either way.
 */
export const execute = (async (ctx, params, input) => {
  const quickjs = await getQuickJS();
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(params.memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(512 * 1024);
  const deadline = Date.now() + params.timeoutMs;
  let timedOut = false;
  runtime.setInterruptHandler(() => {
    if (Date.now() > deadline || ctx.signal.aborted) timedOut = true;
    return timedOut;
  });
  const vm = runtime.newContext();
  try {
    const nodes = Object.fromEntries(Object.entries(ctx.scope.nodes).map(([id, v]) => [id, v.output]));
    const data = JSON.stringify({ input: input ?? null, nodes, run: ctx.scope.run });
    const source = [
      `const __weft = JSON.parse(${JSON.stringify(data)});`,
      // Strict mode inside the user's function; the result leaves the sandbox as JSON text.
      `JSON.stringify((function (input, nodes, run) { "use strict";\n${params.code}\n})(__weft.input, __weft.nodes, __weft.run));`,
    ].join('\n');
    const result = vm.evalCode(source, 'node.js');
    if (result.error) {
      const err = vm.dump(result.error) as { name?: string; message?: string } | string;
      result.error.dispose();
      throw classify(err, timedOut, params);
    }
    const text: unknown = vm.dump(result.value);
    result.value.dispose();
    if (text === undefined) return null; // the code returned undefined (or a function)
    if (typeof text !== 'string') throw new NodeError('CodeError', 'the code did not return a JSON value', false);
    if (Buffer.byteLength(text) > params.maxOutputKb * 1024) {
      throw new NodeError('CodeOutputTooLarge', `the output is ${Math.ceil(Buffer.byteLength(text) / 1024)} KB, over the ${params.maxOutputKb} KB limit`, false);
    }
    return JSON.parse(text) as unknown;
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}) satisfies Execute<typeof definition>;

function classify(err: { name?: string; message?: string } | string, timedOut: boolean, params: { timeoutMs: number; memoryMb: number }): NodeError {
  const name = typeof err === 'string' ? 'Error' : (err.name ?? 'Error');
  const message = typeof err === 'string' ? err : (err.message ?? String(err));
  if (timedOut || message === 'interrupted') return new NodeError('CodeTimeout', `the code ran longer than ${params.timeoutMs} ms and was stopped`, false);
  if (/out of memory/i.test(message)) return new NodeError('CodeMemoryLimit', `the code used more than ${params.memoryMb} MB and was stopped`, false);
  if (/stack overflow/i.test(message)) return new NodeError('CodeError', 'stack overflow (too deep recursion)', false);
  return new NodeError('CodeError', `${name}: ${message}`, false);
}

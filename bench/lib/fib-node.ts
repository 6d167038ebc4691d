// The benchmark's node type: fib(n), written as any developer writes a custom node (see
// nodes/README.md). Weft runs it as the raw peer runs its activity, with the same function.
import { defineNode, nodeExecutor, type NodeExecutor } from '@weft/nodes';
import { z } from 'zod';
import { fib } from './fib.js';

const definition = defineNode({
  type: 'analysis.fib',
  kind: 'analysis',
  version: 1,
  title: 'Fibonacci',
  description: 'Computes fib(n) recursively: a fixed amount of CPU work',
  icon: 'sigma',
  inputs: ['in'],
  outputs: ['out'],
  params: z.object({ n: z.number().int().min(0).max(40) }),
  output: z.number(),
  // Pure computation: no effect on the world, done in well under a second.
  light: true,
});

/** `analysis.fib` with its executor. */
export const fibNode: NodeExecutor = nodeExecutor(definition, { execute: async (_ctx, params) => fib(params.n) });

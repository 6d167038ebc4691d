import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** A pure JSONata transform of the node's input. */
export default defineNode({
  type: 'analysis.transform',
  kind: 'analysis',
  version: 1,
  title: 'Transform',
  description: 'Reshapes data with a JSONata expression. `$` and `$input` are the input; `$nodes.<id>.output` and `$run` are in scope.',
  icon: 'shuffle',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      expression: z.string().min(1).meta({ title: 'Expression', description: 'JSONata, without {{ }}' }),
      timeoutMs: z.number().int().min(1).max(60_000).default(1000).meta({ title: 'Time limit (ms)' }),
    })
    .strict(),
  output: z.unknown(),
  // Retries only cover lost attempts (a worker died): expression errors never retry.
  light: true,
  policy: { timeout: '30s' },
  expressionParams: ['expression'],
});

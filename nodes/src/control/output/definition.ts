import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** The run's result: its input, or the value it computes. */
export default defineNode({
  type: 'control.output',
  kind: 'control',
  version: 1,
  title: 'Output',
  description: "Sets the run's output: the node's input, or `value` when given (expressions allowed).",
  icon: 'flag',
  inputs: ['in'],
  outputs: [],
  params: z
    .object({
      value: z.unknown().optional().meta({ title: 'Value', description: 'Leave empty to output the input as it is' }),
    })
    .strict(),
  output: z.unknown(),
  policy: { timeout: '10s', maxAttempts: 3 },
  light: true,
  runOutput: true,
});

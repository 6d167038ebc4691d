import { z } from 'zod';
import { defineNode } from '@weft/nodes';

/** Greets someone by name: the smallest useful plugin node type. */
export default defineNode({
  type: 'analysis.greet',
  kind: 'analysis',
  version: 1,
  title: 'Greet',
  description: 'Writes a greeting for a name, e.g. "Hello, Ada!".',
  icon: 'hand',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      name: z.string().trim().min(1).max(200).meta({ title: 'Name', description: 'Who to greet; expressions allowed, e.g. {{ $input.name }}' }),
      greeting: z.string().trim().min(1).max(50).default('Hello').meta({ title: 'Greeting' }),
    })
    .strict(),
  output: z.object({ text: z.string().meta({ title: 'Text', description: 'The greeting' }) }),
  // A pure function of its params: nothing to retry beyond a lost attempt.
  policy: { timeout: '10s', maxAttempts: 2 },
});

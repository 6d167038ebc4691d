import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** Sends its input out of `true` or `false`, by a condition. */
export default defineNode({
  type: 'control.branch',
  kind: 'control',
  version: 1,
  title: 'Branch',
  description: 'Sends its input out of the `true` or the `false` port, by a JSONata condition; the other side is skipped.',
  icon: 'git-branch',
  inputs: ['in'],
  outputs: ['true', 'false'],
  params: z
    .object({
      condition: z.string().min(1).meta({ title: 'Condition', description: 'JSONata yielding true or false; `$` is the input' }),
    })
    .strict(),
  output: z.unknown(),
  // Retries only cover lost attempts (a worker died): expression errors never retry.
  policy: { timeout: '30s' },
  expressionParams: ['condition'],
  light: true,
  routing: true,
});

import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** Joins branches: waits for every input that runs, or goes on with the first. */
export default defineNode({
  type: 'control.merge',
  kind: 'control',
  version: 1,
  title: 'Merge',
  description:
    'Joins branches. `all` waits for every input that was not skipped and outputs them by source node id; `first` goes on with the first input to arrive.',
  icon: 'git-merge',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      mode: z.enum(['all', 'first']).default('all').meta({ title: 'Wait for' }),
    })
    .strict(),
  output: z.unknown(),
  // Retries only cover lost attempts (a worker died): expression errors never retry.
  policy: { timeout: '30s' },
  light: true,
  join: (params) => (params.mode === 'first' ? 'any' : 'all'),
});

import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** Where a run starts: its output is the run input. */
export default defineNode({
  type: 'control.trigger',
  kind: 'control',
  version: 1,
  title: 'Trigger',
  description:
    'Where a run starts. Its output is the run input: what the run dialog, the API or a schedule gives, or the body of a webhook call (its headers and query under $run.request).',
  icon: 'play',
  inputs: [],
  outputs: ['out'],
  params: z
    .object({
      webhookInput: z
        .enum(['body', 'request'])
        .default('body')
        .meta({
          title: 'Webhook input',
          description: 'What a webhook call makes the run input: its body (headers and query are under $run.request), or the whole request as { headers, body, query }',
        }),
    })
    .strict(),
  output: z.unknown(),
  policy: { timeout: '10s', maxAttempts: 3 },
  light: true,
  trigger: true,
});

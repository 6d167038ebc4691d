import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** Where a run starts: its output is the run input. */
export default defineNode({
  type: 'control.trigger',
  kind: 'control',
  version: 1,
  title: 'Trigger',
  description: 'Where a run starts. Its output is the run input.',
  icon: 'play',
  inputs: [],
  outputs: ['out'],
  params: z.object({}).strict(),
  output: z.unknown(),
  policy: { timeout: '10s', maxAttempts: 3 },
  light: true,
  trigger: true,
});

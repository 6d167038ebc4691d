import { z } from 'zod';
import { Duration } from '@weft/schemas';
import { defineNode } from '../../define-node.js';

/** Waits durably for a duration or until a time; a worker restart does not shorten or lose it. */
export default defineNode({
  type: 'control.wait',
  kind: 'control',
  version: 1,
  title: 'Wait',
  description: 'Waits for a duration, or until a time, then passes its input on. The wait is a durable Temporal timer.',
  icon: 'clock',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      duration: Duration.optional().meta({ title: 'For', description: 'e.g. 30s, 5m, 2h, 1d' }),
      until: z.string().optional().meta({ title: 'Until', description: 'An ISO 8601 time; expressions allowed' }),
    })
    .strict()
    .refine((p) => (p.duration === undefined) !== (p.until === undefined), { message: 'give exactly one of duration and until' }),
  output: z.unknown(),
  policy: { timeout: '30s' },
  mode: 'wait',
});

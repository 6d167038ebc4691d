import { z } from 'zod';
import { Duration } from '@weft/schemas';
import { defineNode } from '../../define-node.js';

/** A person approves or rejects; the run waits durably for the decision. */
export default defineNode({
  type: 'security.approval',
  kind: 'security',
  version: 1,
  title: 'Approval',
  description:
    'Waits for a person to approve or reject (POST /api/runs/:id/approve or /reject, with a comment). Approved goes out of `approved`, rejected out of `rejected`.',
  icon: 'user-check',
  inputs: ['in'],
  outputs: ['approved', 'rejected'],
  params: z
    .object({
      title: z.string().max(200).default('Approval needed').meta({ title: 'Title' }),
      description: z.string().max(5000).optional().meta({ title: 'What to check', description: 'Shown to the approver; expressions allowed', multiline: true }),
      timeout: Duration.default('24h').meta({ title: 'Decide within' }),
      onTimeout: z.enum(['reject', 'approve', 'fail']).default('reject').meta({ title: 'When nobody decides' }),
    })
    .strict(),
  output: z.object({
    approved: z.boolean(),
    by: z.string().nullable(),
    comment: z.string().nullable(),
    decidedAt: z.string(),
    timedOut: z.boolean(),
    input: z.unknown(),
  }),
  policy: { timeout: '30s' },
  mode: 'approval',
});

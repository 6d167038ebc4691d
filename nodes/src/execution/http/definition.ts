import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** The request that undoes a completed call during rollback. */
export const CompensationRequest = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('DELETE').meta({ title: 'Method' }),
    url: z.string().min(1).meta({ title: 'URL', description: 'Expressions may read the call\'s output as $output, e.g. {{ $output.body.id }}' }),
    headers: z.record(z.string(), z.string()).default({}).meta({ title: 'Headers' }),
    body: z.unknown().optional().meta({ title: 'Body' }),
  })
  .strict()
  .meta({ title: 'Undo with', description: 'Sent, newest first, when the run fails or is cancelled after this call succeeded' });

/** An HTTP request, sent with the node's idempotency key. */
export default defineNode({
  type: 'execution.http',
  kind: 'execution',
  version: 1,
  title: 'HTTP request',
  description: 'Sends an HTTP request with an `Idempotency-Key` header that stays the same across retries.',
  icon: 'globe',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET').meta({ title: 'Method' }),
      url: z.string().min(1).meta({ title: 'URL', description: 'http:// or https://; expressions allowed' }),
      headers: z.record(z.string(), z.string()).default({}).meta({ title: 'Headers' }),
      query: z.record(z.string(), z.string()).default({}).meta({ title: 'Query parameters' }),
      body: z.unknown().optional().meta({ title: 'Body', description: 'Sent as JSON unless it is a string' }),
      responseType: z.enum(['auto', 'json', 'text']).default('auto').meta({ title: 'Response as' }),
      timeoutMs: z.number().int().min(1).max(3_600_000).default(30_000).meta({ title: 'Request timeout (ms)' }),
      compensation: CompensationRequest.optional(),
    })
    .strict(),
  output: z.object({
    status: z.number(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  policy: { timeout: '5m', maxAttempts: 3, initialInterval: '1s', backoff: 2 },
  deferredParams: ['compensation'],
  compensates: (params) => params.compensation !== undefined,
});

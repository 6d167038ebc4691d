import { z } from 'zod';
import { SecretName } from '@weft/schemas';
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


/**
 * How the request authenticates, with a stored secret. Secrets are never in expression scope:
 * this is the only way an HTTP node sends one.
 */
export const HttpAuth = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('bearer'), secret: SecretName }).strict().meta({ title: 'Bearer token', description: 'Authorization: Bearer <secret>' }),
    z
      .object({ type: z.literal('basic'), username: z.string().min(1).max(256).regex(/^[^:\r\n]*$/, 'no colons or line breaks').meta({ title: 'User name' }), secret: SecretName })
      .strict()
      .meta({ title: 'Basic', description: 'Authorization: Basic with the user name and the secret as password' }),
    z
      .object({ type: z.literal('header'), name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'an HTTP header name').meta({ title: 'Header' }), secret: SecretName })
      .strict()
      .meta({ title: 'Header', description: 'The secret as the value of a header, e.g. X-Api-Key' }),
    z
      .object({ type: z.literal('query'), name: z.string().min(1).max(128).meta({ title: 'Query parameter' }), secret: SecretName })
      .strict()
      .meta({ title: 'Query parameter', description: 'The secret as a query parameter, e.g. ?api_key=' }),
  ])
  .meta({ title: 'Authentication', description: 'Sent with the request and with its undo request' });
export type HttpAuth = z.infer<typeof HttpAuth>;

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
      auth: HttpAuth.optional(),
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

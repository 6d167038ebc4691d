import { validator } from 'hono-openapi';
import { Hono, type ValidationTargets } from 'hono';
import { z } from 'zod';
import { canonicalSecretHosts, SecretHosts } from '@weft/nodes/executors';
import { jsonPath, SecretName } from '@weft/schemas';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { deleteSecret, listSecrets, putSecret } from '@weft/store/repositories/secret.repository';
import { apiError } from '../errors.js';
import type { SecretKey } from '@weft/store';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { valid } from '../validation.js';
import { describe, errorDoc } from '../openapi.js';

const NameParam = z.object({ name: SecretName });
const PutBody = z
  .object({
    value: z.string().min(1, 'a secret cannot be empty').max(65_536, 'a secret is at most 65536 characters').optional().meta({ description: 'The value; leave it out to keep the stored one and change only the hosts' }),
    hosts: SecretHosts.optional().meta({
      description:
        'Where the secret may be sent: [http://]host[:port][/path-prefix]. Required for a new secret; leave it out to keep the stored hosts. Without a scheme only https is allowed; *.example.com allows one more label; without a port only the default one.',
    }),
  })
  .strict()
  .refine((b) => b.value !== undefined || b.hosts !== undefined, { message: 'give the secret\'s value, its hosts, or both', path: ['value'] });
/** A secret as listed: never its value. */
const SecretView = z.object({
  name: z.string(),
  keyId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
  hosts: z.array(z.string()).nullable().meta({ description: 'Where it may be sent; null for a secret stored before secrets were bound to hosts: it is sent nowhere until an admin sets hosts' }),
});

/** Like `valid`, but answers 422: the request is well-formed JSON whose content is not acceptable. Never echoes input. */
function acceptable<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return validator(target, schema, (result, c) => {
    if (result.success) return undefined;
    const issues = result.error.map((i) => ({ path: jsonPath((i.path ?? []).map((p) => (typeof p === 'object' ? p.key : p))), message: i.message, code: (i as { code?: string }).code ?? 'invalid' }));
    return apiError(c, 422, 'invalid_request', `the request ${target} is not valid`, issues);
  });
}

/**
 * Secrets, write-only: store (value and the hosts it may be sent to), list names and hosts,
 * delete. Values are never returned or logged; writes are audited by name, bindings with their
 * hosts. Admins only.
 */
export function secretRoutes(deps: { db: Db; secretKey?: SecretKey }) {
  const { db, secretKey } = deps;
  return new Hono<AuthEnv>()
    .use(requireRole('admin'))
    .get('/', describe({ summary: 'List secret names and hosts (never values)', tags: ['secrets'], responses: { 200: { description: 'A page of secrets', schema: z.object({ items: z.array(SecretView), nextCursor: z.string().nullable() }) } } }), valid('query', PageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, 1)?.[0];
      const rows = await listSecrets(db, { limit: limit + 1, ...(after !== undefined ? { after: String(after) } : {}) });
      return c.json(
        toPage(rows, limit, (s) => [s.name], (s) => ({
          name: s.name,
          keyId: s.keyId,
          createdAt: s.createdAt.toISOString(),
          updatedAt: s.updatedAt.toISOString(),
          updatedBy: s.updatedBy,
          hosts: s.hosts,
        })),
      );
    })
    .put(
      '/:name',
      describe({
        summary: 'Store a secret (write-only) and the hosts it may be sent to',
        description:
          'A new secret needs `value` and `hosts`. For an existing one, `value` alone replaces the value and keeps the hosts; `hosts` alone rebinds it and keeps the value. ' +
          'A secret is only ever sent to a destination one of its hosts allows, checked on every request and redirect hop; elsewhere the node fails with SecretNotAllowed, audited as secret.refused.',
        tags: ['secrets'],
        responses: {
          200: { description: 'Changed', schema: z.object({ name: z.string(), created: z.literal(false), hosts: z.array(z.string()).nullable() }) },
          201: { description: 'Created', schema: z.object({ name: z.string(), created: z.literal(true), hosts: z.array(z.string()) }) },
          422: errorDoc('Not acceptable: every problem with its JSON path (`$.hosts` for a new secret without hosts)'),
        },
      }),
      acceptable('param', NameParam),
      acceptable('json', PutBody),
      async (c) => {
        const { name } = c.req.valid('param');
        const body = c.req.valid('json');
        if (!secretKey) return apiError(c, 503, 'secrets_unavailable', 'this server has no secret key (WEFT_SECRET_KEY), so it cannot store secrets');
        const caller = c.get('caller');
        const hosts = body.hosts === undefined ? undefined : canonicalSecretHosts(body.hosts);
        const written = await putSecret(db, secretKey, { name, ...(body.value === undefined ? {} : { value: body.value }), ...(hosts === undefined ? {} : { hosts }), by: caller.tokenId });
        if (!written.ok) {
          const message =
            written.missing === 'hosts'
              ? `a new secret needs hosts: where it may be sent, e.g. ["api.example.com"] (https only unless written http://host)`
              : `there is no secret ${name} to rebind: give its value too`;
          return apiError(c, 422, 'invalid_request', message, [{ path: `$.${written.missing}`, message, code: 'required' }]);
        }
        const changedHosts = hosts !== undefined && !written.created && JSON.stringify(written.previousHosts) !== JSON.stringify(written.hosts);
        const previous = changedHosts ? { previousHosts: written.previousHosts } : {};
        if (body.value !== undefined) {
          await appendAudit(db, { actor: caller.tokenId, action: 'secret.written', target: `secret:${name}`, details: { name, created: written.created, keyId: secretKey.id, hosts: written.hosts, ...previous } });
        } else {
          await appendAudit(db, { actor: caller.tokenId, action: 'secret.bound', target: `secret:${name}`, details: { name, hosts: written.hosts, ...previous } });
        }
        return written.created ? c.json({ name, created: true as const, hosts: written.hosts ?? [] }, 201) : c.json({ name, created: false as const, hosts: written.hosts }, 200);
      },
    )
    .delete('/:name', describe({ summary: 'Delete a secret', tags: ['secrets'], responses: { 204: { description: 'Deleted' }, 422: errorDoc('The name is not a valid secret name') } }), acceptable('param', NameParam), async (c) => {
      const { name } = c.req.valid('param');
      if (!(await deleteSecret(db, name))) return apiError(c, 404, 'not_found', `no secret ${name}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'secret.deleted', target: `secret:${name}`, details: { name } });
      return c.body(null, 204);
    });
}

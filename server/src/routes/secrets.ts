import { zValidator } from '@hono/zod-validator';
import { Hono, type ValidationTargets } from 'hono';
import { z } from 'zod';
import { jsonPath, SecretName } from '@weft/schemas';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '../db/database.js';
import { appendAudit } from '../db/repositories/audit.repository.js';
import { deleteSecret, listSecrets, putSecret } from '../db/repositories/secret.repository.js';
import { apiError } from '../errors.js';
import type { SecretKey } from '../secrets/crypto.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { valid } from '../validation.js';
import { describe } from '../openapi.js';

const NameParam = z.object({ name: SecretName });
const PutBody = z.object({ value: z.string().min(1, 'a secret cannot be empty').max(65_536, 'a secret is at most 65536 characters') }).strict();

/** Like `valid`, but answers 422: the request is well-formed JSON whose content is not acceptable. Never echoes input. */
function acceptable<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return undefined;
    const issues = result.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message, code: i.code }));
    return apiError(c, 422, 'invalid_request', `the request ${target} is not valid`, issues);
  });
}

/**
 * Secrets, write-only: store, list names, delete. Values are never returned or logged; writes
 * are audited by name. Admins only.
 */
export function secretRoutes(deps: { db: Db; secretKey?: SecretKey }) {
  const { db, secretKey } = deps;
  return new Hono<AuthEnv>()
    .use(requireRole('admin'))
    .get('/', describe({ summary: 'List secret names (never values)', tags: ['secrets'] }), valid('query', PageQuery), async (c) => {
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
        })),
      );
    })
    .put('/:name', describe({ summary: 'Store a secret (write-only)', tags: ['secrets'] }), acceptable('param', NameParam), acceptable('json', PutBody), async (c) => {
      const { name } = c.req.valid('param');
      if (!secretKey) return apiError(c, 503, 'secrets_unavailable', 'this server has no secret key (WEFT_SECRET_KEY), so it cannot store secrets');
      const caller = c.get('caller');
      const { created } = await putSecret(db, secretKey, { name, value: c.req.valid('json').value, by: caller.tokenId });
      await appendAudit(db, { actor: caller.tokenId, action: 'secret.written', target: `secret:${name}`, details: { name, created, keyId: secretKey.id } });
      return c.json({ name, created }, created ? 201 : 200);
    })
    .delete('/:name', describe({ summary: 'Delete a secret', tags: ['secrets'] }), acceptable('param', NameParam), async (c) => {
      const { name } = c.req.valid('param');
      if (!(await deleteSecret(db, name))) return apiError(c, 404, 'not_found', `no secret ${name}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'secret.deleted', target: `secret:${name}`, details: { name } });
      return c.body(null, 204);
    });
}

import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { listAudit } from '@weft/store/repositories/audit.repository';
import { tokenNames } from '@weft/store/repositories/token.repository';
import { describe } from '../openapi.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { valid } from '../validation.js';

const AuditQuery = PageQuery.extend({
  action: z.string().min(1).max(200).optional(),
  target: z.string().min(1).max(500).optional(),
  actor: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events at or after this time' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events before this time' }),
});

const AuditEventView = z.object({ id: z.number(), at: z.string(), actor: z.string(), actorName: z.string().nullable().meta({ description: 'The name of the actor\'s token, when the actor is one' }), action: z.string(), target: z.string(), details: z.unknown(), prevHash: z.string(), hash: z.string() });

/** `GET /api/audit`: the hash-chained audit log, newest first, filtered. Admins only. */
export function auditRoutes(deps: { db: Db }) {
  const { db } = deps;
  return new Hono<AuthEnv>().get(
    '/',
    requireRole('admin'),
    describe({ summary: 'List audit events, newest first', responses: { 200: { description: 'A page of events', schema: z.object({ items: z.array(AuditEventView), nextCursor: z.string().nullable() }) } } }),
    valid('query', AuditQuery),
    async (c) => {
      const q = c.req.valid('query');
      const before = decodeCursor(q.cursor, 1)?.[0];
      const rows = await listAudit(db, {
        limit: q.limit + 1,
        ...(typeof before === 'number' ? { before } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.target ? { target: q.target } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
      });
      const names = await tokenNames(db, rows.map((r) => r.actor));
      return c.json(
        toPage(rows, q.limit, (r) => [Number(r.id)], (r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, actorName: names.get(r.actor) ?? null, action: r.action, target: r.target, details: r.details, prevHash: r.prev_hash, hash: r.hash })),
      );
    },
  );
}

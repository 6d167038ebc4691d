import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiTokenRow, Db } from '@weft/store';
import { bearerAuth, requireRole, type AuthEnv } from './bearer-auth.js';
import type { TokenCache } from './token-cache.js';
import { hashToken } from './tokens.js';

const row = { id: 'tok_1', name: 'ops', role: 'operator', token_hash: hashToken('secret'), revoked_at: null, expires_at: null } as unknown as ApiTokenRow;
const tokens: TokenCache = { cached: (hash) => (hash === row.token_hash ? row : undefined), find: async () => undefined, touch: () => undefined, forget: () => undefined };
const auth = { authorization: 'Bearer secret' };

function api() {
  const wf = new Hono<AuthEnv>().use(requireRole('viewer')).get('/', (c) => c.json({ ok: true }));
  return new Hono<AuthEnv>()
    .use(bearerAuth({ db: {} as Db, tokens }))
    .route('/workflows', wf)
    .get('/declared', requireRole('operator'), (c) => c.json({ ok: true }))
    .get('/undeclared', (c) => c.json({ ok: true }))
    .all('*', (c) => c.json({ missing: true }, 404));
}

describe('bearerAuth', () => {
  it('lets a token through to a route that declares a role it has, at route or resource level', async () => {
    expect((await api().request('/declared', { headers: auth })).status).toBe(200);
    expect((await api().request('/workflows', { headers: auth })).status).toBe(200);
  });

  it('refuses every token on a route that declares no role', async () => {
    const res = await api().request('/undeclared', { headers: auth });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it('leaves a path no route serves to the fallback', async () => {
    expect((await api().request('/nowhere', { headers: auth })).status).toBe(404);
  });
});

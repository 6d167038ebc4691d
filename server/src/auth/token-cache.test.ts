import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../app.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { findTokenByHash, revokeToken } from '@weft/store/repositories/token.repository';
import { runsWithoutTemporal } from '../testing/no-temporal.js';
import { tokenCache } from './token-cache.js';
import { createToken, hashToken } from './tokens.js';
import { builtinRegistry } from '@weft/nodes/executors';

let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
let admin: string;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_cache') });
  admin = (await createToken(database.db, { role: 'admin' })).token;
});
afterAll(async () => {
  await database.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const me = (token: string) => app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });

describe('API token cache', () => {
  it('refuses a token revoked through the API from the next request, though it was just used', async () => {
    const viewer = await createToken(database.db, { role: 'viewer' });
    expect((await me(viewer.token)).status).toBe(200);
    const res = await app.request(`/api/tokens/${viewer.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect((await me(viewer.token)).status).toBe(401);
  });

  it('refuses a token once it expires, though it was just used', async () => {
    const soon = await createToken(database.db, { role: 'viewer', expiresAt: new Date(Date.now() + 60_000) });
    expect((await me(soon.token)).status).toBe(200);
    // Only the clock moves: timers and the database run as usual.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect((await me(soon.token)).status).toBe(401);
  });

  it('still records when a token was last used', async () => {
    const viewer = await createToken(database.db, { role: 'viewer' });
    expect((await findTokenByHash(database.db, hashToken(viewer.token)))?.last_used_at).toBeNull();
    expect((await me(viewer.token)).status).toBe(200);
    expect((await findTokenByHash(database.db, hashToken(viewer.token)))?.last_used_at).toBeInstanceOf(Date);
  });

  it('sees a revocation made by another process once its TTL has passed', async () => {
    let now = 1_000_000;
    const cache = tokenCache({ db: database.db, ttlMs: 5_000, now: () => now });
    const t = await createToken(database.db, { role: 'viewer' });
    const hash = hashToken(t.token);
    expect((await cache.find(hash))?.revoked_at).toBeNull();
    await revokeToken(database.db, t.id); // as another API server would
    now += 4_999;
    expect(cache.cached(hash)?.revoked_at).toBeNull();
    now += 1;
    expect(cache.cached(hash)).toBeUndefined();
    expect((await cache.find(hash))?.revoked_at).toBeInstanceOf(Date);
  });

  it('does not keep a row it read before the token was forgotten', async () => {
    const cache = tokenCache({ db: database.db });
    const t = await createToken(database.db, { role: 'viewer' });
    const hash = hashToken(t.token);
    const reading = cache.find(hash);
    cache.forget(t.id);
    expect(await reading).toBeDefined();
    expect(cache.cached(hash)).toBeUndefined();
  });

  it('never keeps a hash no token has', async () => {
    const cache = tokenCache({ db: database.db });
    const hash = hashToken('weft_not-a-token');
    expect(await cache.find(hash)).toBeUndefined();
    expect(cache.cached(hash)).toBeUndefined();
    // A token created afterwards works at once.
    const t = await createToken(database.db, { role: 'viewer' });
    expect(await cache.find(hashToken(t.token))).toBeDefined();
  });

  it('writes last_used_at at most once per touchAfterMs', async () => {
    let now = Date.now();
    const cache = tokenCache({ db: database.db, touchAfterMs: 60_000, now: () => now });
    const t = await createToken(database.db, { role: 'viewer' });
    const row = (await cache.find(hashToken(t.token)))!;
    const first = cache.touch(row);
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(cache.touch(row)).toBeUndefined();
    now += 60_001;
    const again = cache.touch(row);
    expect(again).toBeInstanceOf(Promise);
    await again;
  });
});

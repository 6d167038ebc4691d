import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '@weft/nodes';
import { createApp } from '../app.js';
import { createToken } from '../auth/tokens.js';
import { openDatabase, type OpenDatabase } from '../db/database.js';
import { listAudit } from '../db/repositories/audit.repository.js';
import { getSecretValue } from '../db/repositories/secret.repository.js';
import { generateSecretKey } from '../secrets/crypto.js';
import { runsWithoutTemporal } from '../testing/no-temporal.js';

const key = generateSecretKey();
let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
const tokens: Record<string, string> = {};
/** Every response body, to check that no value ever comes back. */
const bodies: string[] = [];

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: new NodeRegistry(), runs: runsWithoutTemporal('run_test'), secretKey: key });
  for (const role of ['viewer', 'editor', 'operator', 'admin'] as const) tokens[role] = (await createToken(database.db, { role })).token;
});
afterAll(async () => {
  await database.close();
});

async function call(method: string, path: string, o: { role?: string; body?: unknown; app?: typeof app } = {}) {
  const res = await (o.app ?? app).request(path, {
    method,
    headers: { authorization: `Bearer ${tokens[o.role ?? 'admin']}`, 'content-type': 'application/json' },
    ...(o.body === undefined ? {} : { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }),
  });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, json: text ? (JSON.parse(text) as any) : undefined };
}

describe('/api/secrets', () => {
  it('stores a secret encrypted, answering 201 for a new one and 200 for a new value', async () => {
    const put = await call('PUT', '/api/secrets/STRIPE_KEY', { body: { value: 'first-plain-value' } });
    expect(put).toEqual({ status: 201, json: { name: 'STRIPE_KEY', created: true } });
    expect(await getSecretValue(database.db, key, 'STRIPE_KEY')).toBe('first-plain-value');
    const again = await call('PUT', '/api/secrets/STRIPE_KEY', { body: { value: 'second-plain-value' } });
    expect(again).toEqual({ status: 200, json: { name: 'STRIPE_KEY', created: false } });
    expect(await getSecretValue(database.db, key, 'STRIPE_KEY')).toBe('second-plain-value');
    const row = await database.db.selectFrom('secret').selectAll().where('name', '=', 'STRIPE_KEY').executeTakeFirstOrThrow();
    expect(row.value).toMatch(/^v1:[0-9a-f]{16}:/);
    expect(row.key_id).toBe(key.id);
    expect(row.value).not.toContain('second-plain-value');
  });

  it('lists names and timestamps only', async () => {
    await call('PUT', '/api/secrets/A_TOKEN', { body: { value: 'listed-plain-value' } });
    const list = await call('GET', '/api/secrets');
    expect(list.status).toBe(200);
    const item = list.json.items.find((i: { name: string }) => i.name === 'A_TOKEN');
    expect(Object.keys(item).sort()).toEqual(['createdAt', 'keyId', 'name', 'updatedAt', 'updatedBy']);
    expect(list.json.items.map((i: { name: string }) => i.name)).toEqual([...list.json.items.map((i: { name: string }) => i.name)].sort());
    expect(JSON.stringify(list.json)).not.toContain('listed-plain-value');
  });

  it('deletes a secret, and answers 404 for one that is not there', async () => {
    await call('PUT', '/api/secrets/GONE_SOON', { body: { value: 'deleted-plain-value' } });
    expect((await call('DELETE', '/api/secrets/GONE_SOON')).status).toBe(204);
    expect(await getSecretValue(database.db, key, 'GONE_SOON')).toBeUndefined();
    expect((await call('DELETE', '/api/secrets/GONE_SOON')).status).toBe(404);
  });

  it('answers 422 with the JSON path for a bad name or body, without echoing the value', async () => {
    const badName = await call('PUT', '/api/secrets/1starts-with-digit', { body: { value: 'v' } });
    expect(badName.status).toBe(422);
    expect(badName.json.error.issues[0].path).toBe('$.name');
    const tooLong = await call('PUT', `/api/secrets/${'N'.repeat(129)}`, { body: { value: 'v' } });
    expect(tooLong.status).toBe(422);
    for (const body of [{}, { value: '' }, { value: 42 }, { value: 'echo-me-not', extra: 1 }]) {
      const res = await call('PUT', '/api/secrets/OK_NAME', { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toEqual([Object.keys(body).length === 2 ? '$' : '$.value']);
    }
    expect(bodies.join('\n')).not.toContain('echo-me-not');
  });

  it('is for admins only', async () => {
    for (const role of ['viewer', 'editor', 'operator']) {
      expect((await call('GET', '/api/secrets', { role })).status).toBe(403);
      expect((await call('PUT', '/api/secrets/NOPE', { role, body: { value: 'v' } })).status).toBe(403);
      expect((await call('DELETE', '/api/secrets/A_TOKEN', { role })).status).toBe(403);
    }
    expect(await getSecretValue(database.db, key, 'NOPE')).toBeUndefined();
    // Other resources keep their own roles.
    expect((await call('GET', '/api/workflows', { role: 'viewer' })).status).toBe(200);
  });

  it('audits writes and deletes by name, never with the value', async () => {
    await call('PUT', '/api/secrets/AUDITED', { body: { value: 'audited-plain-value' } });
    await call('DELETE', '/api/secrets/AUDITED');
    const events = (await listAudit(database.db, { target: 'secret:AUDITED' })).reverse();
    expect(events.map((e) => [e.action, e.actor, e.details])).toEqual([
      ['secret.written', expect.any(String), { name: 'AUDITED', created: true, keyId: key.id }],
      ['secret.deleted', expect.any(String), { name: 'AUDITED' }],
    ]);
    expect(JSON.stringify(await database.db.selectFrom('audit_event').selectAll().execute())).not.toContain('audited-plain-value');
  });

  it('refuses to store secrets when the server has no key, but still lists and deletes', async () => {
    const keyless = createApp({ db: database.db, registry: new NodeRegistry(), runs: runsWithoutTemporal('run_test') });
    const put = await call('PUT', '/api/secrets/NO_KEY', { body: { value: 'v' }, app: keyless });
    expect(put.status).toBe(503);
    expect(put.json.error.code).toBe('secrets_unavailable');
    expect((await call('GET', '/api/secrets', { app: keyless })).status).toBe(200);
  });

  it('never returned a stored value in any response', () => {
    for (const v of ['first-plain-value', 'second-plain-value', 'listed-plain-value', 'deleted-plain-value', 'audited-plain-value']) {
      expect(bodies.join('\n')).not.toContain(v);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createToken } from '../auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { listAudit } from '@weft/store/repositories/audit.repository';
import { getSecretValue } from '@weft/store/repositories/secret.repository';
import { generateSecretKey } from '@weft/store';
import { runsWithoutTemporal } from '../testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';

const key = generateSecretKey();
let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
const tokens: Record<string, string> = {};
/** Every response body, to check that no value ever comes back. */
const bodies: string[] = [];

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_test'), secretKey: key });
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
    const put = await call('PUT', '/api/secrets/STRIPE_KEY', { body: { value: 'first-plain-value', hosts: ['api.stripe.com'] } });
    expect(put).toEqual({ status: 201, json: { name: 'STRIPE_KEY', created: true, hosts: ['api.stripe.com'] } });
    expect(await getSecretValue(database.db, key, 'STRIPE_KEY')).toBe('first-plain-value');
    const again = await call('PUT', '/api/secrets/STRIPE_KEY', { body: { value: 'second-plain-value' } });
    expect(again).toEqual({ status: 200, json: { name: 'STRIPE_KEY', created: false, hosts: ['api.stripe.com'] } });
    expect(await getSecretValue(database.db, key, 'STRIPE_KEY')).toBe('second-plain-value');
    const row = await database.db.selectFrom('secret').selectAll().where('name', '=', 'STRIPE_KEY').executeTakeFirstOrThrow();
    expect(row.value).toMatch(/^v1:[0-9a-f]{16}:/);
    expect(row.key_id).toBe(key.id);
    expect(row.value).not.toContain('second-plain-value');
  });

  it('lists names, timestamps and hosts only', async () => {
    await call('PUT', '/api/secrets/A_TOKEN', { body: { value: 'listed-plain-value', hosts: ['*.example.com', 'http://127.0.0.1:8080/v1/'] } });
    const list = await call('GET', '/api/secrets');
    expect(list.status).toBe(200);
    const item = list.json.items.find((i: { name: string }) => i.name === 'A_TOKEN');
    expect(Object.keys(item).sort()).toEqual(['createdAt', 'hosts', 'keyId', 'name', 'updatedAt', 'updatedBy']);
    expect(item.hosts).toEqual(['*.example.com', 'http://127.0.0.1:8080/v1/']);
    expect(list.json.items.map((i: { name: string }) => i.name)).toEqual([...list.json.items.map((i: { name: string }) => i.name)].sort());
    expect(JSON.stringify(list.json)).not.toContain('listed-plain-value');
  });

  it('deletes a secret, and answers 404 for one that is not there', async () => {
    await call('PUT', '/api/secrets/GONE_SOON', { body: { value: 'deleted-plain-value', hosts: ['api.example.com'] } });
    expect((await call('DELETE', '/api/secrets/GONE_SOON')).status).toBe(204);
    expect(await getSecretValue(database.db, key, 'GONE_SOON')).toBeUndefined();
    expect((await call('DELETE', '/api/secrets/GONE_SOON')).status).toBe(404);
  });

  it('answers 422 with the JSON path for a bad name or body, without echoing the value', async () => {
    const badName = await call('PUT', '/api/secrets/1starts-with-digit', { body: { value: 'v', hosts: ['api.example.com'] } });
    expect(badName.status).toBe(422);
    expect(badName.json.error.issues[0].path).toBe('$.name');
    const tooLong = await call('PUT', `/api/secrets/${'N'.repeat(129)}`, { body: { value: 'v', hosts: ['api.example.com'] } });
    expect(tooLong.status).toBe(422);
    const cases: [unknown, string[]][] = [
      [{}, ['$.value']],
      [{ value: '', hosts: ['api.example.com'] }, ['$.value']],
      [{ value: 42, hosts: ['api.example.com'] }, ['$.value']],
      [{ value: 'echo-me-not', hosts: ['api.example.com'], extra: 1 }, ['$']],
      [{ value: 'echo-me-not', hosts: [] }, ['$.hosts']],
      [{ value: 'echo-me-not', hosts: 'api.example.com' }, ['$.hosts']],
      [{ value: 'echo-me-not', hosts: ['api.example.com', 'ftp://files.example.com', '*.com', 'https://api.example.com@evil.com'] }, ['$.hosts[1]', '$.hosts[2]', '$.hosts[3]']],
    ];
    for (const [body, paths] of cases) {
      const res = await call('PUT', '/api/secrets/OK_NAME', { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.error.issues.map((i: { path: string }) => i.path), JSON.stringify(body)).toEqual(paths);
    }
    expect(bodies.join('\n')).not.toContain('echo-me-not');
  });

  it('needs hosts for a new secret, saying so at $.hosts, and stores nothing without them', async () => {
    const res = await call('PUT', '/api/secrets/NEW_UNBOUND', { body: { value: 'unbound-plain-value' } });
    expect(res.status).toBe(422);
    expect(res.json.error.issues).toEqual([{ path: '$.hosts', message: expect.stringContaining('a new secret needs hosts'), code: 'required' }]);
    expect(await getSecretValue(database.db, key, 'NEW_UNBOUND')).toBeUndefined();
    const rebindMissing = await call('PUT', '/api/secrets/NEW_UNBOUND', { body: { hosts: ['api.example.com'] } });
    expect(rebindMissing.status).toBe(422);
    expect(rebindMissing.json.error.issues[0].path).toBe('$.value');
  });

  it('keeps the hosts when only the value changes, and the value when only the hosts change, in canonical spelling', async () => {
    await call('PUT', '/api/secrets/BOUND', { body: { value: 'bound-plain-value-1', hosts: ['API.Example.com'] } });
    expect(await call('PUT', '/api/secrets/BOUND', { body: { value: 'bound-plain-value-2' } })).toEqual({ status: 200, json: { name: 'BOUND', created: false, hosts: ['api.example.com'] } });
    const rebound = await call('PUT', '/api/secrets/BOUND', { body: { hosts: ['HTTPS://bücher.example:443/v1/', '*.Example.org.', 'api.example.com:8443'] } });
    expect(rebound).toEqual({ status: 200, json: { name: 'BOUND', created: false, hosts: ['xn--bcher-kva.example/v1/', '*.example.org', 'api.example.com:8443'] } });
    expect(await getSecretValue(database.db, key, 'BOUND')).toBe('bound-plain-value-2');
    const events = (await listAudit(database.db, { target: 'secret:BOUND' })).reverse();
    expect(events.map((e) => [e.action, e.details])).toEqual([
      ['secret.written', { name: 'BOUND', created: true, keyId: key.id, hosts: ['api.example.com'] }],
      ['secret.written', { name: 'BOUND', created: false, keyId: key.id, hosts: ['api.example.com'] }],
      ['secret.bound', { name: 'BOUND', hosts: ['xn--bcher-kva.example/v1/', '*.example.org', 'api.example.com:8443'], previousHosts: ['api.example.com'] }],
    ]);
  });

  it('binds a secret stored before bindings, which lists with no hosts until then', async () => {
    await call('PUT', '/api/secrets/LEGACY', { body: { value: 'legacy-plain-value', hosts: ['api.example.com'] } });
    // As the migration leaves a secret that was stored before it.
    await database.db.updateTable('secret').set({ hosts: null }).where('name', '=', 'LEGACY').execute();
    const listed = (await call('GET', '/api/secrets')).json.items.find((i: { name: string }) => i.name === 'LEGACY');
    expect(listed.hosts).toBeNull();
    expect(await call('PUT', '/api/secrets/LEGACY', { body: { hosts: ['legacy.example.com'] } })).toEqual({ status: 200, json: { name: 'LEGACY', created: false, hosts: ['legacy.example.com'] } });
    expect(await getSecretValue(database.db, key, 'LEGACY')).toBe('legacy-plain-value');
    const [bound] = await listAudit(database.db, { action: 'secret.bound', target: 'secret:LEGACY' });
    expect(bound!.details).toEqual({ name: 'LEGACY', hosts: ['legacy.example.com'], previousHosts: null });
  });

  it('is for admins only', async () => {
    for (const role of ['viewer', 'editor', 'operator']) {
      expect((await call('GET', '/api/secrets', { role })).status).toBe(403);
      expect((await call('PUT', '/api/secrets/NOPE', { role, body: { value: 'v', hosts: ['api.example.com'] } })).status).toBe(403);
      expect((await call('PUT', '/api/secrets/A_TOKEN', { role, body: { hosts: ['evil.example.com'] } })).status).toBe(403);
      expect((await call('DELETE', '/api/secrets/A_TOKEN', { role })).status).toBe(403);
    }
    expect(await getSecretValue(database.db, key, 'NOPE')).toBeUndefined();
    // Other resources keep their own roles.
    expect((await call('GET', '/api/workflows', { role: 'viewer' })).status).toBe(200);
  });

  it('audits writes and deletes by name, never with the value', async () => {
    await call('PUT', '/api/secrets/AUDITED', { body: { value: 'audited-plain-value', hosts: ['api.example.com'] } });
    await call('DELETE', '/api/secrets/AUDITED');
    const events = (await listAudit(database.db, { target: 'secret:AUDITED' })).reverse();
    expect(events.map((e) => [e.action, e.actor, e.details])).toEqual([
      ['secret.written', expect.any(String), { name: 'AUDITED', created: true, keyId: key.id, hosts: ['api.example.com'] }],
      ['secret.deleted', expect.any(String), { name: 'AUDITED' }],
    ]);
    expect(JSON.stringify(await database.db.selectFrom('audit_event').selectAll().execute())).not.toContain('audited-plain-value');
  });

  it('refuses to store secrets when the server has no key, but still lists and deletes', async () => {
    const keyless = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_test') });
    const put = await call('PUT', '/api/secrets/NO_KEY', { body: { value: 'v', hosts: ['api.example.com'] }, app: keyless });
    expect(put.status).toBe(503);
    expect(put.json.error.code).toBe('secrets_unavailable');
    expect((await call('GET', '/api/secrets', { app: keyless })).status).toBe(200);
  });

  it('never returned a stored value in any response', () => {
    for (const v of ['first-plain-value', 'second-plain-value', 'listed-plain-value', 'deleted-plain-value', 'audited-plain-value', 'unbound-plain-value', 'bound-plain-value-1', 'bound-plain-value-2', 'legacy-plain-value']) {
      expect(bodies.join('\n')).not.toContain(v);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { verifyAuditChain } from '@weft/store/repositories/audit.repository';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';

// The local control endpoint `weft token create` and `weft audit verify` use while Weft runs.
const KEY = 'a'.repeat(64);
let database: OpenDatabase;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_control'), controlKey: KEY, maxBodyBytes: 1024 });
});
afterAll(async () => {
  await database.close();
});

const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
  const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: (await res.json()) as any };
};
const tokenCount = async () => (await database.db.selectFrom('api_token').select('id').execute()).length;

describe('the local control endpoint', () => {
  it('creates a token with the right key and audits it as token.create by control', async () => {
    const res = await post('/api/_local/tokens', JSON.stringify({ role: 'operator', name: 'deploy bot' }), { 'x-weft-control-key': KEY });
    expect(res.status).toBe(201);
    expect(res.json.token).toMatch(/^weft_/);
    const events = await database.db.selectFrom('audit_event').selectAll().where('target', '=', res.json.id).execute();
    expect(events).toMatchObject([{ actor: 'control', action: 'token.create', details: { role: 'operator', name: 'deploy bot', expiresAt: null } }]);
    expect(JSON.stringify(events)).not.toContain(res.json.token);
    // Unnamed, it is audited under the name the token gets.
    const unnamed = await post('/api/_local/tokens', JSON.stringify({ role: 'viewer' }), { 'x-weft-control-key': KEY });
    const [event] = await database.db.selectFrom('audit_event').select('details').where('target', '=', unnamed.json.id).execute();
    expect(event?.details).toEqual({ role: 'viewer', name: 'viewer token', expiresAt: null });
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it('answers 401 to a missing or wrong key before it limits, parses or validates the body, and creates nothing', async () => {
    const before = await tokenCount();
    const huge = JSON.stringify({ role: 'admin', name: 'x'.repeat(5000) });
    const bodies: [string, Record<string, string>][] = [
      ['{"role": "admin"', {}],
      [JSON.stringify({ role: 'overlord', extra: true }), {}],
      [huge, { 'content-length': String(huge.length) }],
      // Without a length: counted as it streams, which also comes after the key.
      [huge, {}],
      ['{"name":"a\\u0000"}', {}],
    ];
    for (const key of [null, '', 'b'.repeat(64), `${KEY}a`]) {
      for (const [body, headers] of bodies) {
        const res = await post('/api/_local/tokens', body, { ...headers, ...(key === null ? {} : { 'x-weft-control-key': key }) });
        expect(res, `key ${String(key).slice(0, 8)}, body ${body.slice(0, 20)}`).toMatchObject({ status: 401, json: { error: { code: 'unauthorized', message: 'bad control key' } } });
      }
      expect((await post('/api/_local/audit/verify', '', key === null ? {} : { 'x-weft-control-key': key })).status).toBe(401);
    }
    expect(await tokenCount()).toBe(before);
    // With the key, the same bodies meet the body checks.
    expect((await post('/api/_local/tokens', '{"role": "admin"', { 'x-weft-control-key': KEY })).status).toBe(400);
    expect((await post('/api/_local/tokens', huge, { 'x-weft-control-key': KEY, 'content-length': String(huge.length) })).status).toBe(413);
    expect((await post('/api/_local/audit/verify', '', { 'x-weft-control-key': KEY })).json).toMatchObject({ ok: true });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { readFileSync } from 'node:fs';
import { builtinRegistry } from '@weft/nodes/executors';

const hello = JSON.parse(readFileSync(new URL('../../examples/hello.json', import.meta.url), 'utf8')) as Record<string, unknown>;

let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
const started: string[] = [];
const tokens: Record<string, string> = {};

// These tests cover HTTP behaviour only; runs on real Temporal are in the integration suite.
const runs = runsWithoutTemporal('run_test', started);

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs });
  for (const role of ['viewer', 'editor', 'operator', 'admin'] as const) tokens[role] = (await createToken(database.db, { role })).token;
});
afterAll(async () => {
  await database.close();
});

async function call(method: string, path: string, o: { token?: string | null; body?: unknown; raw?: string } = {}) {
  const token = o.token === undefined ? tokens['admin'] : o.token;
  const res = await app.request(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    ...(o.raw !== undefined ? { body: o.raw } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('token auth', () => {
  it('answers 401 without a token, with a wrong one, and with a malformed header', async () => {
    expect((await call('GET', '/api/workflows', { token: null })).status).toBe(401);
    expect((await call('GET', '/api/workflows', { token: 'weft_not-a-real-token' })).status).toBe(401);
    const res = await app.request('/api/workflows', { headers: { authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('unauthorized');
  });

  it('answers 200 with a valid token', async () => {
    const res = await call('GET', '/api/workflows', { token: tokens['viewer'] });
    expect(res.status).toBe(200);
    expect(res.json).toHaveProperty('items');
  });

  it('tells a token its own role, for the editor to hide what the role may not do', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const res = await call('GET', '/api/me', { token: tokens[role] });
      expect(res).toMatchObject({ status: 200, json: { role } });
      expect(JSON.stringify(res.json)).not.toContain(tokens[role]);
    }
  });

  it('refuses a revoked or expired token', async () => {
    const { token: revoked, id } = await createToken(database.db, { role: 'admin' });
    await database.db.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    expect((await call('GET', '/api/workflows', { token: revoked })).status).toBe(401);
    const { token: expired } = await createToken(database.db, { role: 'admin', expiresAt: new Date(Date.now() - 1000) });
    expect((await call('GET', '/api/workflows', { token: expired })).status).toBe(401);
  });

  it('stores only a hash of each token', async () => {
    const rows = await database.db.selectFrom('api_token').select('token_hash').execute();
    for (const t of Object.values(tokens)) expect(rows.some((r) => r.token_hash === t || r.token_hash.includes(t))).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('enforces roles: viewers read, editors save, operators run', async () => {
    expect((await call('POST', '/api/workflows', { token: tokens['viewer'], body: hello })).status).toBe(403);
    const created = await call('POST', '/api/workflows', { token: tokens['editor'], body: hello });
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/workflows/${created.json.id}/runs`, { token: tokens['editor'], body: { input: {} } })).status).toBe(403);
    expect((await call('POST', `/api/workflows/${created.json.id}/runs`, { token: tokens['operator'], body: { input: {} } })).status).toBe(202);
  });

  it('keeps /healthz public', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
  });
});

describe('workflows API', () => {
  it('creates a workflow and a new version on each save, with a stable hash', async () => {
    const a = await call('POST', '/api/workflows', { body: hello });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const moved = { ...hello, nodes: (hello['nodes'] as any[]).map((n) => ({ ...n, position: { x: 1, y: 2 } })) };
    const b = await call('PUT', `/api/workflows/${a.json.id}`, { body: moved });
    expect(b.json).toMatchObject({ version: 2, hash: a.json.hash });
    const got = await call('GET', `/api/workflows/${a.json.id}`);
    expect(got.json).toMatchObject({ id: a.json.id, name: 'Hello, Weft', version: 2 });
    expect(got.json.document.nodes[0].position).toEqual({ x: 1, y: 2 });
  });

  it('answers 400 with every shape problem and its JSON path, and stores nothing', async () => {
    const before = (await call('GET', '/api/workflows')).json.items.length;
    const res = await call('POST', '/api/workflows', { body: { schemaVersion: 1, name: '', nodes: [{ id: '1bad', type: 'x' }] } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_workflow');
    expect(res.json.error.message).toBeTruthy();
    const paths = res.json.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['$.name', '$.nodes[0].id', '$.nodes[0].type']));
    for (const i of res.json.error.issues) expect(typeof i.message).toBe('string');
    expect((await call('GET', '/api/workflows')).json.items.length).toBe(before);
  });

  it('answers 422 for graph problems such as a cycle, and stores nothing', async () => {
    const before = (await call('GET', '/api/workflows')).json.items.length;
    const extra = [
      { id: 'x1', source: 'greet', target: 'measure' },
      { id: 'x2', source: 'measure', target: 'greet' },
      { id: 'x3', source: 'result', target: 'start' },
    ];
    const res = await call('POST', '/api/workflows', { body: { ...hello, edges: [...(hello['edges'] as object[]), ...extra] } });
    expect(res.status).toBe(422);
    const issues = res.json.error.issues as { code: string; path: string; message: string; nodeId?: string }[];
    expect(issues.find((i) => i.code === 'cycle')).toMatchObject({ nodeId: 'greet', message: expect.stringContaining('greet → measure → greet') });
    expect(issues.filter((i) => i.code === 'unknown_port').map((i) => i.path)).toEqual(['$.edges[6].sourcePort', '$.edges[6].targetPort']);
    expect((await call('GET', '/api/workflows')).json.items.length).toBe(before);
  });

  it('answers 400 for a body that is not JSON, and for a bad id or run body', async () => {
    const bad = await call('POST', '/api/workflows', { raw: '{"schemaVersion": 1,' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_request');
    expect((await call('GET', '/api/workflows/not-an-id')).json.error.issues[0].path).toBe('$.id');
    const created = await call('POST', '/api/workflows', { body: hello });
    const run = await call('POST', `/api/workflows/${created.json.id}/runs`, { body: { input: {}, extra: 1 } });
    expect(run.status).toBe(400);
    expect(run.json.error.issues[0].path).toBe('$');
  });

  it('answers 404 in the error shape for unknown workflows, runs and routes', async () => {
    expect((await call('GET', '/api/workflows/wf_0000')).status).toBe(404);
    expect((await call('GET', '/api/runs/run_nothing')).status).toBe(404);
    const r = await call('GET', '/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('not_found');
  });

  it('validates without storing', async () => {
    const ok = await call('POST', '/api/workflows/validate', { body: hello });
    expect(ok).toMatchObject({ status: 200, json: { ok: true } });
  });

  it('lists node types with JSON Schemas of their params', async () => {
    const res = await call('GET', '/api/node-types', { token: tokens['viewer'] });
    const http = res.json.items.find((t: { type: string }) => t.type === 'execution.http');
    expect(http).toMatchObject({ kind: 'execution', inputs: ['in'], outputs: ['out'] });
    expect(http.params.properties.url.type).toBe('string');
  });
});

describe('versions, diff, export and import', () => {
  const edit = (doc: Record<string, unknown>, f: (nodes: any[]) => any[]) => ({ ...doc, nodes: f(structuredClone(doc['nodes']) as any[]) });

  it('lists versions newest first and serves each one as it was saved', async () => {
    const { json: created } = await call('POST', '/api/workflows', { body: hello });
    await call('PUT', `/api/workflows/${created.id}?message=${encodeURIComponent('Shorter greeting')}`, { body: edit(hello, (ns) => ns.map((n) => (n.id === 'greet' ? { ...n, params: { expression: '"Hi"' } } : n))) });
    const versions = await call('GET', `/api/workflows/${created.id}/versions`, { token: tokens['viewer'] });
    expect(versions.json.items.map((v: { version: number; message: string | null }) => [v.version, v.message])).toEqual([
      [2, 'Shorter greeting'],
      [1, null],
    ]);
    const tooLong = await call('PUT', `/api/workflows/${created.id}?message=${'x'.repeat(501)}`, { body: hello });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.issues[0].path).toBe('$.message');
    expect(versions.json.items[1].hash).toBe(created.hash);
    const v1 = await call('GET', `/api/workflows/${created.id}/versions/1`);
    expect(v1.json.document.nodes[1].params.expression).toBe((hello['nodes'] as any[])[1].params.expression);
    expect((await call('GET', `/api/workflows/${created.id}/versions/2`)).json.document.nodes[1].params.expression).toBe('"Hi"');
    expect((await call('GET', `/api/workflows/${created.id}/versions/3`)).status).toBe(404);
    expect((await call('GET', `/api/workflows/${created.id}/versions/zero`)).status).toBe(400);
  });

  it('diffs two versions down to the changed param', async () => {
    const { json: created } = await call('POST', '/api/workflows', { body: hello });
    const next = edit(hello, (ns) => [...ns.map((n) => (n.id === 'greet' ? { ...n, params: { expression: '"Hi"' } } : n)), { id: 'extra', type: 'analysis.transform', params: { expression: '1' } }]);
    await call('PUT', `/api/workflows/${created.id}`, { body: { ...next, edges: [...(hello['edges'] as object[]), { id: 'e9', source: 'start', target: 'extra' }] } });
    const res = await call('GET', `/api/workflows/${created.id}/diff?from=1&to=2`);
    expect(res.status).toBe(200);
    expect(res.json.from.version).toBe(1);
    expect(res.json.diff.nodes.added).toEqual(['extra']);
    expect(res.json.diff.nodes.changed).toEqual([{ id: 'greet', params: [{ path: '$.expression', kind: 'changed', from: (hello['nodes'] as any[])[1].params.expression, to: '"Hi"' }], policy: [] }]);
    expect(res.json.diff.edges.added.map((e: { id: string }) => e.id)).toEqual(['e9']);
    // Without from/to: the latest version against the one before.
    expect((await call('GET', `/api/workflows/${created.id}/diff`)).json.to.version).toBe(2);
    const missing = await call('GET', `/api/workflows/${created.id}/diff?from=1&to=9`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.issues[0].path).toBe('$.to');
  });

  it('round-trips a document through export and import unchanged', async () => {
    const { json: created } = await call('POST', '/api/workflows', { body: hello });
    const res = await app.request(`/api/workflows/${created.id}/export`, { headers: { authorization: `Bearer ${tokens['viewer']}` } });
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="hello-weft.json"');
    const exported = (await res.json()) as Record<string, unknown>;
    // What was saved (defaults included) comes back out, and nothing else.
    expect(exported).toMatchObject(hello);
    const imported = await call('POST', '/api/workflows/import', { token: tokens['editor'], body: exported });
    expect(imported.status).toBe(201);
    expect(imported.json.hash).toBe(created.hash);
    const again = (await (await app.request(`/api/workflows/${imported.json.id}/export`, { headers: { authorization: `Bearer ${tokens['admin']}` } })).json()) as unknown;
    expect(again).toEqual(exported);
  });

  it('refuses to import a document from a newer Weft, and one that is not valid', async () => {
    const newer = await call('POST', '/api/workflows/import', { body: { ...hello, schemaVersion: 2 } });
    expect(newer.status).toBe(400);
    expect(newer.json.error.issues[0]).toMatchObject({ path: '$.schemaVersion', code: 'newer_version' });
    expect((await call('POST', '/api/workflows/import', { token: tokens['viewer'], body: hello })).status).toBe(403);
  });

  it('serves the document JSON Schema publicly, and it accepts the shipped example', async () => {
    const res = await app.request('/api/schema/workflow.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('schema+json');
    const schema = (await res.json()) as any;
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'name', 'nodes']));
    expect(schema.properties.nodes.items.properties.policy.properties.onError.enum).toEqual(['fail', 'continue', 'route']);
    expect(schema.properties.name.title).toBe('Name');
    // A document pointing at the schema stays valid and hashes the same.
    const withRef = await call('POST', '/api/workflows/validate', { body: { $schema: 'http://localhost/api/schema/workflow.json', ...hello } });
    const plain = await call('POST', '/api/workflows/validate', { body: hello });
    expect(withRef.json.hash).toBe(plain.json.hash);
  });

  it('lists node types with a category, ports and both JSON Schemas', async () => {
    const items = (await call('GET', '/api/node-types')).json.items as any[];
    expect(items.map((t) => t.type)).toEqual([
      'control.trigger',
      'analysis.transform',
      'execution.http',
      'execution.code',
      'control.branch',
      'control.merge',
      'control.wait',
      'security.approval',
      'security.policy',
      'control.loop',
      'control.subworkflow',
      'control.output',
      'analysis.llm',
      'strategy.plan',
      'strategy.route',
      'strategy.agent',
      'retrieval.ingest',
      'retrieval.search',
      'execution.mcp',
    ]);
    for (const t of items) expect(t).toMatchObject({ title: expect.any(String), description: expect.any(String), category: expect.any(String), params: expect.any(Object), output: expect.any(Object) });
    expect(items.find((t) => t.type === 'execution.http').output.properties.status.type).toBe('number');
  });
});

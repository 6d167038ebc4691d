import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '@weft/nodes';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { openDatabase, type OpenDatabase } from './db/database.js';
import type { RunStarter } from './runs.js';
import { readFileSync } from 'node:fs';

const hello = JSON.parse(readFileSync(new URL('../../examples/hello.json', import.meta.url), 'utf8')) as Record<string, unknown>;

let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
const started: string[] = [];
const tokens: Record<string, string> = {};

// These tests cover HTTP behaviour only; runs on real Temporal are in the integration suite.
const runs: RunStarter = {
  async start(wf) {
    started.push(wf.id);
    return 'run_test';
  },
};

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: new NodeRegistry(), runs });
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createToken, hasRole, ROLES, type Role } from './auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';

interface Operation {
  method: string;
  path: string;
  /** What the policy says. */
  role: Role | 'public';
  /** What the route declares (`requireRole`, or public), as the document shows it. */
  declared: Role | 'public' | undefined;
  hasBody: boolean;
}

let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
let doc: { openapi: string; paths: Record<string, Record<string, Record<string, any>>> };
const tokens = {} as Record<Role | 'revoked' | 'expired', string>;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_matrix'), rateLimitPerMinute: 0 });
  for (const role of ROLES) tokens[role] = (await createToken(database.db, { role })).token;
  const revoked = await createToken(database.db, { role: 'admin' });
  await database.db.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', revoked.id).execute();
  tokens.revoked = revoked.token;
  tokens.expired = (await createToken(database.db, { role: 'admin', expiresAt: new Date(Date.now() - 1000) })).token;
  const res = await app.request('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as typeof doc;
});
afterAll(async () => {
  await database.close();
});

function operations(): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const key = `${method.toUpperCase()} ${path}`;
      // An operation missing from the policy is held to the strictest role here, and fails the listing test.
      return { method: method.toUpperCase(), path, role: POLICY[key] ?? 'admin', declared: op['x-weft-role'] as Role | 'public' | undefined, hasBody: !!op['requestBody'] };
    }),
  );
}

/** A plausible value for a path parameter: the request must reach the handler, not the router's 404. */
function fill(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string, offset: number) => {
    const before = path.slice(0, offset);
    if (name === 'v') return '1';
    if (name === 'name') return 'matrix-docs';
    if (name === 'id' && before.endsWith('/documents/')) return 'doc_0123456789abcdef';
    if (name === 'id' && before.includes('/workflows')) return 'wf_0123456789abcdef';
    if (name === 'id' && before.includes('/runs')) return 'run_0123456789abcdef';
    if (name === 'id' && before.includes('/tokens')) return 'tok_0123456789abcdef';
    return `${name}_0123456789abcdef`;
  });
}

async function call(op: Operation, token: string | null) {
  const res = await app.request(fill(op.path), {
    method: op.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(op.hasBody ? { 'content-type': 'application/json' } : {}) },
    ...(op.hasBody ? { body: '{}' } : {}),
  });
  // Streams (run events) are not read to the end.
  await res.body?.cancel();
  return res.status;
}

/**
 * Who may do what, written by hand and kept apart from the routes' own declarations: every
 * operation must be listed, so a new route, or a route whose role changes, fails here until this
 * table is changed with it.
 */
const POLICY: Record<string, Role | 'public'> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /api/schema/workflow.json': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'POST /hooks/{path}': 'public',
  'GET /api/me': 'viewer',

  'GET /api/workflows': 'viewer',
  'POST /api/workflows': 'editor',
  'POST /api/workflows/validate': 'viewer',
  'POST /api/workflows/import': 'editor',
  'GET /api/workflows/{id}': 'viewer',
  'PUT /api/workflows/{id}': 'editor',
  'GET /api/workflows/{id}/versions': 'viewer',
  'GET /api/workflows/{id}/versions/{v}': 'viewer',
  'GET /api/workflows/{id}/diff': 'viewer',
  'GET /api/workflows/{id}/export': 'viewer',
  'POST /api/workflows/{id}/runs': 'operator',

  'GET /api/runs': 'viewer',
  'GET /api/runs/{id}': 'viewer',
  'POST /api/runs/{id}/cancel': 'operator',
  'POST /api/runs/{id}/approve': 'operator',
  'POST /api/runs/{id}/reject': 'operator',
  'POST /api/runs/{id}/rerun': 'operator',
  'GET /api/runs/{id}/transcript': 'viewer',
  'GET /api/runs/{id}/state': 'viewer',
  'GET /api/runs/{id}/events': 'viewer',
  'GET /api/approvals': 'viewer',
  'GET /api/node-types': 'viewer',

  'GET /api/schedules': 'viewer',
  'POST /api/schedules': 'operator',
  'GET /api/schedules/{id}': 'viewer',
  'DELETE /api/schedules/{id}': 'operator',
  'POST /api/schedules/{id}/pause': 'operator',
  'POST /api/schedules/{id}/resume': 'operator',
  'POST /api/schedules/{id}/trigger': 'operator',
  'POST /api/schedules/{id}/backfill': 'operator',

  'GET /api/webhooks': 'viewer',
  'POST /api/webhooks': 'operator',
  'GET /api/webhooks/{path}': 'viewer',
  'DELETE /api/webhooks/{path}': 'operator',
  'POST /api/webhooks/{path}/rotate-secret': 'operator',

  'GET /api/collections': 'viewer',
  'POST /api/collections': 'editor',
  'GET /api/collections/{name}': 'viewer',
  'DELETE /api/collections/{name}': 'editor',
  'POST /api/collections/{name}/documents': 'editor',
  'GET /api/collections/{name}/documents': 'viewer',
  'GET /api/collections/{name}/documents/{id}': 'viewer',
  'DELETE /api/collections/{name}/documents/{id}': 'editor',
  'POST /api/collections/{name}/search': 'viewer',
  'POST /api/mcp/tools': 'editor',

  'GET /api/secrets': 'admin',
  'PUT /api/secrets/{name}': 'admin',
  'DELETE /api/secrets/{name}': 'admin',
  'GET /api/tokens': 'admin',
  'POST /api/tokens': 'admin',
  'DELETE /api/tokens/{id}': 'admin',
  'GET /api/audit': 'admin',
};

describe('the role matrix, against a hand-written policy', () => {
  it('lists every routed operation, with the role the policy gives it', () => {
    const declared = Object.fromEntries(operations().map((o) => [`${o.method} ${o.path}`, o.declared ?? '(none declared)']));
    // A route that declares no role, or one the policy does not know, differs here.
    expect(declared).toEqual(POLICY);
  });

  it('answers 401 without a valid token and 403 below the required role, on every operation', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(40);
    const failures: string[] = [];
    let checks = 0;
    for (const op of ops) {
      const label = `${op.method} ${op.path} (${op.role})`;
      if (op.role === 'public') continue;
      for (const who of ['none', 'revoked', 'expired'] as const) {
        const status = await call(op, who === 'none' ? null : tokens[who]);
        checks++;
        if (status !== 401) failures.push(`${label} with ${who} token: ${status}, expected 401`);
      }
      for (const role of ROLES) {
        const status = await call(op, tokens[role]);
        checks++;
        const allowed = hasRole(role, op.role);
        if (allowed ? status === 401 || status === 403 : status !== 403) failures.push(`${label} as ${role}: ${status}, expected ${allowed ? 'not 401/403' : '403'}`);
        if (status >= 500 && status !== 503) failures.push(`${label} as ${role}: ${status}`);
      }
    }
    console.log(`role matrix: ${ops.length} operations (${ops.filter((o) => o.role !== 'public').length} guarded) × ${ROLES.length} roles + 3 invalid tokens = ${checks} checks`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('keeps public operations public', async () => {
    for (const op of operations().filter((o) => o.role === 'public' && o.method === 'GET' && !o.path.includes('{'))) {
      const status = await call(op, null);
      expect({ op: `${op.method} ${op.path}`, status: status === 401 || status === 403 }).toEqual({ op: `${op.method} ${op.path}`, status: false });
    }
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 in shape', () => {
    expect(doc.openapi).toBe('3.1.0');
    const objects = (v: unknown, at: string): void => {
      if (Array.isArray(v)) return v.forEach((x, i) => objects(x, `${at}[${i}]`));
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === 'schema') expect({ at, schema: typeof x === 'object' && x !== null && !Array.isArray(x) }).toEqual({ at, schema: true });
        if (k === '$ref') {
          expect(x).toMatch(/^#\/components\//);
          const target = (x as string).slice(2).split('/').reduce<any>((o, p) => o?.[p], doc);
          expect({ ref: x, resolves: typeof target === 'object' && target !== null }).toEqual({ ref: x, resolves: true });
        }
        objects(x, `${at}.${k}`);
      }
    };
    objects(doc, '$');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']).toContain(method);
        expect(Object.keys(op['responses'] ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(typeof op['summary']).toBe('string');
        for (const name of path.match(/\{([^}]+)\}/g) ?? []) expect(op['parameters'].some((p: any) => p.in === 'path' && `{${p.name}}` === name)).toBe(true);
      }
    }
    const create = doc.paths['/api/workflows']!['post']!;
    expect(create['requestBody'].content['application/json'].schema.properties).toHaveProperty('nodes');
    expect(create['security']).toEqual([{ bearerAuth: [] }]);
    expect(create['responses']['422'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ApiError' });
    expect(doc.paths['/api/runs']!['get']!['parameters'].map((p: any) => p.name)).toEqual(expect.arrayContaining(['workflowId', 'limit', 'cursor']));
  });

  it('serves an offline docs page with no external URLs', async () => {
    const res = await app.request('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('openapi.json');
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
  });

  it('answers unknown routes 404 and wrong methods 405, in the one error shape', async () => {
    const missing = await app.request('/api/nope', { headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.code).toBe('not_found');
    const wrong = await app.request('/api/tokens', { method: 'PATCH', headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
    expect(((await wrong.json()) as any).error).toMatchObject({ code: 'method_not_allowed', issues: [] });
  });
});

import { readFileSync } from 'node:fs';
import { findTargetHandler } from 'hono/utils/handler';
import { uniqueSymbol } from 'hono-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@weft/schemas';
import { generateSecretKey, openDatabase, type OpenDatabase } from '@weft/store';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';

interface DocResponse {
  description?: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
}
type Operations = Record<string, Record<string, { responses: Record<string, DocResponse> }>>;

let database: OpenDatabase;
let paths: Operations;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  const app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_docs'), rateLimitPerMinute: 0 });
  paths = ((await (await app.request('/api/openapi.json')).json()) as { paths: Operations }).paths;
});
afterAll(async () => {
  await database.close();
});

const operations = () => Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));

describe('the OpenAPI document', () => {
  it('gives every operation a success answer with the schema of its body (204 has none)', () => {
    const missing = operations()
      .filter(({ op }) => {
        const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        return successes.length === 0 || successes.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((m) => m.schema && Object.keys(m.schema).length > 0));
      })
      .map(({ key }) => key);
    expect(operations().length).toBeGreaterThanOrEqual(50);
    expect(missing).toEqual([]);
  });

  it('describes every error answer with a body as the one error shape', () => {
    const loose: string[] = [];
    for (const { key, op } of operations()) {
      for (const [status, r] of Object.entries(op.responses)) {
        // /readyz answers 503 with its checks, not an error.
        if (!/^[45]\d\d$/.test(status) || key === 'GET /readyz') continue;
        const schema = r.content?.['application/json']?.schema;
        if (!schema || (schema['$ref'] !== '#/components/schemas/ApiError' && !('error' in ((schema['properties'] ?? {}) as object)))) loose.push(`${key} ${status}`);
      }
    }
    expect(loose).toEqual([]);
  });
});

/** What a schema's Standard Schema `validate` answers. */
type Checked = { readonly value: unknown; readonly issues?: undefined } | { readonly issues: readonly unknown[] };

describe('the declared response schemas', () => {
  interface Declared {
    spec?: { responses?: Record<string, { content?: Record<string, { schema?: { validate?: (v: unknown) => Checked | Promise<Checked> } }> }> };
  }
  const hello = JSON.parse(readFileSync(new URL('../../examples/hello.json', import.meta.url), 'utf8')) as Record<string, unknown>;

  /** Checks an answer against the schema its route declares for that status: it must parse, and parse to itself (no key left out of the schema). */
  async function conforms(app: ReturnType<typeof createApp>, method: string, path: string, res: Response) {
    const specOf = (handler: unknown) => (findTargetHandler(handler as never) as unknown as Record<symbol, Declared | undefined>)[uniqueSymbol]?.spec;
    const route = app.routes.find((r) => r.method === method && new RegExp(`^${r.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`).test(path) && specOf(r.handler)?.responses);
    const declared = specOf(route?.handler)?.responses?.[String(res.status)];
    const validate = declared?.content?.['application/json']?.schema?.validate;
    expect({ at: `${method} ${path} ${res.status}`, declared: typeof validate }).toEqual({ at: `${method} ${path} ${res.status}`, declared: 'function' });
    const body: unknown = await res.json();
    const result = await validate!(body);
    expect({ at: `${method} ${path}`, issues: result.issues ?? [] }).toEqual({ at: `${method} ${path}`, issues: [] });
    expect('value' in result ? result.value : undefined).toEqual(body);
    return body as Record<string, any>;
  }

  it('match what the routes answer, key for key', async () => {
    const db = await openDatabase({ kind: 'pglite' });
    try {
      const app = createApp({ db: db.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_views'), secretKey: generateSecretKey(), rateLimitPerMinute: 0 });
      const { token } = await createToken(db.db, { role: 'admin' });
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return conforms(app, method, path, res);
      };
      await call('GET', '/api/me');
      await call('POST', '/api/workflows/validate', hello);
      const { id } = await call('POST', '/api/workflows', hello);
      await call('PUT', `/api/workflows/${id}`, { ...hello, description: 'second' });
      await call('GET', '/api/workflows');
      await call('GET', `/api/workflows/${id}`);
      await call('GET', `/api/workflows/${id}/versions`);
      await call('GET', `/api/workflows/${id}/versions/1`);
      await call('GET', `/api/workflows/${id}/diff`);
      await call('GET', `/api/workflows/${id}/export`);
      const { runId } = await call('POST', `/api/workflows/${id}/runs`, { input: {} });
      expect(runId).toBe('run_views');
      await call('GET', '/api/runs');
      await call('GET', '/api/approvals');
      await call('GET', '/api/node-types');
      await call('POST', '/api/webhooks', { path: 'views', workflowId: id });
      await call('GET', '/api/webhooks');
      await call('GET', '/api/webhooks/views');
      await call('POST', '/api/webhooks/views/rotate-secret');
      await call('POST', '/api/collections', { name: 'views' });
      await call('GET', '/api/collections');
      await call('GET', '/api/collections/views');
      const ingested = await call('POST', '/api/collections/views/documents', { documents: [{ text: '# Title\n\nWeft runs durable workflows.', title: 'About' }] });
      await call('GET', '/api/collections/views/documents');
      await call('GET', `/api/collections/views/documents/${ingested['documentIds'][0]}`);
      await call('POST', '/api/collections/views/search', { query: 'durable workflows', mode: 'text' });
      await call('DELETE', `/api/collections/views/documents/${ingested['documentIds'][0]}`);
      await call('DELETE', '/api/collections/views');
      await call('PUT', '/api/secrets/views', { value: 'x', hosts: ['example.com'] });
      await call('GET', '/api/secrets');
      await call('POST', '/api/tokens', { role: 'viewer' });
      await call('GET', '/api/tokens');
      await call('GET', '/api/audit');
      await conforms(app, 'GET', '/healthz', await app.request('/healthz'));
      // An error answer the document derives (404 for a path parameter), in the one error shape.
      const missing = await (await app.request('/api/workflows/wf_0', { headers: { authorization: `Bearer ${token}` } })).json();
      expect(ApiError.parse(missing)).toEqual(missing);
    } finally {
      await db.close();
    }
  }, 60_000);
});

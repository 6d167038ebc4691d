import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { generateSecretKey } from '@weft/store';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';

const hello = JSON.parse(readFileSync(new URL('../../examples/hello.json', import.meta.url), 'utf8')) as Record<string, any>;

let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
let token = '';
let workflowId = '';

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  // Run starts are refused here as Temporal being down would be: the fuzz is about bodies.
  app = createApp({
    db: database.db,
    registry: builtinRegistry(),
    runs: runsWithoutTemporal('run_fuzz'),
    secretKey: generateSecretKey(),
    rateLimitPerMinute: 0,
  });
  token = (await createToken(database.db, { role: 'admin' })).token;
  const res = await app.request('/api/workflows', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(hello) });
  workflowId = ((await res.json()) as { id: string }).id;
});
afterAll(async () => {
  await database.close();
});

/** Bodies from plain noise to near-valid documents with one thing wrong. */
const bodies = fc.oneof(
  fc.string().map((s) => ({ raw: s })),
  fc.jsonValue().map((v) => ({ raw: JSON.stringify(v) })),
  fc
    .record({
      path: fc.constantFrom('name', 'nodes', 'edges', 'settings', 'triggers', 'schemaVersion', 'nodes.0', 'nodes.1.params', 'nodes.2.params.expression', 'edges.0', 'edges.1.when', 'nodes.3.policy'),
      value: fc.oneof(fc.jsonValue(), fc.constantFrom('{{ $nodes.nope.output }}', '{{ 1 + }}', '$$$', null, -1, Number.MAX_VALUE, '', 'x'.repeat(300))),
    })
    .map(({ path, value }) => {
      const doc = structuredClone(hello);
      const keys = path.split('.');
      let target: any = doc;
      for (const k of keys.slice(0, -1)) target = target?.[k];
      if (target && typeof target === 'object') target[keys.at(-1)!] = value;
      return { raw: JSON.stringify(doc) };
    }),
);

describe('the API under generated bodies', () => {
  it('answers every JSON endpoint with 2xx or 4xx, never 5xx, for 1,250 generated bodies', async () => {
    const endpoints = [
      ['POST', '/api/workflows'],
      ['POST', '/api/workflows/validate'],
      ['POST', '/api/workflows/import'],
      ['PUT', () => `/api/workflows/${workflowId}`],
      ['POST', () => `/api/workflows/${workflowId}/runs`],
    ] as const;
    const statuses = new Map<number, number>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), bodies, async ([method, path], body) => {
        const res = await app.request(typeof path === 'function' ? path() : path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body.raw,
        });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const json = (await res.json()) as { error: { code: string; message: string; issues: unknown[] } };
          expect(json.error.message).toBeTruthy();
          expect(Array.isArray(json.error.issues)).toBe(true);
        }
      }),
      { numRuns: 1250 },
    );
    expect(sent).toBe(1250);
    // Both outcomes were exercised: some bodies were accepted, most refused.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 422)).toBe(true);
  });
});

/** Path parameters that reach handlers: the fuzzed workflow, plausible ids elsewhere. */
function fill(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string, offset: number) => {
    const before = path.slice(0, offset);
    if (name === 'v') return '1';
    if (name === 'name') return 'fuzz';
    if (name === 'id' && before.endsWith('/documents/')) return 'doc_0123456789abcdef';
    if (name === 'id' && before.includes('/workflows')) return workflowId;
    if (name === 'id' && before.includes('/runs')) return 'run_0123456789abcdef';
    return `${name}_0123456789abcdef`;
  });
}

describe('every JSON endpoint of the OpenAPI document under generated bodies', () => {
  it('never answers 5xx (but the test run service\'s "no Temporal" 503)', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    const endpoints = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody?.content['application/json'])
        .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
    expect(endpoints.length).toBeGreaterThanOrEqual(15);
    // Collections need one to exist for ingest and search to reach their pipelines.
    await app.request('/api/collections', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'fuzz' }) });
    const perEndpoint = new Map<string, Set<number>>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), bodies, async ({ method, path }, body) => {
        const res = await app.request(fill(path), { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body.raw });
        const key = `${method} ${path}`;
        perEndpoint.set(key, (perEndpoint.get(key) ?? new Set()).add(res.status));
        const json = res.status === 204 ? undefined : ((await res.json()) as { error?: { code: string; message: string; issues: unknown[] } });
        if (res.status === 503) expect({ key, code: json?.error?.code }).toEqual({ key, code: 'temporal_unavailable' });
        else expect({ key, status: res.status < 500 }).toEqual({ key, status: true });
        if (res.status >= 400) {
          expect(json?.error?.message).toBeTruthy();
          expect(Array.isArray(json?.error?.issues)).toBe(true);
        }
      }),
      { numRuns: Math.max(600, endpoints.length * 30) },
    );
    // Every endpoint was reached.
    expect([...perEndpoint.keys()].sort()).toEqual(endpoints.map((e) => `${e.method} ${e.path}`).sort());
  }, 180_000);
});

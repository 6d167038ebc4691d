import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { signedWebhookHeaders } from './routes/webhooks.js';
import { generateSecretKey } from '@weft/store';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';
import { logger, setLogDestination } from '@weft/workers/process';

// Findings of the attack suite (issue 15, point 10): NUL in strings, malformed paths, security headers.
const hello = JSON.parse(readFileSync(new URL('../../examples/hello.json', import.meta.url), 'utf8')) as { name: string; nodes: { params?: Record<string, unknown> }[] };

let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
let admin: string;
let editorDir: string;
const started: string[] = [];
const writes: string[] = [];

beforeAll(async () => {
  editorDir = mkdtempSync(join(tmpdir(), 'weft-editor-'));
  mkdirSync(join(editorDir, 'assets'));
  writeFileSync(join(editorDir, 'index.html'), '<!doctype html><title>Weft</title>');
  writeFileSync(join(editorDir, 'assets', 'app.js'), 'export {};');
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_nul', started), secretKey: generateSecretKey(), editorDir, rateLimitPerMinute: 0 });
  admin = (await createToken(database.db, { role: 'admin' })).token;
  setLogDestination({ write: (s: string) => writes.push(s) });
});
beforeEach(() => {
  writes.length = 0;
});
afterAll(async () => {
  setLogDestination(pino.destination({ fd: 2, sync: true }));
  await database.close();
  rmSync(editorDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; issues: { path: string }[] } } & Record<string, unknown> };
}

const errorLines = () => writes.flatMap((w) => w.trimEnd().split('\n')).filter((l) => l && (JSON.parse(l) as { level: string }).level === 'error');

describe('strings holding NUL (U+0000), which PostgreSQL cannot store', () => {
  it('answers 400 with the path of a NUL in a workflow name or param, and stores nothing', async () => {
    const before = await database.db.selectFrom('workflow').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const params = structuredClone(hello);
    params.nodes[1]!.params = { expression: '"a\u0000b"' };
    for (const [path, doc, where] of [
      ['/api/workflows', { ...hello, name: 'bad\u0000name' }, '$.name'],
      ['/api/workflows', params, '$.nodes[1].params.expression'],
      ['/api/workflows/import', { ...hello, name: '\u0000' }, '$.name'],
    ] as const) {
      const res = await call('POST', path, doc);
      expect(res.status, path).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'invalid_request', issues: [{ path: where }] });
    }
    const after = await database.db.selectFrom('workflow').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('answers 400 with the path of a NUL in a run input, a token name, a document or a schedule note', async () => {
    const wf = await call('POST', '/api/workflows', hello);
    expect(wf.status).toBe(201);
    const cases = [
      ['POST', `/api/workflows/${String(wf.json['id'])}/runs`, { input: { list: ['ok', 'x\u0000'] } }, '$.input.list[1]'],
      ['POST', '/api/tokens', { role: 'viewer', name: 'ci\u0000' }, '$.name'],
      ['POST', '/api/collections/docs/documents', { documents: [{ text: 'fine', metadata: { 'k\u0000': 1 } }] }, '$.documents[0].metadata["k\\u0000"]'],
      ['POST', '/api/schedules/sch_1/pause', { note: '\u0000' }, '$.note'],
    ] as const;
    const startedBefore = started.length;
    for (const [method, path, body, where] of cases) {
      const res = await call(method, path, body);
      expect(res.status, path).toBe(400);
      expect(res.json.error?.issues.map((i) => i.path), path).toEqual([where]);
    }
    expect(started.length).toBe(startedBefore);
    expect(await database.db.selectFrom('api_token').select('name').where('name', 'like', 'ci%').execute()).toEqual([]);
  });

  it('answers 400 for a NUL in a query string, such as the message of a saved version', async () => {
    const wf = await call('POST', '/api/workflows', hello);
    const res = await call('PUT', `/api/workflows/${String(wf.json['id'])}?message=fix%00`, hello);
    expect(res.status).toBe(400);
    expect(res.json.error?.issues).toMatchObject([{ path: '$.message' }]);
  });

  it('answers 400 to a signed webhook call whose body holds a NUL, and starts no run', async () => {
    const wf = await call('POST', '/api/workflows', hello);
    const hook = await call('POST', '/api/webhooks', { path: 'nul-test', workflowId: wf.json['id'] });
    expect(hook.status).toBe(201);
    const send = async (body: string, type: string) => {
      const stamp = Math.floor(Date.now() / 1000);
      return app.request('/hooks/nul-test', { method: 'POST', body, headers: { 'content-type': type, ...signedWebhookHeaders(String(hook.json['secret']), { timestamp: stamp, method: 'POST', path: '/hooks/nul-test', body }) } });
    };
    const startedBefore = started.length;
    const json = await send(JSON.stringify({ event: { name: 'a\u0000' } }), 'application/json');
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { issues: unknown[] } }).error.issues).toMatchObject([{ path: '$.event.name' }]);
    const text = await send('plain\u0000text', 'text/plain');
    expect(text.status).toBe(400);
    expect(((await text.json()) as { error: { issues: unknown[] } }).error.issues).toMatchObject([{ path: '$' }]);
    expect(started.length).toBe(startedBefore);
  });

  it('lets through an escaped backslash followed by u0000, which is no NUL', async () => {
    const res = await call('POST', '/api/tokens', { role: 'viewer', name: 'literal \\u0000' });
    expect(res.status).toBe(201);
  });
});

describe('a malformed percent-encoding in the path', () => {
  for (const path of ['/%ff', '/api/%ff', '/assets/%E0%A4%A', '/api/workflows/%ff']) {
    it(`answers ${path} with 400 and logs no error`, async () => {
      logger.level = 'info';
      const res = await app.request(path, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/at |stack|URIError/);
      await new Promise((turnEnded) => setImmediate(turnEnded));
      expect(errorLines()).toEqual([]);
    });
  }
});

describe('security headers', () => {
  it('sends a content security policy and anti-framing, sniffing and referrer headers with the editor', async () => {
    for (const path of ['/', '/workflows/wf_1', '/assets/app.js']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("'unsafe-eval'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('sends the same headers with API answers, errors included', async () => {
    for (const path of ['/api/workflows', '/api/nothing-here', '/healthz']) {
      const res = await app.request(path, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('lets the API reference page run its own inline script and style, and nothing else inline', async () => {
    const res = await app.request('/api/docs');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain("'unsafe-inline'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

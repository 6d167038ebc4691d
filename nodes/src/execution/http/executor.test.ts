import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, type NodeContext } from '../../context.js';
import { testContext } from '../../testing/context.js';
import definition from './definition.js';
import { execute } from './executor.js';

let server: Server;
let base = '';
const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
      if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('late'), 2000);
      if (req.url?.startsWith('/text')) return void res.writeHead(status, { 'content-type': 'text/plain' }).end('plain words');
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 400 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ctx = (): NodeContext => testContext({ runId: 'run_1', nodeId: 'call', scope: { input: null, nodes: {}, run: {} } });
const params = (p: Record<string, unknown>) => definition.params.parse(p);

describe('execution.http', () => {
  it('sends the idempotency key, query and a JSON body, and parses a JSON answer', async () => {
    const out = await execute(ctx(), params({ method: 'POST', url: `${base}/orders`, query: { a: '1' }, body: { qty: 2 } }), null);
    expect(out).toMatchObject({ status: 200, body: { ok: true } });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/orders?a=1', body: '{"qty":2}' });
    expect(req.headers['idempotency-key']).toBe('run_1:call');
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('returns text answers as text', async () => {
    expect((await execute(ctx(), params({ url: `${base}/text` }), null)).body).toBe('plain words');
  });

  it('fails for good on a 404 and retryably on a 503', async () => {
    const e404 = await execute(ctx(), params({ url: `${base}/x?status=404` }), null).catch((e: unknown) => e);
    expect(e404).toBeInstanceOf(NodeError);
    expect(e404).toMatchObject({ type: 'HttpStatusError', retryable: false });
    const e503 = await execute(ctx(), params({ url: `${base}/x?status=503` }), null).catch((e: unknown) => e);
    expect(e503).toMatchObject({ type: 'HttpStatusError', retryable: true });
  });

  it('times out a slow answer as a retryable error', async () => {
    const e = await execute(ctx(), params({ url: `${base}/slow`, timeoutMs: 100 }), null).catch((err: unknown) => err);
    expect(e).toMatchObject({ type: 'HttpRequestError', retryable: true });
    expect((e as Error).message).toContain('no answer within 100 ms');
  });

  it('refuses URLs that are not http or https', async () => {
    for (const url of ['file:///etc/passwd', 'not a url', 'ftp://x/y']) {
      await expect(execute(ctx(), params({ url }), null)).rejects.toMatchObject({ type: 'InvalidUrl', retryable: false });
    }
  });
});

describe('execution.http behind the SSRF guard', () => {
  it('refuses a private destination for good, without a request', async () => {
    const { createGuardedFetch } = await import('../../net/guarded-fetch.js');
    const before = seen.length;
    const guarded = { ...ctx(), fetch: createGuardedFetch() };
    await expect(execute(guarded, params({ url: `${base}/orders` }), null)).rejects.toMatchObject({ type: 'SsrfBlocked', retryable: false });
    await expect(execute(guarded, params({ url: 'http://169.254.169.254/latest/meta-data/' }), null)).rejects.toMatchObject({ type: 'SsrfBlocked' });
    expect(seen.length).toBe(before);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptDetail } from '@weft/schemas';
import { NodeError, type NodeContext } from '../../context.js';
import { testContext } from '../../testing/context.js';
import definition from './definition.js';
import { execute } from './executor.js';

let server: Server;
let base = '';
let otherServer: Server;
let other = '';
const elsewhere: { url?: string; headers: Record<string, unknown> }[] = [];
const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
      // Echoes what it got: what an output would hold without the executor hiding credentials.
      if (req.url?.startsWith('/echo')) return void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers }));
      if (req.url?.startsWith('/hop-here')) return void res.writeHead(302, { location: '/echo' }).end();
      if (req.url?.startsWith('/hop-away')) return void res.writeHead(302, { location: `${other}/echo` }).end();
      // Echoes the credential header the way careless services do: escaped, encoded, inside other text.
      if (req.url?.startsWith('/encodings')) {
        const v = String(req.headers['x-api-key'] ?? '');
        return void res.writeHead(200, { 'content-type': 'text/plain' }).end(
          [JSON.stringify({ key: v }), Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url'), Buffer.from(v).toString('hex'), Buffer.from(v).toString('hex').toUpperCase(), encodeURIComponent(v), Buffer.from(`{"key":"${v}"}`).toString('base64')].join('\n'),
        );
      }
      if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('late'), 2000);
      if (req.url?.startsWith('/text')) return void res.writeHead(status, { 'content-type': 'text/plain' }).end('plain words');
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 400 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Another origin, for redirects.
  otherServer = createServer((req, res) => {
    elsewhere.push({ url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"elsewhere":true}');
  });
  await new Promise<void>((r) => otherServer.listen(0, '127.0.0.1', r));
  other = `http://127.0.0.1:${(otherServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => otherServer.close(() => r()));
});

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

describe('execution.http authentication from secrets', () => {
  // Characters that change under base64 and URL encoding, so every form on the wire is checked.
  const secrets = { TOKEN: 'tok-Secret/Value+1==', PASSWORD: 'p@ss w:rd&x=1', API_KEY: 'key-12345-abcde' };
  const authCtx = (): NodeContext => testContext({ runId: 'run_a', nodeId: 'call', secrets, scope: { input: null, nodes: {}, run: {} } });
  const basic = Buffer.from(`ada:${secrets.PASSWORD}`).toString('base64');
  const everyForm = [...Object.values(secrets).flatMap((v) => [v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2)]), basic];
  const leaks = (value: unknown) => everyForm.filter((f) => JSON.stringify(value).includes(f) || String((value as Error)?.message ?? '').includes(f));

  it('sends a bearer token and keeps it out of the output', async () => {
    const out = await execute(authCtx(), params({ url: `${base}/echo`, auth: { type: 'bearer', secret: 'TOKEN' } }), null);
    expect(seen.at(-1)!.headers['authorization']).toBe(`Bearer ${secrets.TOKEN}`);
    expect((out.body as { headers: Record<string, string> }).headers['authorization']).toBe('Bearer [secret:TOKEN]');
    expect(leaks(out)).toEqual([]);
  });

  it('sends basic credentials and hides their base64 form too', async () => {
    const out = await execute(authCtx(), params({ url: `${base}/echo`, auth: { type: 'basic', username: 'ada', secret: 'PASSWORD' } }), null);
    expect(seen.at(-1)!.headers['authorization']).toBe(`Basic ${basic}`);
    expect((out.body as { headers: Record<string, string> }).headers['authorization']).toBe('Basic [secret:PASSWORD]');
    expect(leaks(out)).toEqual([]);
  });

  it('sends the secret in a named header, overriding one set in headers', async () => {
    const out = await execute(authCtx(), params({ url: `${base}/echo`, headers: { 'X-Api-Key': 'placeholder' }, auth: { type: 'header', name: 'X-Api-Key', secret: 'API_KEY' } }), null);
    expect(seen.at(-1)!.headers['x-api-key']).toBe(secrets.API_KEY);
    expect(leaks(out)).toEqual([]);
  });

  it('sends the secret as a query parameter, URL-encoded, and hides the encoded form', async () => {
    const out = await execute(authCtx(), params({ url: `${base}/echo?a=1`, auth: { type: 'query', name: 'api_key', secret: 'PASSWORD' } }), null);
    expect(new URL(seen.at(-1)!.url!, 'http://x').searchParams.get('api_key')).toBe(secrets.PASSWORD);
    expect((out.body as { url: string }).url).toBe('/echo?a=1&api_key=[secret:PASSWORD]');
    expect(leaks(out)).toEqual([]);
  });

  it('keeps the secret out of a failed call: neither the message nor the answer it carries hold it', async () => {
    const e = await execute(authCtx(), params({ url: `${base}/echo?status=404`, auth: { type: 'query', name: 'api_key', secret: 'PASSWORD' } }), null).catch((err: unknown) => err);
    expect(e).toMatchObject({ type: 'HttpStatusError', retryable: false });
    expect((e as NodeError).message).toBe(`GET ${base}/echo answered 404`);
    expect(leaks({ message: (e as NodeError).message, details: (e as NodeError).details })).toEqual([]);
  });

  it('fails for good, without a request, when the secret does not exist', async () => {
    const before = seen.length;
    await expect(execute(authCtx(), params({ url: `${base}/echo`, auth: { type: 'bearer', secret: 'NOPE' } }), null)).rejects.toMatchObject({ type: 'SecretNotFound', retryable: false });
    expect(seen.length).toBe(before);
  });

  it('refuses to put a secret with a line break in a header', async () => {
    const ctx = testContext({ secrets: { BAD: 'a\r\nX-Injected: 1' } });
    await expect(execute(ctx, params({ url: `${base}/echo`, auth: { type: 'bearer', secret: 'BAD' } }), null)).rejects.toMatchObject({ type: 'InvalidSecret', retryable: false });
  });

  it('keeps a credential on a redirect within its bound hosts', async () => {
    const bound = testContext({ secrets: { API_KEY: { value: secrets.API_KEY, hosts: [base] } } });
    await execute(bound, params({ url: `${base}/hop-here`, auth: { type: 'header', name: 'X-Api-Key', secret: 'API_KEY' } }), null);
    expect(seen.at(-1)).toMatchObject({ url: '/echo', headers: { 'x-api-key': secrets.API_KEY } });
  });

  it('follows a redirect to another host the secret is bound to, credential included', async () => {
    const bound = testContext({ secrets: { API_KEY: { value: secrets.API_KEY, hosts: [base, other] } } });
    const out = await execute(bound, params({ url: `${base}/hop-away`, auth: { type: 'header', name: 'X-Api-Key', secret: 'API_KEY' } }), null);
    expect(out.body).toEqual({ elsewhere: true });
    expect(elsewhere.at(-1)!.headers['x-api-key']).toBe(secrets.API_KEY);
  });

  it('fails for good on a redirect to a host the secret is not bound to, sending that host nothing, whatever the kind of auth', async () => {
    const bound = testContext({ secrets: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, { value: v, hosts: [base] }])) });
    for (const auth of [
      { type: 'bearer', secret: 'TOKEN' },
      { type: 'basic', username: 'ada', secret: 'PASSWORD' },
      { type: 'header', name: 'X-Api-Key', secret: 'API_KEY' },
      { type: 'query', name: 'api_key', secret: 'PASSWORD' },
    ]) {
      const before = elsewhere.length;
      const e = (await execute(bound, params({ url: `${base}/hop-away`, auth }), null).catch((err: unknown) => err)) as NodeError;
      expect(e, auth.type).toMatchObject({ type: 'SecretNotAllowed', retryable: false, details: { secret: auth.secret, host: new URL(other).host } });
      expect(e.message).toContain(`secret "${auth.secret}" may not be sent to ${other}/echo`);
      expect(elsewhere.length, auth.type).toBe(before);
      expect(leaks({ message: e.message, details: e.details })).toEqual([]);
    }
  });

  it('refuses before any request a destination the secret is not bound to, and a secret bound nowhere', async () => {
    const before = seen.length;
    const bound = testContext({ secrets: { TOKEN: { value: secrets.TOKEN, hosts: ['api.example.com'] }, OLD: { value: 'old-value', hosts: null } } });
    const e = (await execute(bound, params({ url: `${base}/echo`, auth: { type: 'bearer', secret: 'TOKEN' } }), null).catch((err: unknown) => err)) as NodeError;
    expect(e).toMatchObject({ type: 'SecretNotAllowed', retryable: false });
    expect(e.message).toBe(
      `secret "TOKEN" may not be sent to ${base}/echo: it is bound to api.example.com; to allow this destination, an admin adds it to the secret's hosts on the Secrets page, with \`weft secrets hosts TOKEN --host <host>\`, or with PUT /api/secrets/TOKEN {"hosts": ["<host>"]}`,
    );
    const old = (await execute(bound, params({ url: `${base}/echo`, auth: { type: 'bearer', secret: 'OLD' } }), null).catch((err: unknown) => err)) as NodeError;
    expect(old).toMatchObject({ type: 'SecretNotAllowed', retryable: false });
    expect(old.message).toContain('secret "OLD" is not bound to any host');
    expect(seen.length).toBe(before);
  });

  it('masks an echo of the secret JSON-escaped, base64, hex and URL-encoded in the output', async () => {
    const tricky = 'k"e\\y/é+=&?';
    const ctx = testContext({ secrets: { TRICKY: { value: tricky, hosts: [base] } } });
    const out = await execute(ctx, params({ url: `${base}/encodings`, auth: { type: 'header', name: 'X-Api-Key', secret: 'TRICKY' } }), null);
    const text = String(out.body);
    expect(text.split('\n').slice(1, 6)).toEqual(Array(5).fill('[secret:TRICKY]'));
    expect(text).toContain('{"key":"[secret:TRICKY]"}');
    for (const form of [tricky, JSON.stringify(tricky).slice(1, -1), Buffer.from(tricky).toString('base64'), Buffer.from(tricky).toString('hex'), encodeURIComponent(tricky), Buffer.from(`{"key":"${tricky}"}`).toString('base64')]) {
      expect(text).not.toContain(form);
    }
  });

  it('authenticates the undo request the same way', async () => {
    const { compensate } = await import('./executor.js');
    const p = params({ method: 'POST', url: `${base}/orders`, auth: { type: 'bearer', secret: 'TOKEN' }, compensation: { method: 'DELETE', url: `${base}/echo/{{ $output.status }}` } });
    const undone = await compensate(authCtx(), p, { status: 201, headers: {}, body: {} });
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/echo/201', headers: { authorization: `Bearer ${secrets.TOKEN}` } });
    expect(leaks(undone)).toEqual([]);
  });

  it('notes the request it sent, with the credential masked in every form it took', async () => {
    const notes: AttemptDetail[] = [];
    const noted = testContext({ secrets, scope: { input: null, nodes: {}, run: {} }, note: (d) => void notes.push(d) });
    await execute(noted, params({ method: 'POST', url: `${base}/echo?a=1`, headers: { 'X-Team': 'blue' }, body: { order: 7 }, auth: { type: 'basic', username: 'ada', secret: 'PASSWORD' } }), null);
    await execute(noted, params({ url: `${base}/echo`, auth: { type: 'query', name: 'api_key', secret: 'PASSWORD' } }), null);
    expect(notes).toEqual([
      {
        request: {
          method: 'POST',
          url: `${base}/echo?a=1`,
          headers: { authorization: 'Basic [secret:PASSWORD]', 'content-type': 'application/json', 'idempotency-key': 'run_test:node', 'x-team': 'blue' },
          body: { order: 7 },
        },
      },
      { request: { method: 'GET', url: `${base}/echo?api_key=[secret:PASSWORD]`, headers: { 'idempotency-key': 'run_test:node' } } },
    ]);
    expect(leaks(notes)).toEqual([]);
  });

  it('notes a request that failed with an error status, and carries the answer in the error', async () => {
    const notes: AttemptDetail[] = [];
    const noted = testContext({ secrets, note: (d) => void notes.push(d) });
    const e = (await execute(noted, params({ url: `${base}/echo?status=422`, auth: { type: 'bearer', secret: 'TOKEN' } }), null).catch((err: unknown) => err)) as NodeError;
    expect(notes).toEqual([{ request: { method: 'GET', url: `${base}/echo?status=422`, headers: { authorization: 'Bearer [secret:TOKEN]', 'idempotency-key': 'run_test:node' } } }]);
    expect(e.details).toMatchObject({ status: 422, body: { url: '/echo?status=422', headers: { authorization: 'Bearer [secret:TOKEN]' } } });
  });

  it('notes the undo request it sent', async () => {
    const { compensate } = await import('./executor.js');
    const notes: AttemptDetail[] = [];
    const noted = testContext({ runId: 'run_u', nodeId: 'order', secrets, note: (d) => void notes.push(d) });
    const p = params({ method: 'POST', url: `${base}/orders`, auth: { type: 'header', name: 'X-Api-Key', secret: 'API_KEY' }, compensation: { url: `${base}/echo/{{ $output.body.id }}` } });
    await compensate(noted, p, { status: 201, headers: {}, body: { id: 'o-1' } });
    expect(notes).toEqual([{ request: { method: 'DELETE', url: `${base}/echo/o-1`, headers: { 'idempotency-key': 'run_u:order:compensate', 'x-api-key': '[secret:API_KEY]' } } }]);
  });

  it('accepts only the known kinds of authentication with valid secret names', () => {
    for (const auth of [{ type: 'bearer', secret: 'bad name' }, { type: 'oauth', secret: 'T' }, { type: 'basic', secret: 'T' }, { type: 'header', name: 'bad header', secret: 'T' }, { type: 'bearer', secret: 'T', value: 'inline' }]) {
      expect(definition.params.safeParse({ url: 'http://x', auth }).success, JSON.stringify(auth)).toBe(false);
    }
  });
});

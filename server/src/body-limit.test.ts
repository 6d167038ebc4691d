import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit.js';

const app = new Hono()
  .use(bodyLimit({ maxSize: 100, onError: (c) => c.json({ error: 'too large' }, 413) }))
  .post('/echo', async (c) => c.json({ length: (await c.req.text()).length }))
  .get('/hello', (c) => c.json({ hello: 'world' }));

let server: ServerType;
let url: string;

beforeAll(async () => {
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}`;
      ready();
    });
  });
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** A body sent in chunks, so the request has no Content-Length. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 30) controller.enqueue(bytes.subarray(i, i + 30));
      controller.close();
    },
  });
}

describe('bodyLimit', () => {
  it('refuses a body whose Content-Length is over the limit, and lets a smaller one through', async () => {
    expect((await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(101) })).status).toBe(413);
    const ok = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(100) });
    expect(await ok.json()).toEqual({ length: 100 });
  });

  it('counts a chunked body as it streams', async () => {
    const over = await fetch(`${url}/echo`, { method: 'POST', body: chunked('x'.repeat(150)), duplex: 'half' } as RequestInit);
    expect(over.status).toBe(413);
    const ok = await fetch(`${url}/echo`, { method: 'POST', body: chunked('x'.repeat(90)), duplex: 'half' } as RequestInit);
    expect(await ok.json()).toEqual({ length: 90 });
  });

  it('checks bodies given to app.request, which carry no Content-Length', async () => {
    expect((await app.request('/echo', { method: 'POST', body: 'x'.repeat(101) })).status).toBe(413);
    expect((await app.request('/echo', { method: 'POST', body: 'x'.repeat(10) })).status).toBe(200);
  });

  it('lets a GET through untouched', async () => {
    expect(await (await fetch(`${url}/hello`)).json()).toEqual({ hello: 'world' });
  });
});

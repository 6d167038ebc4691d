import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorStatic } from './static.js';

const INDEX = '<!doctype html><title>Weft</title>';
const APP = 'export const answer = 42;';
let root: string;
let app: Hono;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'weft-static-'));
  mkdirSync(join(root, 'assets'));
  // As Vite builds it: each file, and its brotli and gzip copies beside it.
  for (const [name, text] of [['index.html', INDEX], ['assets/app-3f2a1b.js', APP]] as const) {
    writeFileSync(join(root, name), text);
    writeFileSync(join(root, `${name}.br`), brotliCompressSync(text));
    writeFileSync(join(root, `${name}.gz`), gzipSync(text));
  }
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = new Hono();
  app.use('*', editorStatic({ root }));
  app.get('/api/ping', (c) => c.text('pong'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const get = (path: string, acceptEncoding?: string) => app.request(path, acceptEncoding ? { headers: { 'accept-encoding': acceptEncoding } } : {});

describe('editorStatic', () => {
  it('caches hashed assets for a year, as immutable', async () => {
    const res = await get('/assets/app-3f2a1b.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toBe(APP);
  });

  it('has index.html revalidated on every load', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  });

  it('answers the editor’s own routes with index.html, not cached', async () => {
    const res = await get('/workflows/wf_1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  });

  it('sends the brotli file to a browser that takes brotli, and gzip to one that takes only gzip', async () => {
    const br = await get('/assets/app-3f2a1b.js', 'gzip, deflate, br');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(APP);

    const gz = await get('/', 'gzip');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('cache-control')).toBe('no-cache');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(INDEX);
  });

  it('sends a file with no compressed copy as it is', async () => {
    const res = await get('/favicon.svg', 'br');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a malformed percent-encoding with 400, not 500', async () => {
    for (const path of ['/assets/%E0%A4%A', '/%ff']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
    }
  });

  it('leaves API paths and other methods to the routes', async () => {
    expect(await (await get('/api/ping')).text()).toBe('pong');
    expect((await get('/api/nothing')).status).toBe(404);
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedders } from './embedders.js';
import { createOpenAiEmbedder } from './openai-embedder.js';

let server: Server;
let base = '';
const requests: { auth?: string; body: { model: string; input: string[]; dimensions?: number } }[] = [];
let reply: (input: string[]) => { status: number; body: unknown } = (input) => ({
  status: 200,
  // Answers out of order, as the API allows: the client must place vectors by index.
  body: { data: input.map((t, index) => ({ index, embedding: [t.length, index, 1] })).reverse() },
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; input: string[] };
      requests.push({ auth: req.headers.authorization, body });
      const r = req.url === '/v1/embeddings' ? reply(body.input) : { status: 404, body: {} };
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('createEmbedders', () => {
  it('has the local embedder as the default when nothing is configured', () => {
    const set = createEmbedders();
    expect(set.names()).toEqual(['local']);
    expect(set.get().id).toBe('local-hash-384');
    expect(set.get('default')).toBe(set.get('local'));
    expect(set.get('local-hash-384')).toBe(set.get());
  });

  it('finds configured embedders by name or id and refuses unknown ones for good', () => {
    const set = createEmbedders({ default: 'remote', openai: { remote: { baseUrl: base, model: 'm', dimensions: 3 } } });
    expect(set.get().id).toBe('openai:m');
    expect(set.get('openai:m')).toBe(set.get('remote'));
    expect(() => set.get('nope')).toThrow(expect.objectContaining({ type: 'UnknownEmbedder', retryable: false }));
    expect(() => createEmbedders({ default: 'missing' })).toThrow(/not configured/);
  });
});

describe('OpenAI-compatible embedder', () => {
  it('posts batches to /embeddings with the key and places vectors by index', async () => {
    requests.length = 0;
    const e = createOpenAiEmbedder({ baseUrl: `${base}/`, model: 'text-embed', dimensions: 3, apiKey: 'k1', batchSize: 2 });
    const out = await e.embed(['a', 'bb', 'ccc']);
    expect(out).toEqual([[1, 0, 1], [2, 1, 1], [3, 0, 1]]);
    expect(requests.map((r) => r.body.input)).toEqual([['a', 'bb'], ['ccc']]);
    expect(requests[0]).toMatchObject({ auth: 'Bearer k1', body: { model: 'text-embed' } });
    expect(requests[0]!.body.dimensions).toBeUndefined();
  });

  it('fails for good on vectors of the wrong size, and retryably on 429', async () => {
    const wrong = createOpenAiEmbedder({ baseUrl: base, model: 'm', dimensions: 4 });
    await expect(wrong.embed(['x'])).rejects.toMatchObject({ type: 'EmbeddingError', retryable: false });
    reply = () => ({ status: 429, body: { error: 'slow down' } });
    const e = createOpenAiEmbedder({ baseUrl: base, model: 'm', dimensions: 3 });
    await expect(e.embed(['x'])).rejects.toMatchObject({ type: 'EmbeddingError', retryable: true, details: { status: 429 } });
    reply = () => ({ status: 400, body: { error: 'bad model' } });
    await expect(e.embed(['x'])).rejects.toMatchObject({ type: 'EmbeddingError', retryable: false });
  });
});

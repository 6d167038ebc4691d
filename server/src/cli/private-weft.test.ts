import { describe, expect, it } from 'vitest';
import { NodeError } from '@weft/nodes';
import { WorkflowTestFile } from './workflow-tests.js';
import { recordedFetch } from './private-weft.js';

const http = WorkflowTestFile.parse({
  workflow: 'a.json',
  http: [
    { url: 'https://api.example.com/items?id=1', body: { id: 1 } },
    { method: 'POST', url: 'https://api.example.com/items', status: 201, headers: { location: '/items/2' }, body: 'created' },
    { method: 'DELETE', url: 'https://api.example.com/items/2', status: 204 },
  ],
  cases: [{ name: 'x' }],
}).http!;

describe('recordedFetch', () => {
  const fetch = recordedFetch(() => http);

  it('answers a request with the recording of the same method and URL', async () => {
    const got = await fetch(new URL('https://api.example.com/items?id=1'));
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/json');
    expect(await got.json()).toEqual({ id: 1 });
    const created = await fetch('https://api.example.com/items', { method: 'POST', body: '{}' });
    expect([created.status, created.headers.get('location'), await created.text()]).toEqual([201, '/items/2', 'created']);
    expect((await fetch('https://api.example.com/items/2', { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses, without retries, a request nothing was recorded for', async () => {
    const refused = fetch('https://api.example.com/items?id=2');
    await expect(refused).rejects.toBeInstanceOf(NodeError);
    await expect(refused).rejects.toMatchObject({ type: 'NotRecorded', retryable: false, message: expect.stringContaining('GET https://api.example.com/items?id=2') });
    await expect(fetch('https://api.example.com/items?id=1', { method: 'POST' })).rejects.toMatchObject({ type: 'NotRecorded' });
  });
});
